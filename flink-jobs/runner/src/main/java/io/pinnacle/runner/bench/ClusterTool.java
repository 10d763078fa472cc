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

/**
 * The local multi-process cluster's helper (deploy/local/cluster.sh): creates the job's declared topics on the
 * broker, replays generated events into the input topic, and checks the committed output.
 * <pre>
 *   topics  BOOTSTRAP PARTITIONS
 *   replay  BOOTSTRAP BASE_DIR PROMO_DIR EVENTS [SEED]
 *   check   BOOTSTRAP [SECONDS]          reads the committed embeddings until nothing new arrives for SECONDS
 *   account BOOTSTRAP                    the input's end offsets against the job's committed offsets, and the
 *                                        committed dead letters
 *   snapshot BOOTSTRAP FILE              saves every committed update (item, updateSeq, content fingerprint)
 *   compare BOOTSTRAP FILE MODE          compares the committed updates with a saved no-failure run; MODE is
 *                                        exactly-once or at-least-once
 *   final-snapshot BOOTSTRAP FILE        saves each item's last committed update and the summed targeting reports
 *   final-compare BOOTSTRAP FILE         compares them with a saved no-failure run ({@link FinalState})
 *   auth-check BOOTSTRAP [CONTROLLER]    the configured client must be let in; clients without credentials, with
 *                                        TLS only, a wrong password or an unknown user (and, given CONTROLLER, one
 *                                        without a certificate on the controller listener) must be refused
 *   send-bad BOOTSTRAP N                 sends N records that are not events to the input topic
 *   format-storage SERVER_PROPERTIES CLUSTER_ID SECRETS_DIR
 *                                        formats a KRaft broker's storage with the SCRAM users of SECRETS_DIR
 * </pre>
 * Replays give event j of seed s the time 2026-01-01 + s days + j ms, so that two replays of a seed send the same
 * events.
 */
public final class ClusterTool {
  private ClusterTool() {}

  /** 2026-01-01T00:00Z: replays' event times start here (plus one day per seed). */
  private static final long FIXED_CLOCK_START_MS = 1_767_225_600_000L;
  private static final Duration QUIET = Duration.ofSeconds(10);

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: ClusterTool topics|replay|check BOOTSTRAP ...");
      System.exit(2);
    }
    String bootstrap = args[1];
    KafkaClientConfig.loadClusterConfiguration(System.getenv(KafkaClientConfig.CONF_DIR_ENV));
    Configuration defaults = new Configuration();
    switch (args[0]) {
      case "topics" -> {
        Topics t = Topics.of(defaults);
        // An hour before the cleaner may merge an item's updates: the drills read every one of them.
        EmbeddedKafka.createTopics(bootstrap, t.plain(), t.compacted(), Integer.parseInt(args[2]),
            Map.of("min.compaction.lag.ms", "3600000"));
        System.out.println("topics ready: " + t.all());
      }
      case "replay" -> {
        long seed = args.length > 5 ? Long.parseLong(args[5]) : 42L;
        Catalogue catalogue = Catalogue.load(Path.of(args[2]), Path.of(args[3]), 50_000, seed);
        long n = Long.parseLong(args[4]);
        try (EventProducer p = new EventProducer(bootstrap, defaults.get(
            PinnacleOptions.TOPIC_INTERACTIONS),
            new EventFactory(catalogue, 0.4, 0.05, "cluster-" + seed, seed)
                .withFixedClock(FIXED_CLOCK_START_MS + seed * 86_400_000L, 1))) {
          p.prefill(n);
          System.out.printf("sent %,d events, every one acknowledged%n", p.sent.get());
        }
      }
      case "check" -> {
        Duration quiet = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 20);
        String topic = defaults.get(PinnacleOptions.TOPIC_EMBEDDINGS);
        try (EmbeddingMonitor m = new EmbeddingMonitor(bootstrap, topic)) {
          m.pollUntilQuiet(quiet);
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
          if (!errors.isEmpty()) {
            System.exit(1);
          }
        }
      }
      case "format-storage" -> formatWithScramUsers(args[1], args[2], Path.of(args[3]));
      case "auth-check" -> System.exit(AuthCheck.run(bootstrap, args.length > 2 ? args[2] : null) ? 0 : 1);
      case "send-bad" -> {
        int n = Integer.parseInt(args[2]);
        Map<String, Object> own = Map.of("acks", "all", "enable.idempotence", true);
        try (var p = new KafkaProducer<byte[], byte[]>(KafkaClientConfig.with(bootstrap, own),
            new ByteArraySerializer(), new ByteArraySerializer())) {
          for (int i = 0; i < n; i++) {
            p.send(new ProducerRecord<>(defaults.get(PinnacleOptions.TOPIC_INTERACTIONS),
                EventFactory.itemKey(i), ("not an event " + i).getBytes(StandardCharsets.UTF_8))).get();
          }
        }
        System.out.printf("sent %d records that are not events%n", n);
      }
      case "account" -> {
        String input = defaults.get(PinnacleOptions.TOPIC_INTERACTIONS);
        String group = defaults.get(PinnacleOptions.GROUP_ID);
        String dlq = defaults.get(PinnacleOptions.TOPIC_DEAD_LETTER);
        try (Admin admin = Admin.create(KafkaClientConfig.properties(bootstrap))) {
          long[] offsets = inputOffsets(admin, input, group);
          long end = offsets[0];
          long committed = offsets[1];
          long dead = countCommitted(bootstrap, dlq);
          System.out.printf("{input=%d, committedByJob=%d, deadLetters=%d}%n", end, committed, dead);
          if (committed != end) {
            System.exit(1);
          }
        }
      }
      case "snapshot" -> {
        CommittedUpdates u = CommittedUpdates.read(bootstrap, defaults.get(PinnacleOptions.TOPIC_EMBEDDINGS), QUIET);
        u.save(Path.of(args[2]));
        System.out.printf("{updates=%d, itemsWithSeqGaps=%d, saved=%s}%n", u.updates.size(), u.itemsWithGaps(),
            args[2]);
      }
      case "compare" -> {
        CommittedUpdates reference = CommittedUpdates.load(Path.of(args[2]));
        boolean exactlyOnce = switch (args[3]) {
          case "exactly-once" -> true;
          case "at-least-once" -> false;
          default -> throw new IllegalArgumentException("mode must be exactly-once or at-least-once: " + args[3]);
        };
        Map<String, Object> r = CommittedUpdates.read(bootstrap, defaults.get(PinnacleOptions.TOPIC_EMBEDDINGS), QUIET)
            .compare(reference, exactlyOnce);
        System.out.println(r);
        if (!"PASS".equals(r.get("verdict"))) {
          System.exit(1);
        }
      }
      case "final-snapshot" -> {
        FinalState f = FinalState.read(bootstrap, defaults.get(PinnacleOptions.TOPIC_EMBEDDINGS),
            defaults.get(PinnacleOptions.TOPIC_TARGETING), QUIET);
        f.save(Path.of(args[2]));
        System.out.printf("{items=%d, targeting pairs=%s, saved=%s}%n", f.items.size(),
            f.targeting.values().stream().map(v -> Long.toString((long) v[0])).toList(), args[2]);
      }
      case "final-compare" -> {
        Map<String, Object> r = FinalState.read(bootstrap, defaults.get(PinnacleOptions.TOPIC_EMBEDDINGS),
            defaults.get(PinnacleOptions.TOPIC_TARGETING), QUIET).compare(FinalState.load(Path.of(args[2])));
        System.out.println(r);
        if (!"PASS".equals(r.get("verdict"))) {
          System.exit(1);
        }
      }
      default -> {
        System.err.println("unknown command " + args[0]);
        System.exit(2);
      }
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
