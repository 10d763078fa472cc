package io.pinnacle.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pinnacle.data.SyntheticStream;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.job.config.PinnacleOptions;
import io.pinnacle.job.ingest.DeadLetters;
import io.pinnacle.job.ingest.EventRules;
import io.pinnacle.runner.EmbeddedKafka;
import io.pinnacle.runner.StreamRun;
import io.pinnacle.schema.DeadLetter;
import io.pinnacle.schema.InteractionEvent;
import io.pinnacle.schema.ItemFeatures;
import io.pinnacle.schema.codec.Codecs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Every class of bad input through the real topics, mixed into a healthy replay, on a job that must not restart
 * (restart strategy none: any failure ends the run): each bad record is dead-lettered once with its reason, every
 * dead letter fits the producer's request size, and the healthy items still get their embeddings.
 */
class BadInputITCase {
  private static final int PRODUCER_REQUEST_LIMIT = 1_048_576;

  @Test
  void everyClassOfBadInputIsDeadLetteredAndTheJobKeepsUpdating() throws Exception {
    LeaveOneOutSplit split = LeaveOneOutSplit.of(SyntheticStream.generate(SyntheticStream.Config.tiny()));
    InteractionEvent ok = split.trainingEvents.get(0);
    long now = System.currentTimeMillis();
    Random rnd = new Random(7);
    Map<String, List<byte[]>> bad = new TreeMap<>();

    byte[] garbage = new byte[64];
    rnd.nextBytes(garbage);
    byte[] valid = Codecs.interactionEvent().encode(InteractionEvent.newBuilder(ok).setEventId("whole").build());
    byte[] unknownFingerprint = valid.clone();
    unknownFingerprint[3] ^= 0x5A; // a byte of the schema fingerprint
    byte[] oversizedGarbage = new byte[700_000];
    rnd.nextBytes(oversizedGarbage);
    bad.put("undecodable", List.of(new byte[] {1, 2, 3}, garbage, unknownFingerprint,
        Arrays.copyOf(valid, valid.length / 2), lengthBomb(), oversizedGarbage));
    bad.put("bad-id", List.of(event(ok, b -> b.setEventId("x".repeat(700_000))),
        event(ok, b -> b.setEventId("y".repeat(EventRules.MAX_EVENT_ID_LENGTH + 1)))));
    bad.put("missing-id", List.of(event(ok, b -> b.setEventId("")), event(ok, b -> b.setEventId("u").setUserId(-1)),
        event(ok, b -> b.setEventId("i").setItemId(-7))));
    bad.put("bad-number", List.of(event(ok, b -> b.setEventId("nan").setRating(Float.NaN)),
        event(ok, b -> b.setEventId("inf").setRating(Float.POSITIVE_INFINITY)),
        event(ok, b -> b.setEventId("-inf").setRating(Float.NEGATIVE_INFINITY))));
    bad.put("negative-dwell", List.of(event(ok, b -> b.setEventId("dwell").setDwellMs(-1))));
    bad.put("bad-time", List.of(event(ok, b -> b.setEventId("zero-time").setEventTimeMs(0))));
    bad.put("future-time", List.of(event(ok, b -> b.setEventId("future").setEventTimeMs(now + 30 * 86_400_000L))));
    // A producer that sends seconds where milliseconds are due.
    bad.put("ancient-time", List.of(event(ok, b -> b.setEventId("seconds").setEventTimeMs(ok.getEventTimeMs() / 1000))));

    Map<String, List<byte[]>> badCatalog = new TreeMap<>();
    badCatalog.put("undecodable", List.of(garbage, Arrays.copyOf(catalog(1, List.of(1, 2)), 5)));
    badCatalog.put("missing-id", List.of(catalog(-3, List.of(1))));
    badCatalog.put("bad-feature", List.of(catalog(9_000_001L, List.of(4, -2))));
    List<Integer> many = new ArrayList<>();
    for (int f = 0; f < 300; f++) {
      many.add(f);
    }
    badCatalog.put("too-many-features", List.of(catalog(9_000_002L, many)));

    // Re-sent events on cold items, shortly after their originals: duplicates.
    ItFixtures.Replay replay = ItFixtures.withResends(split, 11, 2, 10);
    List<InteractionEvent> events = replay.events();
    int duplicates = replay.resent();

    Path work = Path.of("target", "it-bad-input-" + System.currentTimeMillis());
    ItFixtures.artifacts(split, work);
    EmbeddedKafka kafka = SharedKafka.get();
    Configuration config = ItFixtures.config("bad-input", kafka, work, "synthetic",
        Map.of("pinnacle.tuning.batch-size", "64", "pinnacle.tuning.max-delay", "500 ms",
            "pinnacle.validation.max-age", "3650 d"));
    List<byte[]> badRecords = bad.values().stream().flatMap(List::stream).toList();
    List<byte[]> badCatalogRecords = badCatalog.values().stream().flatMap(List::stream).toList();
    StreamRun.Result r = StreamRun.run(config,
        new StreamRun.Input(events, badRecords, Map.of(), badCatalogRecords), 0, work.resolve("flink"), false,
        Duration.ofMinutes(10),
        Map.of("execution.checkpointing.interval", "2 s", "restart-strategy.type", "none"));

    assertEquals(events.size() + badRecords.size(), r.received(), "every input record reached the job");
    assertEquals(r.received(), r.skipped() + r.processed() + r.deadLettered());
    assertEquals(badRecords.size(), r.deadLettered());
    assertEquals(duplicates, r.duplicates());
    assertEquals(List.of(), r.sequenceErrors(), "updateSeq per item only increases");

    Map<String, Integer> expected = new TreeMap<>();
    bad.forEach((reason, records) -> expected.merge(reason, records.size(), Integer::sum));
    badCatalog.forEach((reason, records) -> expected.merge(reason, records.size(), Integer::sum));
    expected.put("duplicate", duplicates);
    int total = expected.values().stream().mapToInt(Integer::intValue).sum();
    List<DeadLetter> dead = deadLetters(kafka, config.get(PinnacleOptions.TOPIC_DEAD_LETTER), total);
    Map<String, Integer> reasons = new TreeMap<>();
    for (DeadLetter d : dead) {
      reasons.merge(d.getReason().toString(), 1, Integer::sum);
      assertTrue(Codecs.deadLetter().encode(d).length < PRODUCER_REQUEST_LIMIT, "a dead letter fits a request");
      if (d.getOriginalValue() != null && d.getOriginalValue().remaining() == DeadLetters.MAX_COPIED_BYTES) {
        assertTrue(d.getDetail().toString().contains("[value truncated from"), d.getDetail().toString());
      }
    }
    // The table the issue asks for: sent and dead-lettered per reason (interaction and catalog records together).
    StringBuilder table = new StringBuilder("| reason | sent | dead-lettered |\n|---|---|---|\n");
    expected.forEach((reason, n) -> table.append("| ").append(reason).append(" | ").append(n).append(" | ")
        .append(reasons.getOrDefault(reason, 0)).append(" |\n"));
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "bad-input-table.md"), table);
    assertEquals(expected, reasons, "every bad record once, with its reason");
    assertEquals(2, dead.stream().filter(d -> d.getDetail().toString().contains("[value truncated from")).count(),
        "both 700 kB records are kept truncated");

    // The healthy items kept updating: every cold item with feedback has an embedding.
    ItFixtures.assertEveryColdItemWithFeedbackHasAnEmbedding(split, work.resolve("promo"), r.latest());
  }

  private interface Edit {
    void apply(InteractionEvent.Builder b);
  }

  private static byte[] event(InteractionEvent base, Edit edit) {
    InteractionEvent.Builder b = InteractionEvent.newBuilder(base);
    edit.apply(b);
    return Codecs.interactionEvent().encode(b.build());
  }

  private static byte[] catalog(long item, List<Integer> features) {
    return Codecs.itemFeatures().encode(new ItemFeatures(item, features, 1_650_000_000_000L, "bad-input-test"));
  }

  /** A known header and fingerprint, then an eventId that claims to be 1 GiB long. */
  private static byte[] lengthBomb() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {(byte) 0xC3, 0x01});
    out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(SchemaNormalization.parsingFingerprint64(InteractionEvent.getClassSchema())).array());
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    enc.writeLong(1L << 30);
    enc.flush();
    return out.toByteArray();
  }

  private static List<DeadLetter> deadLetters(EmbeddedKafka kafka, String topic, int expected) throws IOException {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-check-" + System.nanoTime());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<DeadLetter> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      c.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + 30_000;
      while (out.size() < expected && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> rec : c.poll(Duration.ofMillis(200))) {
          out.add(Codecs.deadLetter().decode(rec.value()));
        }
      }
      for (ConsumerRecord<byte[], byte[]> rec : c.poll(Duration.ofMillis(500))) {
        out.add(Codecs.deadLetter().decode(rec.value()));
      }
    }
    return out;
  }
}
