package io.pinnacle.job.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pinnacle.base.NamedTensors;
import io.pinnacle.job.TestArtifacts;
import io.pinnacle.job.config.PinnacleOptions;
import io.pinnacle.job.ingest.DeadLetters;
import io.pinnacle.job.ingest.Interaction;
import io.pinnacle.job.ingest.InteractionSerializer;
import io.pinnacle.prompt.PromoArtifact;
import io.pinnacle.schema.DeadLetter;
import io.pinnacle.schema.ItemEmbedding;
import io.pinnacle.schema.ItemFeatures;
import io.pinnacle.schema.Phase;
import io.pinnacle.targeting.TargetingStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The item stage in Flink's operator test harness on RocksDB: flush triggers, graduation, de-duplication, one idle
 * timer per item and nothing left behind, write-back, snapshot and restore, monotonic updateSeq, artifact change.
 */
class ItemUpdateOperatorTest {
  private static long[] users;
  private static long nextItem = 9_000_001L;

  @BeforeAll
  static void artifacts() throws Exception {
    TestArtifacts.ensure();
    users = io.pinnacle.base.BaseModelArtifact.load(TestArtifacts.BASE).userIds();
  }

  /** On the heap backend, whose entries the harness can count. */
  static KeyedTwoInputStreamOperatorTestHarness<Long, Interaction, ItemFeatures, ItemEmbedding> harness(
      Map<String, String> settings, long startMs) throws Exception {
    var h = new KeyedTwoInputStreamOperatorTestHarness<>(new ItemUpdateOperator(TestArtifacts.config(settings)),
        (Interaction e) -> e.itemId, ItemFeatures::getItemId, Types.LONG);
    h.setProcessingTime(startMs);
    return h;
  }

  /** On RocksDB, as in the job: for snapshots and restores. */
  static KeyedTwoInputStreamOperatorTestHarness<Long, Interaction, ItemFeatures, ItemEmbedding> rocksDb(
      Map<String, String> settings, long startMs) throws Exception {
    var h = harness(settings, startMs);
    h.setStateBackend(new EmbeddedRocksDBStateBackend());
    return h;
  }

  static KeyedTwoInputStreamOperatorTestHarness<Long, Interaction, ItemFeatures, ItemEmbedding> open(
      Map<String, String> settings) throws Exception {
    var h = harness(settings, 0);
    h.open();
    return h;
  }

  static StreamRecord<Interaction> event(long item, long user, boolean positive, long t) {
    return new StreamRecord<>(new Interaction(item, user, t, 1_000L + t, Interaction.hash(item + "-" + user + "-" + t),
        positive, positive ? 1f : 0f, 0, t), t);
  }

  private static synchronized long freshItem() {
    return nextItem++;
  }

  @Test
  void flushesWhenTheBatchIsFull() throws Exception {
    try (var h = open(Map.of("pinnacle.tuning.batch-size", "3", "pinnacle.tuning.max-delay", "1 h"))) {
      long a = freshItem(), b = freshItem(), c = freshItem();
      h.processElement1(event(a, users[0], true, 1));
      h.processElement1(event(b, users[1], true, 2));
      assertEquals(0, h.extractOutputValues().size(), "two dirty items: no flush yet");
      h.processElement1(event(c, users[2], false, 3));
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
    try (var h = open(Map.of("pinnacle.tuning.batch-size", "100", "pinnacle.tuning.max-delay", "2 s"))) {
      h.processElement1(event(freshItem(), users[0], true, 1));
      h.setProcessingTime(1_999);
      assertEquals(0, h.extractOutputValues().size());
      h.setProcessingTime(2_000);
      assertEquals(1, h.extractOutputValues().size());
    }
  }

  @Test
  void flushesEverythingBeforeACheckpointBarrier() throws Exception {
    try (var h = open(Map.of("pinnacle.tuning.batch-size", "100", "pinnacle.tuning.max-delay", "1 h",
        "pinnacle.tuning.min-item-interval", "1 h"))) {
      long a = freshItem(), b = freshItem();
      h.processElement1(event(a, users[0], true, 1));
      h.processElement1(event(b, users[1], true, 2));
      h.prepareSnapshotPreBarrier(1);
      assertEquals(2, h.extractOutputValues().size());
      assertEquals(2, h.numKeyedStateEntries(), "the barrier wrote the heap states back");
      // Even items held back by the minimum interval are flushed at a barrier.
      h.processElement1(event(a, users[2], true, 3));
      h.prepareSnapshotPreBarrier(2);
      List<ItemEmbedding> out = h.extractOutputValues();
      assertEquals(3, out.size());
      assertEquals(2, out.get(2).getUpdateSeq());
    }
  }

  @Test
  void coldItemGraduatesOnceThenOnlyCounts() throws Exception {
    try (var h = open(Map.of("pinnacle.tuning.batch-size", "1", "pinnacle.promo.cold-threshold", "3"))) {
      long a = freshItem();
      h.processElement1(event(a, users[0], true, 1));
      h.processElement1(event(a, users[1], false, 2));
      h.processElement1(event(a, users[2], true, 3));
      h.processElement1(event(a, users[3], true, 4)); // third positive: graduates
      h.processElement1(event(a, users[4], true, 5));
      List<ItemEmbedding> out = h.extractOutputValues();
      assertEquals(4, out.size(), "one embedding per tuned event, none after graduation");
      for (int k = 0; k < 4; k++) {
        assertEquals(k + 1, out.get(k).getUpdateSeq());
      }
      assertEquals(Phase.GRADUATED, out.get(3).getPhase());
      assertEquals(3, out.get(3).getPositiveCount());
      assertEquals(Phase.COLD, out.get(2).getPhase());
      assertEquals(2, out.get(2).getPinnacleCount());
      h.prepareSnapshotPreBarrier(1);
      assertEquals(1, h.numKeyedStateEntries(), "counters are kept after graduation");
      h.setProcessingTime(PinnacleOptions.STATE_TTL.defaultValue().toMillis() * 2);
      assertEquals(1, h.numKeyedStateEntries(), "a graduated item outlives the cold TTL: it must not soon restart cold");
      assertEquals(1, h.numProcessingTimeTimers(), "its timer moved to the counters' deadline");
      h.setProcessingTime(PinnacleOptions.COUNTERS_TTL.defaultValue().toMillis() + 10_000);
      assertEquals(0, h.numKeyedStateEntries(), "idle past the counters' TTL, the graduated item is gone");
      assertEquals(0, h.numProcessingTimeTimers(), "no timers left");
    }
  }

  @Test
  void repeatedEventsAreDeadLetteredAndNotCounted() throws Exception {
    try (var h = open(Map.of("pinnacle.tuning.batch-size", "1"))) {
      long a = freshItem();
      h.processElement1(event(a, users[0], true, 7));
      h.processElement1(event(a, users[0], true, 7)); // the same event again
      h.processElement1(event(a, users[1], true, 8));
      List<ItemEmbedding> out = h.extractOutputValues();
      assertEquals(2, out.size());
      assertEquals(2, out.get(1).getPositiveCount());
      var dead = h.getSideOutput(DeadLetters.TAG);
      assertEquals(1, dead.size());
      DeadLetter d = dead.peek().getValue();
      assertEquals("duplicate", d.getReason());
      assertEquals(7, d.getSourceOffset());
      assertEquals("interactions", d.getSourceTopic());
    }
  }

  @Test
  void idleColdItemsExpireWithOneTimerEachAndLeaveNothingBehind() throws Exception {
    try (var h = open(Map.of("pinnacle.tuning.batch-size", "1", "pinnacle.state.ttl", "10 s"))) {
      long a = freshItem(), b = freshItem();
      h.processElement1(event(a, users[0], true, 1));
      h.processElement1(event(a, users[1], false, 2));
      h.processElement1(event(a, users[2], true, 3));
      assertEquals(1, h.numProcessingTimeTimers(), "one timer per item, not one per event");
      h.setProcessingTime(6_000);
      h.processElement1(event(b, users[1], true, 4));
      assertEquals(2, h.numProcessingTimeTimers());
      h.prepareSnapshotPreBarrier(1);
      assertEquals(2, h.numKeyedStateEntries());
      h.setProcessingTime(13_000);
      assertEquals(1, h.numKeyedStateEntries(), "item a idle for 13 s is gone, b (7 s) stays");
      h.processElement1(event(b, users[2], true, 5)); // b active again at 13 s: its timer moves, not multiplies
      h.setProcessingTime(16_000);
      assertEquals(1, h.numKeyedStateEntries());
      assertEquals(1, h.numProcessingTimeTimers());
      h.setProcessingTime(23_000);
      assertEquals(0, h.numKeyedStateEntries(), "no keyed state left");
      assertEquals(0, h.numProcessingTimeTimers(), "no timers left");
    }
  }

  @Test
  void updateSeqNeverGoesBackAfterExpiryOrAStartWithoutState() throws Exception {
    long a = freshItem();
    long first;
    try (var h = harness(Map.of("pinnacle.tuning.batch-size", "1", "pinnacle.state.ttl", "10 s"), 50_000)) {
      h.open();
      h.processElement1(event(a, users[0], true, 1));
      h.processElement1(event(a, users[1], true, 2));
      h.processElement1(event(a, users[2], true, 3));
      first = h.extractOutputValues().get(2).getUpdateSeq();
      h.setProcessingTime(70_000); // expired
      h.processElement1(event(a, users[3], true, 4));
      long afterExpiry = h.extractOutputValues().get(3).getUpdateSeq();
      assertTrue(afterExpiry > first, afterExpiry + " after " + first);
      first = afterExpiry;
    }
    try (var h = harness(Map.of("pinnacle.tuning.batch-size", "1"), 90_000)) { // a new job without state
      h.open();
      h.processElement1(event(a, users[4], true, 5));
      long fresh = h.extractOutputValues().get(0).getUpdateSeq();
      assertTrue(fresh > first, fresh + " after " + first);
    }
  }

  @Test
  void changedStatesAreWrittenBackBetweenBarriers() throws Exception {
    try (var h = open(Map.of("pinnacle.tuning.batch-size", "1", "pinnacle.state.write-back-after", "1 s"))) {
      long a = freshItem(), b = freshItem(), c = freshItem();
      h.processElement1(event(a, users[0], true, 1));
      h.processElement1(event(b, users[1], true, 2));
      assertEquals(0, h.numKeyedStateEntries(), "fresh changes wait on the heap");
      h.setProcessingTime(1_500);
      h.processElement1(event(c, users[2], true, 3)); // each event writes back up to two states changed >= 1 s ago
      assertEquals(2, h.numKeyedStateEntries(), "a and b are in RocksDB before any barrier");
      h.prepareSnapshotPreBarrier(1);
      assertEquals(3, h.numKeyedStateEntries());
    }
  }

  @Test
  void evictedStatesAreWrittenBackAndReadAgain() throws Exception {
    try (var h = open(Map.of("pinnacle.tuning.batch-size", "1", "pinnacle.state.cache-items", "2"))) {
      long[] items = {freshItem(), freshItem(), freshItem(), freshItem()};
      for (int k = 0; k < items.length; k++) {
        h.processElement1(event(items[k], users[k], true, 10 + k));
      }
      assertTrue(h.numKeyedStateEntries() >= 2, "evicted states are in RocksDB");
      h.processElement1(event(items[0], users[5], true, 20));
      ItemEmbedding last = h.extractOutputValues().get(4);
      assertEquals(items[0], last.getItemId());
      assertEquals(2, last.getPositiveCount(), "the evicted state came back with its counts");
      assertEquals(2, last.getUpdateSeq());
    }
  }

  @Test
  void snapshotAndRestoreContinueTheState() throws Exception {
    long a = freshItem(), b = freshItem();
    OperatorSubtaskState snapshot;
    try (var h = rocksDb(Map.of("pinnacle.tuning.batch-size", "1"), 0)) {
      h.open();
      h.processElement1(event(a, users[0], true, 1));
      h.processElement1(event(a, users[1], false, 2));
      h.processElement1(event(b, users[2], true, 3));
      h.prepareSnapshotPreBarrier(1);
      snapshot = h.snapshot(1, 3);
    }
    try (var h = rocksDb(Map.of("pinnacle.tuning.batch-size", "1"), 0)) {
      h.initializeState(snapshot);
      h.open();
      assertEquals(2, h.numProcessingTimeTimers(), "the idle timers are restored with the state");
      h.processElement1(event(a, users[3], true, 4));
      ItemEmbedding e = h.extractOutputValues().get(0);
      assertEquals(3, e.getUpdateSeq());
      assertEquals(2, e.getPositiveCount());
      assertEquals(1, e.getNegativeCount());
      h.processElement1(event(a, users[0], true, 1)); // the first event again, after the restore
      assertEquals(1, h.getSideOutput(DeadLetters.TAG).size(), "de-duplication survives the restore");
    }
  }

  @Test
  void pairsNegativesWithTheLatestPositivesAndReportsEachWindow() throws Exception {
    long a = freshItem();
    long day = 24L * 3600 * 1000;
    float[] liker = {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    try (var h = harness(Map.of("pinnacle.tuning.batch-size", "1", "pinnacle.retention.window", "10 s"), 0)) {
      h.open();
      StreamRecord<Interaction> p = event(a, users[0], true, 10 * day);
      p.getValue().userVector = liker;
      h.processElement1(p);
      for (int j = 1; j <= 4; j++) {
        StreamRecord<Interaction> n = event(a, users[j], false, 10 * day + j);
        n.getValue().userVector = liker.clone();
        n.getValue().userLastPositiveMs = j <= 3 ? 10 * day - 1 : -1; // the fourth user was not active
        h.processElement1(n);
      }
      assertEquals(0, h.getSideOutput(ItemUpdateOperator.TARGETING) == null ? 0
          : h.getSideOutput(ItemUpdateOperator.TARGETING).size(), "nothing before the window closes");
      h.setProcessingTime(10_000);
      var reports = h.getSideOutput(ItemUpdateOperator.TARGETING);
      assertEquals(1, reports.size());
      TargetingStats s = TargetingStats.of(List.of(reports.peek().getValue()));
      assertEquals(3, s.totalPairs(), "three recently active rejecters, one probe");
      assertEquals(3, s.pairs(TargetingStats.group(true), 0), "a NEW item at zero positives");
      assertEquals(1.5, s.wins(TargetingStats.group(true), 0), 1e-9, "the same vector on both sides ties");
    }
    try (var h = harness(Map.of("pinnacle.tuning.batch-size", "1", "pinnacle.retention.window", "10 s",
        "pinnacle.targeting.probes", "0"), 0)) {
      h.open();
      StreamRecord<Interaction> p = event(a, users[0], true, 10 * day);
      p.getValue().userVector = liker;
      h.processElement1(p);
      StreamRecord<Interaction> n = event(a, users[1], false, 10 * day + 1);
      n.getValue().userVector = liker.clone();
      n.getValue().userLastPositiveMs = 10 * day - 1;
      h.processElement1(n);
      h.setProcessingTime(10_000);
      assertEquals(null, h.getSideOutput(ItemUpdateOperator.TARGETING), "probes = 0 turns the measure off");
    }
  }

  @Test
  void anItemWhoseNumbersBlowUpIsHeldBackAloneNotItsBatch() throws Exception {
    try (var h = open(Map.of("pinnacle.tuning.batch-size", "2", "pinnacle.tuning.max-delay", "1 h"))) {
      long bad = freshItem(), good = freshItem();
      StreamRecord<Interaction> poison = event(bad, users[0], true, 1);
      float[] huge = new float[16];
      Arrays.fill(huge, 3e38f);
      poison.getValue().userVector = huge;
      h.processElement1(poison);
      h.processElement1(event(good, users[1], true, 2));
      List<ItemEmbedding> out = h.extractOutputValues();
      assertEquals(List.of(good), out.stream().map(ItemEmbedding::getItemId).toList(),
          "the healthy item of the batch is published, the one with non-finite numbers is not");
      for (float x : out.get(0).getEmbedding()) {
        assertTrue(Float.isFinite(x));
      }
    }
  }

  @Test
  void anItemWhoseInputsFailItsBatchIsTunedAloneAndHeldBack() throws Exception {
    try (var h = open(Map.of("pinnacle.tuning.batch-size", "3", "pinnacle.tuning.max-delay", "1 h"))) {
      long bad = freshItem(), good1 = freshItem(), good2 = freshItem();
      h.processElement1(event(good1, users[0], true, 1));
      StreamRecord<Interaction> poison = event(bad, users[1], true, 2);
      poison.getValue().userVector = new float[3]; // not the base's dimension: packing the batch fails
      h.processElement1(poison);
      h.processElement1(event(good2, users[2], true, 3));
      assertEquals(List.of(good1, good2), h.extractOutputValues().stream().map(ItemEmbedding::getItemId).toList(),
          "the batch's other items are published; the job does not fail");
      h.processElement1(event(good1, users[3], false, 4));
      h.prepareSnapshotPreBarrier(1);
      assertEquals(3, h.extractOutputValues().size(), "and the stage goes on");
    }
  }

  static StreamRecord<ItemFeatures> described(long item, Integer... features) {
    return new StreamRecord<>(new ItemFeatures(item, List.of(features), 1L, "test"), 1L);
  }

  @Test
  void aDescribedItemStartsFromItsContentAndKeepsItThroughARestore() throws Exception {
    long a = freshItem(), b = freshItem(), c = freshItem();
    OperatorSubtaskState snapshot;
    List<Float> describedOnly;
    try (var h = rocksDb(Map.of("pinnacle.tuning.batch-size", "1"), 0)) {
      h.open();
      h.processElement2(described(a, 0, 3));
      assertEquals(1, h.extractOutputValues().size(), "tuned before its first event");
      describedOnly = h.extractOutputValues().get(0).getEmbedding();
      h.processElement2(described(a, 0, 3));
      assertEquals(1, h.extractOutputValues().size(), "the same entry again changes nothing");
      h.processElement2(described(c, 1));
      List<Float> other = h.extractOutputValues().get(1).getEmbedding();
      assertNotEquals(describedOnly, other, "different content, different start");
      h.processElement1(event(b, users[0], true, 1)); // b: no catalog entry, starts from zeros
      assertNotEquals(describedOnly, h.extractOutputValues().get(2).getEmbedding());
      h.prepareSnapshotPreBarrier(1);
      snapshot = h.snapshot(1, 3);
    }
    List<Float> afterRestore;
    List<Float> fresh;
    try (var h = rocksDb(Map.of("pinnacle.tuning.batch-size", "1"), 0)) {
      h.initializeState(snapshot);
      h.open();
      h.processElement1(event(a, users[1], true, 2));
      afterRestore = h.extractOutputValues().get(0).getEmbedding();
    }
    // The same first event on a fresh operator given the same entry: the restored state kept the features.
    try (var h = rocksDb(Map.of("pinnacle.tuning.batch-size", "1"), 0)) {
      h.open();
      long a2 = a;
      h.processElement2(described(a2, 0, 3));
      h.processElement1(event(a2, users[1], true, 2));
      fresh = h.extractOutputValues().get(1).getEmbedding();
    }
    assertEquals(fresh, afterRestore);
  }

  @Test
  void stateFromOtherArtifactsIsAdoptedNotMixed() throws Exception {
    long a = freshItem();
    OperatorSubtaskState snapshot;
    List<Float> before;
    List<Float> adopted;
    try (var h = rocksDb(Map.of("pinnacle.tuning.batch-size", "1"), 0)) {
      h.open();
      h.processElement1(event(a, users[0], true, 1));
      h.processElement1(event(a, users[1], true, 2));
      before = h.extractOutputValues().get(1).getEmbedding();
      h.prepareSnapshotPreBarrier(1);
      snapshot = h.snapshot(1, 3);
    }
    Path other = retrainedPromo();
    try (var h = rocksDb(Map.of("pinnacle.tuning.batch-size", "1", "pinnacle.artifact.promo", other.toString()), 0)) {
      h.initializeState(snapshot);
      h.open();
      h.processElement1(event(a, users[2], true, 3));
      List<ItemEmbedding> out = h.extractOutputValues();
      assertEquals(1, out.size());
      assertEquals(3, out.get(0).getUpdateSeq(), "updateSeq continues");
      assertEquals(3, out.get(0).getPositiveCount(), "counters and feedback are kept");
      assertEquals(3, out.get(0).getPinnacleCount());
      assertNotEquals(before, out.get(0).getEmbedding());
      adopted = out.get(0).getEmbedding();
    }
    // The adopted item equals one that saw the same feedback under the new artifacts and was tuned once.
    try (var h = rocksDb(Map.of("pinnacle.tuning.batch-size", "100", "pinnacle.artifact.promo", other.toString()),
        0)) {
      h.open();
      h.processElement1(event(a, users[0], true, 1));
      h.processElement1(event(a, users[1], true, 2));
      h.processElement1(event(a, users[2], true, 3));
      h.prepareSnapshotPreBarrier(1);
      assertEquals(adopted, h.extractOutputValues().get(0).getEmbedding());
    }
  }

  /**
   * The test PROMO artifact with its globals perturbed (seeded), as a retrained prompt stage would give: a new
   * version (the version is a hash of the content) and fusion maps that use the pinnacle users and the prompt.
   */
  private static Path retrainedPromo() throws Exception {
    Path dir = TestArtifacts.DIR.resolve("promo-retrained");
    if (!Files.isDirectory(dir)) {
      PromoArtifact old = PromoArtifact.load(TestArtifacts.PROMO);
      Random rnd = new Random(17);
      NamedTensors globals = new NamedTensors();
      for (var e : old.globals().all().entrySet()) {
        float[] v = e.getValue().data().clone();
        for (int k = 0; k < v.length; k++) {
          v[k] += (float) (rnd.nextGaussian() * 0.1);
        }
        globals.put(e.getKey(), e.getValue().shape(), v);
      }
      long[] items = old.trainedItems();
      long[] counts = new long[items.length];
      for (int i = 0; i < items.length; i++) {
        counts[i] = old.trainPositives(items[i]);
      }
      long[] popular = old.popularItems();
      long[][] pinnacle = new long[popular.length][];
      for (int p = 0; p < popular.length; p++) {
        pinnacle[p] = old.popularPinnacle(p);
      }
      PromoArtifact.Metadata m = old.metadata();
      PromoArtifact.save(dir, m.baseModelVersion(), m.dataset(), m.tau(), m.coldThreshold(), m.config(), globals,
          old.warmPool(), items, counts, popular, pinnacle, Map.of("perturbedFrom", m.version()));
    }
    return dir;
  }

  static Map<Long, float[]> lastEmbeddings(List<ItemEmbedding> out) {
    Map<Long, float[]> m = new HashMap<>();
    for (ItemEmbedding e : out) {
      float[] v = new float[e.getEmbedding().size()];
      for (int k = 0; k < v.length; k++) {
        v[k] = e.getEmbedding().get(k);
      }
      m.put(e.getItemId(), v);
    }
    return m;
  }

  @Test
  void reproducibleModeGivesTheSameEmbeddingsWhateverTheBatching() throws Exception {
    long first = freshItem();
    for (int j = 1; j < 12; j++) {
      freshItem();
    }
    Random rnd = new Random(5);
    List<StreamRecord<Interaction>> events = new ArrayList<>();
    for (int t = 1; t <= 400; t++) {
      // A few hot items among quiet ones, so that items are often dirty again before their batch runs.
      long item = first + (rnd.nextInt(3) == 0 ? rnd.nextInt(12) : rnd.nextInt(3));
      events.add(event(item, users[rnd.nextInt(users.length)], rnd.nextInt(3) == 0, t));
    }
    Map<String, String> oneByOne = Map.of("pinnacle.tuning.batch-size", "1", "pinnacle.promo.cold-threshold", "1000");
    Map<String, String> batched = Map.of("pinnacle.tuning.batch-size", "16", "pinnacle.tuning.max-delay", "1 h",
        "pinnacle.promo.cold-threshold", "1000");
    Map<String, String> batchedReproducible = new HashMap<>(batched);
    batchedReproducible.put("pinnacle.tuning.reproducible", "true");
    Map<String, List<Float>> reference = embeddingsBySeq(oneByOne, events);
    assertEquals(reference, embeddingsBySeq(batchedReproducible, events),
        "reproducible: the same steps and bits as tuning after every event");
    assertNotEquals(reference, embeddingsBySeq(batched, events),
        "without it, a batch that holds two events of an item makes one step of them (what the mode prevents)");
  }

  @Test
  void aRestoreInTheMiddleChangesNoBitOfWhatFollows() throws Exception {
    long first = freshItem();
    for (int j = 1; j < 12; j++) {
      freshItem();
    }
    Random rnd = new Random(9);
    List<StreamRecord<Interaction>> events = new ArrayList<>();
    for (int t = 1; t <= 400; t++) {
      long item = first + (rnd.nextInt(3) == 0 ? rnd.nextInt(12) : rnd.nextInt(3));
      events.add(event(item, users[rnd.nextInt(users.length)], rnd.nextInt(3) == 0, t));
    }
    Map<String, String> settings = Map.of("pinnacle.tuning.batch-size", "16", "pinnacle.tuning.max-delay", "1 h",
        "pinnacle.promo.cold-threshold", "1000", "pinnacle.tuning.reproducible", "true");
    Map<String, List<Float>> straight = embeddingsBySeq(settings, events);
    Map<String, List<Float>> restored = new HashMap<>();
    OperatorSubtaskState snapshot;
    try (var h = rocksDb(settings, 0)) {
      h.open();
      feed(h, events.subList(0, 200));
      h.prepareSnapshotPreBarrier(1);
      snapshot = h.snapshot(1, 1);
      h.extractOutputValues().forEach(e -> restored.put(e.getItemId() + "#" + e.getUpdateSeq(), e.getEmbedding()));
    }
    try (var h = rocksDb(settings, 0)) {
      h.initializeState(snapshot);
      h.open();
      feed(h, events.subList(200, events.size()));
      h.prepareSnapshotPreBarrier(2);
      h.extractOutputValues().forEach(e -> restored.put(e.getItemId() + "#" + e.getUpdateSeq(), e.getEmbedding()));
    }
    assertEquals(straight, restored, "state restored from RocksDB must continue exactly as the heap state would");
  }

  /** Feeds copies of the events (the operator keeps what it is given; the list is replayed more than once). */
  private static void feed(KeyedTwoInputStreamOperatorTestHarness<Long, Interaction, ItemFeatures, ItemEmbedding> h,
                           List<StreamRecord<Interaction>> events) throws Exception {
    for (StreamRecord<Interaction> e : events) {
      h.processElement1(new StreamRecord<>(InteractionSerializer.INSTANCE.copy(e.getValue()), e.getTimestamp()));
    }
  }

  /** Replays the events with barriers at fixed points; item and updateSeq -> embedding. */
  private static Map<String, List<Float>> embeddingsBySeq(Map<String, String> settings,
                                                           List<StreamRecord<Interaction>> events) throws Exception {
    Map<String, List<Float>> out = new HashMap<>();
    try (var h = open(settings)) {
      for (int j = 0; j < events.size(); j += 97) {
        feed(h, events.subList(j, Math.min(j + 97, events.size())));
        h.prepareSnapshotPreBarrier(j);
      }
      h.prepareSnapshotPreBarrier(events.size());
      for (ItemEmbedding e : h.extractOutputValues()) {
        assertEquals(null, out.put(e.getItemId() + "#" + e.getUpdateSeq(), e.getEmbedding()), "one per updateSeq");
      }
    }
    return out;
  }
}
