package io.pinnacle.job.users;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.job.TestArtifacts;
import io.pinnacle.job.ingest.Interaction;
import io.pinnacle.users.RecentItems;
import io.pinnacle.users.UserEncoder;
import io.pinnacle.schema.UserVector;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The user stage in Flink's operator test harness: vectors from the history before each event, warm positives
 * that only extend the history, micro-batching, the fallback for users the base cannot encode, idle expiry with
 * nothing left behind, and a restore with another base that re-encodes from the kept item ids.
 */
class UserVectorOperatorTest {
  private static BaseModelArtifact base;
  private static long[] users;
  private static long[] items;

  @BeforeAll
  static void artifacts() throws Exception {
    TestArtifacts.ensure();
    base = BaseModelArtifact.load(TestArtifacts.BASE);
    users = base.userIds();
    items = base.itemIds();
  }

  private static KeyedOneInputStreamOperatorTestHarness<Long, Interaction, Interaction> harness(Configuration conf)
      throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(new UserVectorOperator(conf), (Interaction e) -> e.userId,
        Types.LONG);
  }

  private static StreamRecord<Interaction> event(long item, long user, boolean positive, boolean tunable, long t) {
    Interaction e = new Interaction(item, user, t, t, Interaction.hash(item + "-" + user + "-" + t), positive,
        positive ? 1f : 0f, 0, t);
    e.tunable = tunable;
    return new StreamRecord<>(e, t);
  }

  private static float[] encode(BaseModelArtifact b, long[] history) {
    try (UserEncoder encoder = new UserEncoder(b)) {
      return encoder.encode(List.of(history))[0];
    }
  }

  @Test
  void eachEventCarriesTheVectorOfTheHistoryBeforeIt() throws Exception {
    Configuration conf = TestArtifacts.config(Map.of("pinnacle.users.batch-size", "1"));
    try (var h = harness(conf)) {
      h.open();
      long user = users[3];
      long[] history = base.recentItems(user);
      assertTrue(history.length > 0, "the artifact keeps the user's history at the end of training");
      long coldItem = 77_000_001L;
      h.processElement(event(coldItem, user, true, true, 1));
      // A warm item's positive only extends the history: nothing is emitted for it.
      h.processElement(event(items[0], user, true, false, 2));
      h.processElement(event(coldItem + 1, user, false, true, 3));
      List<Interaction> out = h.extractOutputValues();
      assertEquals(2, out.size());
      assertArrayEquals(encode(base, history), out.get(0).userVector, 1e-6f);
      long[] after = RecentItems.append(RecentItems.append(history, coldItem, 50), items[0], 50);
      assertArrayEquals(encode(base, after), out.get(1).userVector, 1e-6f);
      // A positive also carries the co-liked vector of the same history (what the item stage's anchor sums).
      try (UserEncoder encoder = new UserEncoder(base)) {
        assertArrayEquals(encoder.coLiked(history), out.get(0).coLiked, 1e-6f);
      }
      assertNotNull(out.get(0).coLiked);
      assertNull(out.get(1).coLiked, "a negative carries none");
      assertEquals(-1, out.get(0).userLastPositiveMs, "no positive of this user in the stream before the first");
      assertEquals(2, out.get(1).userLastPositiveMs, "the warm item's positive at t = 2 was the last one");
      assertEquals(1, h.numKeyedStateEntries());
    }
  }

  /** The user-vectors topic gets each encoded vector once: a second event on the same history publishes nothing. */
  @Test
  void publishesEachEncodedVectorOnce() throws Exception {
    Configuration conf = TestArtifacts.config(Map.of("pinnacle.users.batch-size", "1"));
    try (var h = harness(conf)) {
      h.open();
      long user = users[5];
      long coldItem = 77_100_001L;
      h.processElement(event(coldItem, user, false, true, 1));
      h.processElement(event(coldItem + 1, user, false, true, 2));
      h.processElement(event(items[1], user, true, false, 3));
      h.processElement(event(coldItem + 2, user, false, true, 4));
      List<Interaction> out = h.extractOutputValues();
      List<UserVector> published = h.getSideOutput(UserVectorOperator.VECTORS).stream()
          .map(StreamRecord::getValue).toList();
      assertEquals(2, published.size(), "one per encoded history");
      assertEquals(user, published.get(0).getUserId());
      assertEquals(base.version(), published.get(0).getBaseModelVersion().toString());
      assertEquals(base.recentItems(user).length, published.get(0).getHistoryLength());
      assertArrayEquals(out.get(0).userVector, floats(published.get(0).getVector()), 0f);
      assertArrayEquals(out.get(2).userVector, floats(published.get(1).getVector()), 0f);
      assertEquals(3, published.get(1).getLastPositiveMs(), "the warm positive at t = 3 changed the history");
    }
  }

  private static float[] floats(List<Float> v) {
    float[] out = new float[v.size()];
    for (int k = 0; k < out.length; k++) {
      out[k] = v.get(k);
    }
    return out;
  }

  @Test
  void waitsForTheBatchAndFlushesBeforeABarrier() throws Exception {
    Configuration conf = TestArtifacts.config(Map.of("pinnacle.users.batch-size", "3",
        "pinnacle.users.max-delay", "1 h"));
    try (var h = harness(conf)) {
      h.open();
      h.processElement(event(77_000_010L, users[0], false, true, 1));
      h.processElement(event(77_000_011L, users[1], false, true, 2));
      assertEquals(0, h.extractOutputValues().size());
      h.processElement(event(77_000_012L, users[2], false, true, 3));
      assertEquals(3, h.extractOutputValues().size(), "the third event filled the batch");
      h.processElement(event(77_000_013L, users[4], false, true, 4));
      h.prepareSnapshotPreBarrier(1);
      assertEquals(4, h.extractOutputValues().size(), "nothing waits across a barrier");
      for (Interaction e : h.extractOutputValues()) {
        assertNotNull(e.userVector);
      }
    }
  }

  @Test
  void aUserTheBaseCannotEncodeGetsNoVectorUntilALikedItemIsKnown() throws Exception {
    Configuration conf = TestArtifacts.config(Map.of("pinnacle.users.batch-size", "1"));
    try (var h = harness(conf)) {
      h.open();
      long stranger = 123_456_789L;
      h.processElement(event(77_000_020L, stranger, true, true, 1));
      h.processElement(event(items[1], stranger, true, false, 2));
      h.processElement(event(77_000_021L, stranger, false, true, 3));
      List<Interaction> out = h.extractOutputValues();
      assertNull(out.get(0).userVector, "no history and no frozen vector");
      assertArrayEquals(encode(base, new long[] {77_000_020L, items[1]}), out.get(1).userVector, 1e-6f);
    }
  }

  @Test
  void anIdleUserIsExpiredAndLeavesNoStateOrTimer() throws Exception {
    Configuration conf = TestArtifacts.config(Map.of("pinnacle.users.batch-size", "1", "pinnacle.users.ttl", "10 s"));
    try (var h = harness(conf)) {
      h.setProcessingTime(0);
      h.open();
      h.processElement(event(77_000_030L, users[5], true, true, 1));
      h.processElement(event(77_000_031L, users[6], true, true, 1));
      h.setProcessingTime(5_000);
      h.processElement(event(77_000_032L, users[6], true, true, 2));
      h.setProcessingTime(10_000);
      assertEquals(1, h.numKeyedStateEntries(), "user 5 expired, user 6 was active at 5 s");
      h.setProcessingTime(15_000);
      assertEquals(0, h.numKeyedStateEntries());
      assertEquals(0, h.numProcessingTimeTimers());
    }
  }

  @Test
  void aRestoreWithAnotherBaseReEncodesFromTheKeptItems() throws Exception {
    long user = users[7];
    long cold = 77_000_040L;
    OperatorSubtaskState snapshot;
    try (var h = harness(TestArtifacts.config(Map.of("pinnacle.users.batch-size", "1")))) {
      h.setStateBackend(new EmbeddedRocksDBStateBackend());
      h.open();
      h.processElement(event(items[2], user, true, false, 1));
      snapshot = h.snapshot(1, 1);
    }
    Configuration other = TestArtifacts.otherConfig(Map.of("pinnacle.users.batch-size", "1"));
    BaseModelArtifact otherBase = BaseModelArtifact.load(TestArtifacts.OTHER_BASE);
    try (var h = harness(other)) {
      h.setStateBackend(new EmbeddedRocksDBStateBackend());
      h.initializeState(snapshot);
      h.open();
      h.processElement(event(cold, user, false, true, 2));
      float[] v = h.extractOutputValues().get(0).userVector;
      long[] kept = RecentItems.append(base.recentItems(user), items[2], 50);
      assertArrayEquals(encode(otherBase, kept), v, 1e-6f, "the kept ids, encoded by the new base");
    }
  }
}
