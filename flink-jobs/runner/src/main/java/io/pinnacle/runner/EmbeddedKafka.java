package io.pinnacle.runner;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka (KRaft, broker and controller in one process) for the embedded runner and the
 * integration tests: formats a fresh log directory, starts on free local ports, and stops cleanly.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private KafkaRaftServer server;
  private final String bootstrap;
  private final Properties props;

  private EmbeddedKafka(KafkaRaftServer server, String bootstrap, Properties props) {
    this.server = server;
    this.bootstrap = bootstrap;
    this.props = props;
  }

  public static EmbeddedKafka start(Path workDir) {
    try {
      Path logs = Files.createDirectories(workDir.resolve("kafka-logs"));
      int brokerPort = freePort();
      int controllerPort = freePort();
      Properties p = brokerProperties(logs, brokerPort, controllerPort);
      Path config = workDir.resolve("server.properties");
      try (var w = Files.newBufferedWriter(config)) {
        p.store(w, "embedded Kafka");
      }
      String clusterId = Uuid.randomUuid().toString();
      PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
      int rc = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", config.toString(),
          "--ignore-formatted"}, quiet);
      if (rc != 0) {
        throw new IllegalStateException("formatting the embedded Kafka log directory failed (" + rc + ")");
      }
      KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p), Time.SYSTEM);
      server.startup();
      EmbeddedKafka k = new EmbeddedKafka(server, "localhost:" + brokerPort, p);
      k.awaitReady();
      return k;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start embedded Kafka", e);
    }
  }

  /** One node (broker and controller), replication 1, no topic auto-creation: this broker and the benchmark's. */
  public static Properties brokerProperties(Path logs, int brokerPort, int controllerPort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
    p.put("listeners", "PLAINTEXT://localhost:" + brokerPort + ",CONTROLLER://localhost:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logs.toAbsolutePath().toString());
    p.put("num.partitions", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "4");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false");
    p.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
    return p;
  }

  private void awaitReady() {
    long deadline = System.currentTimeMillis() + 60_000;
    while (true) {
      try (Admin admin = admin()) {
        admin.describeCluster().nodes().get();
        return;
      } catch (Exception e) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("embedded Kafka did not become ready", e);
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(ie);
        }
      }
    }
  }

  public String bootstrapServers() {
    return bootstrap;
  }

  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  /** Creates topics (1 partition each unless given); {@code compacted} ones get cleanup.policy=compact. */
  public void createTopics(List<String> plain, List<String> compacted, int partitions) {
    createTopics(bootstrap, plain, compacted, partitions);
  }

  /** The same on any single-node broker (replication 1): this one or the benchmark's. */
  public static void createTopics(String bootstrap, List<String> plain, List<String> compacted, int partitions) {
    createTopics(bootstrap, plain, compacted, partitions, Map.of());
  }

  /** The same, with extra settings for the compacted topics. */
  public static void createTopics(String bootstrap, List<String> plain, List<String> compacted, int partitions,
                                  Map<String, String> compactedConfigs) {
    try (Admin admin = Admin.create(KafkaClientConfig.properties(bootstrap))) {
      List<NewTopic> topics = new ArrayList<>();
      for (String t : plain) {
        topics.add(new NewTopic(t, partitions, (short) 1));
      }
      for (String t : compacted) {
        Map<String, String> configs = new HashMap<>(compactedConfigs);
        configs.put("cleanup.policy", "compact");
        topics.add(new NewTopic(t, partitions, (short) 1).configs(configs));
      }
      admin.createTopics(topics).all().get();
    } catch (Exception e) {
      throw new IllegalStateException("cannot create topics " + plain + " " + compacted, e);
    }
  }

  /** A free local port. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * Stops the broker and starts it again on the same ports and log directory, as a broker restart in production:
   * clients keep their bootstrap address and reconnect; what was written is still there.
   */
  public void restart() {
    server.shutdown();
    server.awaitShutdown();
    server = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
    server.startup();
    awaitReady();
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }
}
