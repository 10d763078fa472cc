package io.pinnacle.job.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.job.TestArtifacts;
import io.pinnacle.prompt.PromoArtifact;
import io.pinnacle.schema.DeadLetter;
import io.pinnacle.schema.InteractionEvent;
import io.pinnacle.schema.ItemFeatures;
import io.pinnacle.schema.codec.Codecs;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The decode stage in Flink's operator test harness: validation, dead letters, what leaves before the shuffle. */
class IngestTest {

  private static RawRecord raw(byte[] value, long offset) {
    return new RawRecord(new byte[] {1}, value, "interactions", 2, offset, 5L);
  }

  private static byte[] event(String id, long user, long item, long time, long dwell, boolean click) {
    return Codecs.interactionEvent().encode(InteractionEvent.newBuilder().setEventId(id).setUserId(user)
        .setItemId(item).setEventTimeMs(time).setDwellMs(dwell).setItemDurationMs(1000L).setClicked(click).build());
  }

  private static OneInputStreamOperatorTestHarness<RawRecord, Interaction> harness() throws Exception {
    var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new DecodeAndValidate(
        TestArtifacts.config(Map.of()))));
    h.setProcessingTime(1_000_000);
    h.open();
    return h;
  }

  @Test
  void badRecordsAreDeadLetteredWithTheirBytesAndReason() throws Exception {
    try (var h = harness()) {
      long item = 9_100_001L; // unknown to the base: tunable
      byte[] garbage = {0, 1, 2, 3};
      h.processElement(new StreamRecord<>(raw(garbage, 10)));
      h.processElement(new StreamRecord<>(raw(event("e1", 1, item, 500, 10, true), 11)));
      h.processElement(new StreamRecord<>(raw(event("e2", -1, item, 500, 10, true), 12)));
      h.processElement(new StreamRecord<>(raw(event("e3", 1, item, 500, -1, true), 13)));
      h.processElement(new StreamRecord<>(raw(event("e4", 1, item, 1_000_000 + 3_600_001, 0, true), 14)));
      h.processElement(new StreamRecord<>(raw(event("", 1, item, 500, 0, true), 15)));
      h.processElement(new StreamRecord<>(raw(null, 16)));
      assertEquals(1, h.extractOutputValues().size());
      ConcurrentLinkedQueue<StreamRecord<DeadLetter>> dead = h.getSideOutput(DeadLetters.TAG);
      List<String> reasons = dead.stream().map(r -> r.getValue().getReason()).toList();
      assertEquals(List.of("undecodable", "missing-id", "negative-dwell", "future-time", "missing-id",
          "undecodable"), reasons);
      DeadLetter first = dead.peek().getValue();
      assertEquals(ByteBuffer.wrap(garbage), first.getOriginalValue());
      assertEquals("interactions", first.getSourceTopic());
      assertEquals(2, first.getSourcePartition());
      assertEquals(10, first.getSourceOffset());
    }
  }

  /** A known header and fingerprint, then an eventId that claims to be 1 GiB long. */
  private static byte[] lengthBomb() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {(byte) 0xC3, 0x01});
    out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(SchemaNormalization.parsingFingerprint64(InteractionEvent.getClassSchema())).array());
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    enc.writeLong(1L << 30);
    enc.flush();
    return out.toByteArray();
  }

  @Test
  void overlongEventIdsAndAncientTimesAreRefused() {
    EventRules rules = new EventRules(3_600_000L, 86_400_000L);
    long now = 10 * 86_400_000L;
    InteractionEvent ok = InteractionEvent.newBuilder().setEventId("x".repeat(EventRules.MAX_EVENT_ID_LENGTH))
        .setUserId(1).setItemId(2).setEventTimeMs(now - 1000).build();
    assertEquals(null, rules.check(ok, now));
    assertEquals("bad-id", rules.check(InteractionEvent.newBuilder(ok)
        .setEventId("x".repeat(EventRules.MAX_EVENT_ID_LENGTH + 1)).build(), now));
    assertEquals("ancient-time", rules.check(InteractionEvent.newBuilder(ok).setEventTimeMs(now / 1000).build(), now));
    assertEquals(null, new EventRules(3_600_000L, 0).check(InteractionEvent.newBuilder(ok).setEventTimeMs(5).build(),
        now), "no age limit unless one is set");
  }

  @Test
  void poisonValuesAreDeadLetteredWithinTheProducersLimits() throws Exception {
    try (var h = harness()) {
      long item = 9_100_009L;
      byte[] bomb = lengthBomb();
      h.processElement(new StreamRecord<>(raw(bomb, 40)));
      byte[] huge = new byte[DeadLetters.MAX_COPIED_BYTES + 5_000];
      h.processElement(new StreamRecord<>(raw(huge, 41)));
      byte[] nanRating = Codecs.interactionEvent().encode(InteractionEvent.newBuilder().setEventId("nan").setUserId(1)
          .setItemId(item).setEventTimeMs(500).setRating(Float.NaN).build());
      h.processElement(new StreamRecord<>(raw(nanRating, 42)));
      byte[] infRating = Codecs.interactionEvent().encode(InteractionEvent.newBuilder().setEventId("inf").setUserId(1)
          .setItemId(item).setEventTimeMs(500).setRating(Float.POSITIVE_INFINITY).build());
      h.processElement(new StreamRecord<>(raw(infRating, 43)));
      assertEquals(0, h.extractOutputValues().size());
      List<DeadLetter> dead = h.getSideOutput(DeadLetters.TAG).stream().map(StreamRecord::getValue).toList();
      assertEquals(List.of("undecodable", "undecodable", "bad-number", "bad-number"),
          dead.stream().map(d -> d.getReason().toString()).toList());
      assertEquals(ByteBuffer.wrap(bomb), dead.get(0).getOriginalValue(), "a small poison value is kept whole");
      assertTrue(dead.get(0).getDetail().toString().contains("SystemLimitException"),
          "refused by Avro's length limit before anything was allocated: " + dead.get(0).getDetail());
      assertEquals(DeadLetters.MAX_COPIED_BYTES, dead.get(1).getOriginalValue().remaining());
      assertTrue(dead.get(1).getDetail().toString().contains("truncated from " + huge.length + " bytes"));
      assertTrue(Codecs.deadLetter().encode(dead.get(1)).length < 1_000_000, "below the producer's request size");
    }
  }

  @Test
  void catalogEntriesAreValidatedAndOnlyItemsTheBaseNeverSawGoOn() throws Exception {
    var codec = Codecs.itemFeatures();
    long known = BaseModelArtifact.load(TestArtifacts.BASE).itemIds()[0];
    try (var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new DecodeCatalog(
        TestArtifacts.config(Map.of("pinnacle.catalog.max-features", "3")))))) {
      h.open();
      h.processElement(new StreamRecord<>(raw(codec.encode(new ItemFeatures(9_200_001L, List.of(1, 4), 5L, "")), 1)));
      h.processElement(new StreamRecord<>(raw(codec.encode(new ItemFeatures(known, List.of(1), 5L, "")), 2)));
      h.processElement(new StreamRecord<>(raw(codec.encode(new ItemFeatures(-4L, List.of(1), 5L, "")), 3)));
      h.processElement(new StreamRecord<>(raw(codec.encode(new ItemFeatures(9_200_002L, List.of(1, -2), 5L, "")),
          4)));
      h.processElement(new StreamRecord<>(raw(codec.encode(new ItemFeatures(9_200_003L, List.of(1, 2, 3, 4), 5L,
          "")), 5)));
      h.processElement(new StreamRecord<>(raw(new byte[] {9, 9}, 6)));
      assertEquals(List.of(9_200_001L), h.extractOutputValues().stream().map(ItemFeatures::getItemId).toList(),
          "the valid entry of an unknown item; the known item's entry leaves quietly");
      assertEquals(List.of("missing-id", "bad-feature", "too-many-features", "undecodable"),
          h.getSideOutput(DeadLetters.TAG).stream().map(r -> r.getValue().getReason()).toList());
    }
  }

  @Test
  void decodedOnceIntoACompactLabelledEvent() throws Exception {
    try (var h = harness()) {
      long item = 9_100_002L;
      h.processElement(new StreamRecord<>(raw(event("p", 3, item, 500, 600, true), 21)));
      h.processElement(new StreamRecord<>(raw(event("n", 4, item, 501, 0, false), 22)));
      List<Interaction> out = h.extractOutputValues();
      assertEquals(2, out.size());
      Interaction p = out.get(0);
      assertEquals(item, p.itemId);
      assertEquals(3, p.userId);
      assertTrue(p.positive);
      assertEquals(0.6f, p.value, 1e-6, "synthetic rules: completion rate 600/1000, no interactions");
      assertEquals(5L, p.ingestMs);
      assertEquals(Interaction.hash("p"), p.eventHash);
      assertEquals(21, p.offset);
      assertFalse(out.get(1).positive);
      assertNotEquals(Interaction.hash("p"), Interaction.hash("n"));
    }
  }

  @Test
  void eventsOnWarmItemsLeaveBeforeTheShuffle() throws Exception {
    PromoArtifact promo = PromoArtifact.load(TestArtifacts.PROMO);
    long warm = -1;
    for (long item : promo.popularItems()) {
      if (promo.trainPositives(item) >= 5) {
        warm = item;
        break;
      }
    }
    assertTrue(warm >= 0, "the tiny synthetic set has popular items");
    try (var h = harness()) {
      h.processElement(new StreamRecord<>(raw(event("w", 1, warm, 500, 10, false), 31)));
      assertEquals(0, h.extractOutputValues().size(), "a warm item's negative changes nothing");
      assertEquals(null, h.getSideOutput(DeadLetters.TAG), "a warm-item event is valid: skipped, not refused");
      h.processElement(new StreamRecord<>(raw(event("w2", 1, warm, 600, 10, true), 32)));
      assertEquals(1, h.extractOutputValues().size(), "a warm item's positive extends the user's history");
      assertFalse(h.extractOutputValues().get(0).tunable, "and is marked so that it leaves at the user stage");
    }
  }

  @Test
  void theCompactEventRoundTripsThroughItsSerializer() throws Exception {
    Interaction e = new Interaction(1L, 2L, 3L, 4L, -5L, true, 0.25f, 6, 7L);
    e.userVector = new float[] {0.5f, -1f};
    e.coLiked = new float[] {2f, 3f, 4f};
    DataOutputSerializer out = new DataOutputSerializer(64);
    InteractionSerializer.INSTANCE.serialize(e, out);
    assertEquals(66 + 2 + 2 * 4 + 2 + 3 * 4, out.length(), "66 fixed bytes, then each vector's length and floats");
    Interaction back = InteractionSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    assertEquals(e.toString(), back.toString());
    assertEquals(e.eventHash, back.eventHash);
    assertEquals(e.value, back.value);
    assertEquals(e.partition, back.partition);
    assertEquals(e.offset, back.offset);
    assertEquals(e.ingestMs, back.ingestMs);
    assertArrayEquals(e.userVector, back.userVector);
    assertArrayEquals(e.coLiked, back.coLiked);
    // copy(in, out) moves the same bytes without decoding them
    DataOutputSerializer copied = new DataOutputSerializer(256); // copy(in, out) does not grow the buffer
    InteractionSerializer.INSTANCE.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
    assertArrayEquals(out.getCopyOfBuffer(), copied.getCopyOfBuffer());
    e.userVector = null;
    e.coLiked = null;
    DataOutputSerializer none = new DataOutputSerializer(64);
    InteractionSerializer.INSTANCE.serialize(e, none);
    Interaction empty = InteractionSerializer.INSTANCE.deserialize(new DataInputDeserializer(none.getCopyOfBuffer()));
    assertNull(empty.userVector);
    assertNull(empty.coLiked);
  }
}
