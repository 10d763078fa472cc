package io.pinnacle.runner.bench;

import io.pinnacle.job.config.PinnacleOptions;
import io.pinnacle.job.kafka.Topics;
import io.pinnacle.runner.EmbeddedKafka;
import io.pinnacle.runner.EmbeddingMonitor;
import io.pinnacle.runner.KafkaClientConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import kafka.tools.StorageTool;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * The local multi-process cluster's helper (deploy/local/cluster.sh): creates the job's declared topics on the
 * broker, replays generated events into the input topic, and checks the committed output; {@code --help} lists the
 * commands. Every argument is positional, as the script passes them. Replays give event j of seed s the time
 * 2026-01-01 + s days + j ms, so that two replays of a seed send the same events.
 */
@Command(name = "cluster-tool", mixinStandardHelpOptions = true,
    description = "The local cluster's helper (deploy/local/cluster.sh): topics, replays and output checks.",
    subcommands = {ClusterTool.CreateTopics.class, ClusterTool.Replay.class, ClusterTool.Check.class,
        ClusterTool.Account.class, ClusterTool.Snapshot.class, ClusterTool.Compare.class,
        ClusterTool.FinalSnapshot.class, ClusterTool.FinalCompare.class, ClusterTool.AuthCheckCommand.class,
        ClusterTool.SendBad.class, ClusterTool.FormatStorage.class})
public final class ClusterTool {
  /** 2026-01-01T00:00Z: replays' event times start here (plus one day per seed). */
  private static final long FIXED_CLOCK_START_MS = 1_767_225_600_000L;
  private static final Duration QUIET = Duration.ofSeconds(10);

  public static void main(String[] args) {
    System.exit(new CommandLine(new ClusterTool()).execute(args));
  }

  /** The broker every command but format-storage talks to: the first positional argument. */
  static final class Broker {
    @Parameters(index = "0", paramLabel = "BOOTSTRAP", description = "the broker, host:port")
    String bootstrap;
  }

  /** The job's default settings (topic names, group), after the cluster's client settings are read. */
  static Configuration defaults() {
    KafkaClientConfig.loadClusterConfiguration(System.getenv(KafkaClientConfig.CONF_DIR_ENV));
    return new Configuration();
  }

  @Command(name = "topics", description = "Creates the job's declared topics.")
  static final class CreateTopics implements Callable<Integer> {
    @Mixin Broker broker;
    @Parameters(index = "1", paramLabel = "PARTITIONS")
    int partitions;

    @Override
    public Integer call() throws Exception {
      Topics t = Topics.of(defaults());
      // An hour before the cleaner may merge an item's updates: the drills read every one of them.
      EmbeddedKafka.createTopics(broker.bootstrap, t.plain(), t.compacted(), partitions,
          Map.of("min.compaction.lag.ms", "3600000"));
      System.out.println("topics ready: " + t.all());
      return 0;
    }
  }

  @Command(name = "replay", description = "Sends EVENTS generated events of SEED to the input topic.")
  static final class Replay implements Callable<Integer> {
    @Mixin Broker broker;
    @Parameters(index = "1", paramLabel = "BASE_DIR")
    Path base;
    @Parameters(index = "2", paramLabel = "PROMO_DIR")
    Path promo;
    @Parameters(index = "3", paramLabel = "EVENTS")
    long events;
    @Parameters(index = "4", paramLabel = "SEED", defaultValue = "42")
    long seed;

    @Override
    public Integer call() throws Exception {
      Configuration defaults = defaults();
      Catalogue catalogue = Catalogue.load(base, promo, 50_000, seed);
      try (EventProducer p = new EventProducer(broker.bootstrap, defaults.get(PinnacleOptions.TOPIC_INTERACTIONS),
          new EventFactory(catalogue, 0.4, 0.05, "cluster-" + seed, seed)
              .withFixedClock(FIXED_CLOCK_START_MS + seed * 86_400_000L, 1))) {
        p.prefill(events);
        System.out.printf("sent %,d events, every one acknowledged%n", p.sent.get());
      }
      return 0;
    }
  }

  @Command(name = "check", description = "Reads the committed embeddings until nothing new arrives for SECONDS; "
      + "fails on an updateSeq or event count going backwards.")
  static final class Check implements Callable<Integer> {
    @Mixin Broker broker;
    @Parameters(index = "1", paramLabel = "SECONDS", defaultValue = "20")
    long seconds;

    @Override
    public Integer call() throws Exception {
      String topic = defaults().get(PinnacleOptions.TOPIC_EMBEDDINGS);
      try (EmbeddingMonitor m = new EmbeddingMonitor(broker.bootstrap, topic)) {
        m.pollUntilQuiet(Duration.ofSeconds(seconds));
        Map<String, Object> out = new HashMap<>();
        out.put("records", m.records());
        out.put("items", m.latest().size());
        List<String> errors = new ArrayList<>(m.sequenceErrors());
        out.put("sequenceErrors", errors.size());
        // With exactly-once delivery an item's event count never goes down in the committed output: what a
        // restore brings back is the state those updates were computed from.
        out.put("countErrors", m.countErrors().size());
        errors.addAll(m.countErrors());
        System.out.println(out + (errors.isEmpty() ? "" : " e.g. " + errors.subList(0, Math.min(3, errors.size()))));
        return errors.isEmpty() ? 0 : 1;
      }
    }
  }

  @Command(name = "format-storage", description = "Formats a KRaft broker's storage with the SCRAM users of "
      + "SECRETS_DIR.")
  static final class FormatStorage implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SERVER_PROPERTIES")
    String serverProperties;
    @Parameters(index = "1", paramLabel = "CLUSTER_ID")
    String clusterId;
    @Parameters(index = "2", paramLabel = "SECRETS_DIR")
    Path secrets;

    @Override
    public Integer call() throws Exception {
      defaults();
      formatWithScramUsers(serverProperties, clusterId, secrets);
      return 0;
    }
  }

  @Command(name = "auth-check", description = "The configured client must be let in; clients without credentials, "
      + "with TLS only, a wrong password or an unknown user (and, given CONTROLLER, one without a certificate on the "
      + "controller listener) must be refused.")
  static final class AuthCheckCommand implements Callable<Integer> {
    @Mixin Broker broker;
    @Parameters(index = "1", paramLabel = "CONTROLLER", arity = "0..1")
    String controller;

    @Override
    public Integer call() throws Exception {
      defaults();
      return AuthCheck.run(broker.bootstrap, controller) ? 0 : 1;
    }
  }

  @Command(name = "send-bad", description = "Sends N records that are not events to the input topic.")
  static final class SendBad implements Callable<Integer> {
    @Mixin Broker broker;
    @Parameters(index = "1", paramLabel = "N")
    int n;

    @Override
    public Integer call() throws Exception {
      Configuration defaults = defaults();
      Map<String, Object> own = Map.of("acks", "all", "enable.idempotence", true);
      try (var p = new KafkaProducer<byte[], byte[]>(KafkaClientConfig.with(broker.bootstrap, own),
          new ByteArraySerializer(), new ByteArraySerializer())) {
        for (int i = 0; i < n; i++) {
          p.send(new ProducerRecord<>(defaults.get(PinnacleOptions.TOPIC_INTERACTIONS),
              EventFactory.itemKey(i), ("not an event " + i).getBytes(StandardCharsets.UTF_8))).get();
        }
      }
      System.out.printf("sent %d records that are not events%n", n);
      return 0;
    }
  }

  @Command(name = "account", description = "The input's end offsets against the job's committed offsets, and the "
      + "committed dead letters; fails while they differ.")
  static final class Account implements Callable<Integer> {
    @Mixin Broker broker;

    @Override
    public Integer call() throws Exception {
      Configuration defaults = defaults();
      String input = defaults.get(PinnacleOptions.TOPIC_INTERACTIONS);
      String group = defaults.get(PinnacleOptions.GROUP_ID);
      String dlq = defaults.get(PinnacleOptions.TOPIC_DEAD_LETTER);
      try (Admin admin = Admin.create(KafkaClientConfig.properties(broker.bootstrap))) {
        long[] offsets = inputOffsets(admin, input, group);
        long dead = countCommitted(broker.bootstrap, dlq);
        System.out.printf("{input=%d, committedByJob=%d, deadLetters=%d}%n", offsets[0], offsets[1], dead);
        return offsets[1] == offsets[0] ? 0 : 1;
      }
    }
  }

  @Command(name = "snapshot", description = "Saves every committed update (item, updateSeq, content fingerprint).")
  static final class Snapshot implements Callable<Integer> {
    @Mixin Broker broker;
    @Parameters(index = "1", paramLabel = "FILE")
    Path file;

    @Override
    public Integer call() throws Exception {
      CommittedUpdates u = CommittedUpdates.read(broker.bootstrap, defaults().get(PinnacleOptions.TOPIC_EMBEDDINGS),
          QUIET);
      u.save(file);
      System.out.printf("{updates=%d, itemsWithSeqGaps=%d, saved=%s}%n", u.updates.size(), u.itemsWithGaps(), file);
      return 0;
    }
  }

  /** The drills' delivery modes as the script names them. */
  enum Mode {
    EXACTLY_ONCE("exactly-once"), AT_LEAST_ONCE("at-least-once");

    final String label;

    Mode(String label) {
      this.label = label;
    }

    static Mode parse(String s) {
      for (Mode m : values()) {
        if (m.label.equals(s)) {
          return m;
        }
      }
      throw new IllegalArgumentException("mode must be exactly-once or at-least-once: " + s);
    }
  }

  @Command(name = "compare", description = "Compares the committed updates with a saved no-failure run.")
  static final class Compare implements Callable<Integer> {
    @Mixin Broker broker;
    @Parameters(index = "1", paramLabel = "FILE")
    Path file;
    @Parameters(index = "2", paramLabel = "MODE", description = "exactly-once or at-least-once")
    String mode;

    @Override
    public Integer call() throws Exception {
      boolean exactlyOnce = Mode.parse(mode) == Mode.EXACTLY_ONCE;
      CommittedUpdates reference = CommittedUpdates.load(file);
      CommittedUpdates.Comparison r = CommittedUpdates.read(broker.bootstrap,
          defaults().get(PinnacleOptions.TOPIC_EMBEDDINGS), QUIET).compare(reference, exactlyOnce);
      System.out.println(r);
      return r.pass() ? 0 : 1;
    }
  }

  @Command(name = "final-snapshot", description = "Saves each item's last committed update and the summed "
      + "targeting reports.")
  static final class FinalSnapshot implements Callable<Integer> {
    @Mixin Broker broker;
    @Parameters(index = "1", paramLabel = "FILE")
    Path file;

    @Override
    public Integer call() throws Exception {
      Configuration defaults = defaults();
      FinalState f = FinalState.read(broker.bootstrap, defaults.get(PinnacleOptions.TOPIC_EMBEDDINGS),
          defaults.get(PinnacleOptions.TOPIC_TARGETING), QUIET);
      f.save(file);
      System.out.printf("{items=%d, targeting pairs=%s, saved=%s}%n", f.items.size(),
          f.targeting.values().stream().map(v -> Long.toString((long) v[0])).toList(), file);
      return 0;
    }
  }

  @Command(name = "final-compare", description = "Compares each item's last committed update and the targeting "
      + "reports with a saved no-failure run (FinalState).")
  static final class FinalCompare implements Callable<Integer> {
    @Mixin Broker broker;
    @Parameters(index = "1", paramLabel = "FILE")
    Path file;

    @Override
    public Integer call() throws Exception {
      Configuration defaults = defaults();
      FinalState.Comparison r = FinalState.read(broker.bootstrap, defaults.get(PinnacleOptions.TOPIC_EMBEDDINGS),
          defaults.get(PinnacleOptions.TOPIC_TARGETING), QUIET).compare(FinalState.load(file));
      System.out.println(r);
      return r.pass() ? 0 : 1;
    }
  }

  /** The input topic's end offsets and the job's committed offsets, each summed over the partitions. */
  static long[] inputOffsets(Admin admin, String input, String group) throws Exception {
    var partitions = admin.describeTopics(List.of(input)).allTopicNames().get().get(input).partitions();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (var info : partitions) {
      latest.put(new TopicPartition(input, info.partition()), OffsetSpec.latest());
    }
    long end = 0;
    for (var e : admin.listOffsets(latest).all().get().values()) {
      end += e.offset();
    }
    long committed = 0;
    for (var e : admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet()) {
      if (e.getKey().topic().equals(input) && e.getValue() != null) {
        committed += e.getValue().offset();
      }
    }
    return new long[] {end, committed};
  }

  /**
   * Formats a KRaft broker's log directories with a SCRAM-SHA-512 credential for each {@code NAME.secret} file in
   * {@code secrets} (a properties file with {@code password=...}): the broker's own user, which it needs for the
   * inter-broker listener before it can serve anything, and the job's. Runs Kafka's storage tool in this process, so
   * the passwords never appear on a command line.
   */
  private static void formatWithScramUsers(String serverProperties, String clusterId, Path secrets) throws Exception {
    List<String> args = new ArrayList<>(List.of("format", "-t", clusterId, "-c", serverProperties,
        "--ignore-formatted"));
    try (var files = Files.list(secrets)) {
      for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".secret")).sorted().toList()) {
        Properties secret = new Properties();
        try (var in = Files.newBufferedReader(f)) {
          secret.load(in);
        }
        String user = f.getFileName().toString().replace(".secret", "");
        args.add("--add-scram");
        args.add("SCRAM-SHA-512=[name=" + user + ",password=" + secret.getProperty("password") + "]");
      }
    }
    int code = StorageTool.execute(args.toArray(String[]::new), System.out);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Records a read_committed consumer sees on the topic from the beginning. */
  private static long countCommitted(String bootstrap, String topic) {
    Properties p = KafkaClientConfig.properties(bootstrap);
    p.put("group.id", "cluster-tool-" + System.nanoTime());
    p.put("auto.offset.reset", "earliest");
    p.put("isolation.level", "read_committed");
    long n = 0;
    try (var c = new KafkaConsumer<byte[], byte[]>(p,
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      c.subscribe(List.of(topic));
      long quietSince = System.currentTimeMillis();
      while (System.currentTimeMillis() - quietSince < 5_000) {
        int got = c.poll(Duration.ofMillis(500)).count();
        if (got > 0) {
          n += got;
          quietSince = System.currentTimeMillis();
        }
      }
    }
    return n;
  }
}
