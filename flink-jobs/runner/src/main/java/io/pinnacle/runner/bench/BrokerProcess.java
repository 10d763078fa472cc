package io.pinnacle.runner.bench;

import io.pinnacle.runner.EmbeddedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node KRaft Kafka (broker and controller in one process) in a JVM of its own, so that the CPU the
 * broker burns is never counted as the job's. Started from this JVM's classpath; its log directory lives under the
 * benchmark's work directory.
 */
public final class BrokerProcess implements AutoCloseable {
  private final Process process;
  private final String bootstrap;

  private BrokerProcess(Process process, String bootstrap) {
    this.process = process;
    this.bootstrap = bootstrap;
  }

  public static BrokerProcess start(Path workDir) {
    try {
      Path dir = Files.createDirectories(workDir.resolve("broker"));
      int brokerPort = EmbeddedKafka.freePort();
      int controllerPort = EmbeddedKafka.freePort();
      Path config = dir.resolve("server.properties");
      try (var w = Files.newBufferedWriter(config)) {
        EmbeddedKafka.brokerProperties(dir.resolve("kafka-logs"), brokerPort, controllerPort)
            .store(w, "benchmark broker");
      }
      Path log4j = dir.resolve("log4j2.properties");
      Files.writeString(log4j, String.join("\n",
          "rootLogger.level = WARN", "rootLogger.appenderRef.f.ref = f",
          "appender.f.type = File", "appender.f.name = f", "appender.f.fileName = " + dir.resolve("broker.log"),
          "appender.f.layout.type = PatternLayout", "appender.f.layout.pattern = %d %p %c{1} - %m%n", ""));
      String clusterId = Uuid.randomUuid().toString();
      int rc = run(dir, log4j, List.of("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config.toString(),
          "--ignore-formatted")).waitFor();
      if (rc != 0) {
        throw new IllegalStateException("formatting the broker log directory failed (" + rc + "), see " + dir);
      }
      Process p = run(dir, log4j, List.of("kafka.Kafka", config.toString()));
      BrokerProcess b = new BrokerProcess(p, "localhost:" + brokerPort);
      b.awaitReady();
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the broker", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A JVM on our own classpath; output goes to a file so a chatty broker never blocks on a full pipe. */
  private static Process run(Path dir, Path log4j, List<String> mainAndArgs) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-Dlog4j2.configurationFile=" + log4j.toUri(), "-cp", System.getProperty("java.class.path")));
    cmd.addAll(mainAndArgs);
    return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile())).start();
  }

  private void awaitReady() {
    long deadline = System.currentTimeMillis() + 90_000;
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the broker exited with " + process.exitValue());
      }
      try (Admin admin = admin()) {
        admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
        return;
      } catch (Exception e) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("the broker did not become ready", e);
        }
        Bench.sleep(200);
      }
    }
  }

  public String bootstrapServers() {
    return bootstrap;
  }

  public long pid() {
    return process.pid();
  }

  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  /** Creates plain and compacted topics with {@code partitions} partitions each. */
  public void createTopics(List<String> plain, List<String> compacted, int partitions) {
    EmbeddedKafka.createTopics(bootstrap, plain, compacted, partitions);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
