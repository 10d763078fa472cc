package io.pinnacle.job.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pinnacle.data.FeedbackRules;
import io.pinnacle.job.TestArtifacts;
import io.pinnacle.job.config.PinnacleJobConfig;
import io.pinnacle.job.ingest.RawRecord;
import io.pinnacle.job.ingest.ValidEvent;
import io.pinnacle.prompt.PromoArtifact;
import io.pinnacle.schema.InteractionEvent;
import io.pinnacle.schema.ItemEmbedding;
import io.pinnacle.schema.Phase;
import io.pinnacle.schema.codec.AvroValueCodec;
import io.pinnacle.schema.codec.Codecs;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The keyed tuning operator in Flink's operator test harness: flushing, phases, TTL. */
class PromptTuningOperatorTest {
  private static final AvroValueCodec<InteractionEvent> CODEC = Codecs.interactionEvent();
  private static long[] users;
  private static long newItem = 9_000_001L;

  @BeforeAll
  static void artifacts() throws Exception {
    TestArtifacts.ensure();
    users = io.pinnacle.base.BaseModelArtifact.load(TestArtifacts.BASE).userIds();
  }

  private static KeyedOneInputStreamOperatorTestHarness<Long, ValidEvent, ItemEmbedding> harness(
      Map<String, String> settings) throws Exception {
    PinnacleJobConfig c = PinnacleJobConfig.defaults()
        .with("artifact.base", TestArtifacts.BASE.toString())
        .with("artifact.promo", TestArtifacts.PROMO.toString())
        .with("promo.cold-threshold", "5");
    for (var e : settings.entrySet()) {
      c = c.with(e.getKey(), e.getValue());
    }
    PromptTuningOperator op = new PromptTuningOperator(TuningSettings.from(c), FeedbackRules.synthetic());
    KeyedOneInputStreamOperatorTestHarness<Long, ValidEvent, ItemEmbedding> h =
        new KeyedOneInputStreamOperatorTestHarness<>(op, e -> e.itemId, Types.LONG);
    h.setProcessingTime(0);
    h.open();
    return h;
  }

  private static StreamRecord<ValidEvent> event(long item, long user, boolean click, long t) {
    InteractionEvent e = InteractionEvent.newBuilder().setEventId(item + "-" + user + "-" + t).setUserId(user)
        .setItemId(item).setEventTimeMs(t).setClicked(click).setDwellMs(1000).setItemDurationMs(2000L).build();
    RawRecord raw = new RawRecord(null, CODEC.encode(e), "interactions", 0, t, 1_000L + t);
    return new StreamRecord<>(new ValidEvent(e.getEventId(), item, t, raw), t);
  }

  private static synchronized long freshItem() {
    return newItem++;
  }

  @Test
  void flushesWhenTheBatchIsFull() throws Exception {
    try (var h = harness(Map.of("tuning.batch-size", "3", "tuning.max-delay", "PT1H"))) {
      long a = freshItem(), b = freshItem(), c = freshItem();
      h.processElement(event(a, users[0], true, 1));
      h.processElement(event(b, users[1], true, 2));
      assertEquals(0, h.extractOutputValues().size(), "two dirty items: no flush yet");
      h.processElement(event(c, users[2], false, 3));
      List<ItemEmbedding> out = h.extractOutputValues();
      assertEquals(3, out.size());
      for (ItemEmbedding e : out) {
        assertEquals(1, e.getUpdateSeq());
        assertEquals(Phase.COLD, e.getPhase());
        assertEquals(16, e.getEmbedding().size());
      }
    }
  }

  @Test
  void flushesWhenTheMaxDelayTimerFires() throws Exception {
    try (var h = harness(Map.of("tuning.batch-size", "100", "tuning.max-delay", "PT2S"))) {
      long a = freshItem();
      h.processElement(event(a, users[0], true, 1));
      h.setProcessingTime(1_999);
      assertEquals(0, h.extractOutputValues().size());
      h.setProcessingTime(2_000);
      assertEquals(1, h.extractOutputValues().size());
    }
  }

  @Test
  void flushesEverythingBeforeACheckpointBarrier() throws Exception {
    try (var h = harness(Map.of("tuning.batch-size", "100", "tuning.max-delay", "PT1H",
        "tuning.min-item-interval", "PT1H"))) {
      long a = freshItem(), b = freshItem();
      h.processElement(event(a, users[0], true, 1));
      h.processElement(event(b, users[1], true, 2));
      h.prepareSnapshotPreBarrier(1);
      assertEquals(2, h.extractOutputValues().size());
      // Even items held back by the minimum interval are flushed at a barrier.
      h.processElement(event(a, users[2], true, 3));
      h.prepareSnapshotPreBarrier(2);
      List<ItemEmbedding> out = h.extractOutputValues();
      assertEquals(3, out.size());
      assertEquals(2, out.get(2).getUpdateSeq());
    }
  }

  @Test
  void coldItemGraduatesOnceThenOnlyCounts() throws Exception {
    try (var h = harness(Map.of("tuning.batch-size", "1", "promo.cold-threshold", "3"))) {
      long a = freshItem();
      h.processElement(event(a, users[0], true, 1));
      h.processElement(event(a, users[1], false, 2));
      h.processElement(event(a, users[2], true, 3));
      h.processElement(event(a, users[3], true, 4)); // third positive: graduates
      h.processElement(event(a, users[4], true, 5));
      List<ItemEmbedding> out = h.extractOutputValues();
      assertEquals(4, out.size(), "one embedding per tuned event, none after graduation");
      for (int k = 0; k < 4; k++) {
        assertEquals(k + 1, out.get(k).getUpdateSeq());
      }
      assertEquals(Phase.GRADUATED, out.get(3).getPhase());
      assertEquals(3, out.get(3).getPositiveCount());
      assertEquals(Phase.COLD, out.get(2).getPhase());
      assertEquals(2, out.get(2).getPinnacleCount());
      assertEquals(1, h.numKeyedStateEntries(), "counters are kept after graduation");
    }
  }

  @Test
  void itemsKnownToBeWarmAreNotTuned() throws Exception {
    PromoArtifact promo = PromoArtifact.load(TestArtifacts.PROMO);
    long warm = -1;
    for (long item : promo.popularItems()) {
      if (promo.trainPositives(item) >= 5) {
        warm = item;
        break;
      }
    }
    assertTrue(warm > 0, "the tiny synthetic set has popular items");
    try (var h = harness(Map.of("tuning.batch-size", "1"))) {
      h.processElement(event(warm, users[0], true, 1));
      h.prepareSnapshotPreBarrier(1);
      assertEquals(0, h.extractOutputValues().size());
      assertEquals(1, h.numKeyedStateEntries());
    }
  }

  @Test
  void idleItemsLoseTheirStateAfterTheTtl() throws Exception {
    try (var h = harness(Map.of("tuning.batch-size", "1", "state.ttl", "PT10S"))) {
      long a = freshItem(), b = freshItem();
      h.processElement(event(a, users[0], true, 1));
      h.setProcessingTime(6_000);
      h.processElement(event(b, users[1], true, 2));
      assertEquals(2, h.numKeyedStateEntries());
      h.setProcessingTime(13_000);
      assertEquals(1, h.numKeyedStateEntries(), "item a idle for 13 s is gone, b (7 s) stays");
      h.setProcessingTime(20_000);
      assertEquals(0, h.numKeyedStateEntries());
    }
  }

  @Test
  void stateRoundTripsThroughItsByteFormat() throws Exception {
    try (var h = harness(Map.of("tuning.batch-size", "1"))) {
      long a = freshItem();
      for (int k = 0; k < 4; k++) {
        h.processElement(event(a, users[k], k % 2 == 0, k + 1));
      }
      assertEquals(4, h.extractOutputValues().size());
    }
    ItemState s = new ItemState();
    s.feedback = new io.pinnacle.feedback.ItemFeedbackState(3, io.pinnacle.feedback.PinnacleMode.VALUE, 4, 1);
    s.feedback.positive(7, 2f, 10);
    s.feedback.negative(8, 11);
    s.vectors.put(7L, new float[] {1, 2});
    s.prompt = io.pinnacle.tuning.PromptState.initial(new float[] {0.5f, 0.25f});
    s.updateSeq = 3;
    byte[] b = s.toBytes();
    ItemState back = ItemState.fromBytes(b);
    org.junit.jupiter.api.Assertions.assertArrayEquals(b, back.toBytes());
    assertEquals(1, back.feedback.pinnacle().size());
    assertEquals(List.of(8L), back.feedback.negatives().users());
  }
}
