package io.pinnacle.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pinnacle.data.Dataset;
import io.pinnacle.data.MovieLens100kReader;
import io.pinnacle.data.SyntheticStream;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.job.config.PinnacleOptions;
import io.pinnacle.runner.EmbeddedKafka;
import io.pinnacle.runner.StreamRun;
import io.pinnacle.schema.DeadLetter;
import io.pinnacle.schema.InteractionEvent;
import io.pinnacle.schema.codec.Codecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The job end to end: a real broker, the Flink MiniCluster with RocksDB and checkpoints, a replay into the input
 * topic, and the output read back with a read_committed consumer.
 */
class StreamingJobITCase {

  @Test
  void syntheticReplayWithBadAndDuplicateRecords() throws Exception {
    LeaveOneOutSplit split = LeaveOneOutSplit.of(SyntheticStream.generate(SyntheticStream.Config.tiny()));
    ItFixtures.Replay replay = ItFixtures.withResends(split, 7, 3, 20);
    List<InteractionEvent> events = replay.events();
    List<byte[]> bad = new ArrayList<>();
    for (int k = 0; k < 5; k++) {
      bad.add(new byte[] {(byte) k, 1, 2});
    }
    InteractionEvent ok = split.trainingEvents.get(0);
    bad.add(Codecs.interactionEvent().encode(InteractionEvent.newBuilder(ok).setEventId("neg-dwell")
        .setDwellMs(-5).build()));
    bad.add(Codecs.interactionEvent().encode(InteractionEvent.newBuilder(ok).setEventId("no-user")
        .setUserId(-1).build()));
    bad.add(Codecs.interactionEvent().encode(InteractionEvent.newBuilder(ok).setEventId("future")
        .setEventTimeMs(System.currentTimeMillis() + 86_400_000L * 30).build()));
    check("synthetic", split, events, bad, replay.resent(), 8);
  }

  @Test
  void movieLensReplay() throws Exception {
    Path dir = sharedData("ml-100k");
    assumeTrue(dir != null, "shared ml-100k not present");
    Dataset ml = MovieLens100kReader.read(dir);
    LeaveOneOutSplit split = LeaveOneOutSplit.of(ml);
    check("ml-100k", split, split.trainingEvents, List.of(), 0, 0);
  }

  private static void check(String name, LeaveOneOutSplit split, List<InteractionEvent> events, List<byte[]> bad,
                            long duplicates, long deadLettered) throws Exception {
    Path work = Path.of("target", "it-" + name + "-" + System.currentTimeMillis());
    ItFixtures.artifacts(split, work);
    Path promo = work.resolve("promo");
    EmbeddedKafka kafka = SharedKafka.get();
    Configuration config = ItFixtures.config(name, kafka, work, name.startsWith("ml") ? "movielens" : "synthetic",
        Map.of("pinnacle.tuning.batch-size", "64", "pinnacle.tuning.max-delay", "500 ms"));
    StreamRun.Result r = StreamRun.run(config, events, bad, 0, work.resolve("flink"), false, Duration.ofMinutes(10),
        Map.of("execution.checkpointing.interval", "2 s"));

    long total = events.size() + bad.size();
    assertEquals(total, r.sent());
    assertEquals(total, r.received(), "every input record reached the job");
    assertEquals(r.received(), r.skipped() + r.processed() + r.deadLettered(),
        "input = skipped before the item stage (warm items) + reached the item stage + dead-lettered");
    assertTrue(r.userVectorsEncoded() > 0, "the user stage encoded users");
    assertTrue(r.skipped() > 0 && r.processed() > 0, r.toString());
    assertEquals(deadLettered, r.deadLettered());
    assertEquals(duplicates, r.duplicates());
    assertEquals(List.of(), r.sequenceErrors(), "updateSeq per item only increases");
    assertEquals(r.emitted(), r.embeddingsRead(), "every emitted update is committed and readable");

    Map<String, Integer> reasons = deadLetterReasons(kafka, config.get(PinnacleOptions.TOPIC_DEAD_LETTER),
        (int) (deadLettered + duplicates));
    assertEquals(duplicates, (long) reasons.getOrDefault("duplicate", 0));
    assertEquals(deadLettered, reasons.values().stream().mapToLong(Integer::longValue).sum() - duplicates);

    ItFixtures.assertEveryColdItemWithFeedbackHasAnEmbedding(split, promo, r.latest());
  }

  private static Map<String, Integer> deadLetterReasons(EmbeddedKafka kafka, String topic, int expected) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-check-" + System.nanoTime());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Map<String, Integer> reasons = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      c.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + 30_000;
      int n = 0;
      while (n < expected && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> rec : c.poll(Duration.ofMillis(200))) {
          try {
            DeadLetter d = Codecs.deadLetter().decode(rec.value());
            reasons.merge(d.getReason(), 1, Integer::sum);
            n++;
          } catch (java.io.IOException e) {
            throw new AssertionError("undecodable dead letter", e);
          }
        }
      }
      // Nothing beyond the expected records arrives.
      for (ConsumerRecord<byte[], byte[]> rec : c.poll(Duration.ofMillis(500))) {
        reasons.merge("unexpected", 1, Integer::sum);
      }
    }
    return reasons;
  }

  private static Path sharedData(String name) {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path c = p.resolve("shared").resolve("data").resolve(name);
      if (Files.isDirectory(c)) {
        return c;
      }
    }
    return null;
  }
}
