package io.pinnacle.tuning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.pinnacle.base.NamedTensors;
import io.pinnacle.feedback.Label;
import io.pinnacle.feedback.PinnacleEntry;
import io.pinnacle.feedback.PinnacleMode;
import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.prompt.PromoGlobals;
import io.pinnacle.retention.RetentionTracker;
import io.pinnacle.schema.Phase;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The cold-item cycle on its own: phases, graduation, de-duplication, updateSeq, adoption, lazy pseudo-pinnacle. */
class ColdItemUpdaterTest {
  private static final int DIM = 8;
  private static PromptTuner tuner;
  private static NamedTensors globals;

  /** Models over 50 random users; item 1 is warm (30 training positives), others cold; users' ids are 0..49. */
  private static final class Models implements UpdaterModels {
    final float[][] users = PromoFixtures.vectors(new Random(3), 50, DIM);
    final long[] pool = new long[50];
    String promoVersion = "p1";
    int pseudoCalls;
    float[] center;

    Models() {
      for (int u = 0; u < pool.length; u++) {
        pool[u] = u;
      }
    }

    @Override
    public float[] get(long userId) {
      return userId >= 0 && userId < users.length ? users[(int) userId] : null;
    }

    @Override
    public String baseVersion() {
      return "b1";
    }

    @Override
    public String promoVersion() {
      return promoVersion;
    }

    @Override
    public PromptTuning tuner() {
      return tuner;
    }

    @Override
    public float[] promptInit() {
      return globals.get(PromoGlobals.PROMPT_INIT).data();
    }

    @Override
    public float[] baseItemEmbedding(long itemId) {
      return itemId < 100 ? users[(int) (itemId % 50)] : null;
    }

    @Override
    public long basePositives(long itemId) {
      return itemId == 1 ? 30 : 0;
    }

    @Override
    public float[] coLikedCenter() {
      return center;
    }

    @Override
    public float meanItemNorm() {
      return 2f;
    }

    @Override
    public List<PinnacleEntry> pseudoPinnacle(long itemId) {
      pseudoCalls++;
      return List.of(new PinnacleEntry(5, 0f, 0L), new PinnacleEntry(6, 0f, 0L));
    }

    @Override
    public long[] userPool() {
      return pool;
    }

    @Override
    public WarmPool warmPool() {
      return new WarmPool(PromoFixtures.vectors(new Random(4), 4, DIM), 1f);
    }

    @Override
    public RetentionTracker retention() {
      return null;
    }
  }

  @BeforeAll
  static void tuner() {
    PromoConfig c = PromoConfig.defaults(DIM);
    globals = PromoFixtures.globals(c, 11);
    tuner = new PromptTuner(globals, c, 1f, Device.cpu());
  }

  @AfterAll
  static void close() {
    tuner.close();
  }

  private static ColdItemUpdater updater(Models m, int threshold) {
    return new ColdItemUpdater(UpdaterConfig.defaults(threshold, PinnacleMode.VALUE), m);
  }

  @Test
  void warmItemsOnlyCountAndColdItemsGraduateOnce() {
    Models m = new Models();
    ColdItemUpdater u = updater(m, 3);
    ItemState warm = u.newItem(1);
    assertEquals(Phase.WARM, warm.phase);
    assertFalse(u.observe(warm, 1, 7, Label.POSITIVE, 1f, 10, null));
    assertEquals(31, warm.positives());

    ItemState s = u.newItem(200);
    assertEquals(Phase.COLD, s.phase);
    List<Phase> phases = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      assertTrue(u.observe(s, 200, 10 + k, Label.POSITIVE, 1f + k, 10 + k, null));
      phases.add(u.tune(List.of(200L), List.of(s), 0, null).get(0).phase());
    }
    assertEquals(List.of(Phase.COLD, Phase.COLD, Phase.GRADUATED), phases);
    assertNull(s.feedback, "tuning state dropped at graduation");
    assertFalse(u.observe(s, 200, 20, Label.POSITIVE, 1f, 20, null), "a graduated item is never tuned again");
    assertEquals(4, s.positives());
    assertEquals(3, s.updateSeq);
  }

  @Test
  void updateSeqStartsAtTheClockThenCountsWithoutGaps() {
    assertEquals(1_000, ColdItemUpdater.nextSeq(0, 1_000), "a new state starts at the clock");
    assertEquals(1, ColdItemUpdater.nextSeq(0, 0), "offline, without a clock, at 1");
    assertEquals(6, ColdItemUpdater.nextSeq(5, 1_000), "then one more per update, whatever the clock");
    assertEquals(1_001, ColdItemUpdater.nextSeq(1_000, 1_000), "two updates within a millisecond");
  }

  @Test
  void recentEventIdsAreRememberedInABoundedRing() {
    ColdItemUpdater u = updater(new Models(), 20);
    ItemState s = u.newItem(300);
    assertTrue(u.firstSeen(s, 42));
    assertFalse(u.firstSeen(s, 42));
    for (long h = 0; h < UpdaterConfig.DEDUP_CAPACITY; h++) {
      assertTrue(u.firstSeen(s, 1000 + h));
    }
    assertTrue(u.firstSeen(s, 42), "forgotten after a full ring of newer events");
  }

  @Test
  void pseudoPinnacleOnlyForItemsWithoutPinnacleUsers() {
    Models m = new Models();
    ColdItemUpdater u = updater(m, 20);
    ItemState s = u.newItem(400);
    u.observe(s, 400, 9, Label.NEGATIVE, 0f, 1, null);
    u.tune(List.of(400L), List.of(s), 0, null);
    assertEquals(1, m.pseudoCalls, "no positive yet: borrowed pinnacle users");
    u.observe(s, 400, 8, Label.POSITIVE, 1f, 2, null);
    u.tune(List.of(400L), List.of(s), 0, null);
    assertEquals(1, m.pseudoCalls, "an own pinnacle user: no lookup");
  }

  @Test
  void aStateFromOtherArtifactsRestartsItsPromptAndKeepsItsFeedback() {
    Models m = new Models();
    ColdItemUpdater u = updater(m, 20);
    ItemState s = u.newItem(500);
    u.observe(s, 500, 3, Label.POSITIVE, 1f, 1, null);
    u.observe(s, 500, 4, Label.NEGATIVE, 0f, 2, null);
    float[] emb = u.tune(List.of(500L), List.of(s), 0, null).get(0).embedding();
    assertNotNull(s.lastEmbedding);
    assertFalse(u.adopt(s), "same artifacts: nothing to do");
    m.promoVersion = "p2";
    assertTrue(u.adopt(s));
    assertArrayEquals(m.promptInit(), s.prompt.prompt(), 0f);
    assertEquals(0, s.prompt.step());
    assertNull(s.lastEmbedding);
    assertEquals(1, s.feedback.pinnacle().size());
    assertEquals(1, s.feedback.negatives().users().size());
    assertEquals(1, s.updateSeq);
    assertEquals("p2", s.promoVersion);
    float[] again = u.tune(List.of(500L), List.of(s), 0, null).get(0).embedding();
    assertArrayEquals(emb, again, 0f, "from the same initial prompt with the same feedback: the same first update");
  }

  private static ColdItemUpdater updater(Models m, ServingRule rule) {
    return new ColdItemUpdater(UpdaterConfig.defaults(20, PinnacleMode.VALUE).withServing(rule), m);
  }

  private static ColdItemUpdater.Observation positive(long item, long user, float[] coLiked) {
    return new ColdItemUpdater.Observation(item, user, null, Label.POSITIVE, 1f, 1, -1, coLiked);
  }

  @Test
  void theAnchorMovesFromTheBaseTowardTheCoLikedMeanByPositiveCount() {
    Models m = new Models();
    float[] c1 = PromoFixtures.vectors(new Random(5), 1, DIM)[0];
    float[] c2 = PromoFixtures.vectors(new Random(6), 1, DIM)[0];
    // PROMO's change never served: what is served is the anchor itself.
    ColdItemUpdater u = updater(m, new ServingRule(true, 2f, Integer.MAX_VALUE));
    ItemState s = u.newItem(7);
    u.observe(s, positive(7, 3, c1), null, null);
    u.observe(s, new ColdItemUpdater.Observation(7, 4, null, Label.NEGATIVE, 0f, 2, -1, null), null, null);
    u.observe(s, positive(7, 5, c2), null, null);
    u.observe(s, positive(7, 6, null), null, null); // a liker without known recent items adds nothing
    float[] h = m.baseItemEmbedding(7);
    float[] expected = new float[DIM];
    for (int k = 0; k < DIM; k++) {
      expected[k] = (2 * h[k] + c1[k] + c2[k]) / 4; // prior 2 + 0 training positives, 2 co-liked vectors
    }
    assertArrayEquals(expected, u.tune(List.of(7L), List.of(s), 0, null).get(0).embedding(), 1e-6f);

    // Centered: each positive moves the anchor by its co-liked vector's deviation from the expected one.
    m.center = PromoFixtures.vectors(new Random(7), 1, DIM)[0];
    float[] centered = u.tune(List.of(7L), List.of(s), 0, null).get(0).embedding();
    for (int k = 0; k < DIM; k++) {
      expected[k] = h[k] + 2 * ((c1[k] + c2[k]) / 2 - m.center[k]) / 4;
    }
    assertArrayEquals(expected, centered, 1e-5f);
    m.center = null;

    // Without the co-liked mean the anchor is the base embedding.
    ColdItemUpdater plain = updater(m, new ServingRule(false, 0f, Integer.MAX_VALUE));
    ItemState t = plain.newItem(7);
    plain.observe(t, positive(7, 3, c1), null, null);
    assertArrayEquals(h, plain.tune(List.of(7L), List.of(t), 0, null).get(0).embedding(), 0f);
  }

  @Test
  void promoChangeIsServedFromTheRulesPositiveOn() {
    Models m = new Models();
    float[] c1 = PromoFixtures.vectors(new Random(5), 1, DIM)[0];
    ColdItemUpdater u = updater(m, new ServingRule(true, 0f, 2));
    ItemState s = u.newItem(8);
    u.observe(s, positive(8, 3, c1), null, null);
    float[] first = u.tune(List.of(8L), List.of(s), 0, null).get(0).embedding();
    assertArrayEquals(c1, first, 1e-6f, "one positive: the anchor (the co-liked mean, no training positives)");
    u.observe(s, positive(8, 4, c1), null, null);
    float[] second = u.tune(List.of(8L), List.of(s), 0, null).get(0).embedding();
    assertFalse(Arrays.equals(c1, second), "from the second positive PROMO's change is served");
    assertEquals(2, s.feedback.coLikedCount());
  }

  @Test
  void theCenterIsThePopularityWeightedMeanItem() {
    float[] mean = UpdaterModels.weightedMean(new float[][] {null, {1f, 0f}, {0f, 2f}, {5f, 5f}},
        new long[] {4, 3, 1, 0});
    assertArrayEquals(new float[] {0.75f, 0.5f}, mean, 1e-7f);
    assertNull(UpdaterModels.weightedMean(new float[][] {{1f}}, new long[] {0}));
  }

  @Test
  void aNewBaseDropsTheCoLikedSum() {
    Models m = new Models();
    ColdItemUpdater u = updater(m, ServingRule.DEFAULTS);
    ItemState s = u.newItem(9);
    u.observe(s, positive(9, 3, new float[DIM]), null, null);
    s.baseVersion = "an older base";
    assertTrue(u.adopt(s));
    assertEquals(0, s.feedback.coLikedCount(), "embeddings of another base are never mixed with this one's");
    assertNull(s.feedback.coLikedSum());
  }

  /** Every source of the serving table, computed from the item's own state, chosen by group and positives. */
  @Test
  void theServingTableChoosesTheSourceByGroupAndPositives() {
    Models m = new Models();
    float[] c1 = PromoFixtures.vectors(new Random(5), 1, DIM)[0];
    float[] c2 = PromoFixtures.vectors(new Random(6), 1, DIM)[0];
    float[] likers = new float[DIM];
    float[] coLiked = new float[DIM];
    for (int k = 0; k < DIM; k++) {
      likers[k] = (m.users[3][k] + m.users[4][k]) / 2;
      coLiked[k] = (c1[k] + c2[k]) / 2; // no training positives: the co-liked mean alone
    }
    float[] h = m.baseItemEmbedding(7);
    for (ServedSource src : new ServedSource[] {ServedSource.START, ServedSource.USERS, ServedSource.CO_LIKED}) {
      ColdItemUpdater u = updater(m, ServingRule.DEFAULTS.withTable(ServingTable.uniform(src)));
      ItemState s = u.newItem(7);
      u.observe(s, positive(7, 3, c1), null, null);
      u.observe(s, positive(7, 4, c2), null, null);
      float[] served = u.tune(List.of(7L), List.of(s), 0, null).get(0).embedding();
      float[] expected = src == ServedSource.START ? h : src == ServedSource.USERS ? likers : coLiked;
      assertArrayEquals(expected, served, 1e-6f, src.label());
    }
    // The likers' direction on the item table's scale.
    ColdItemUpdater scaled = updater(m, ServingRule.DEFAULTS.withTable(ServingTable.uniform(ServedSource.USERS_SCALED)));
    ItemState r = scaled.newItem(7);
    scaled.observe(r, positive(7, 3, c1), null, null);
    scaled.observe(r, positive(7, 4, c2), null, null);
    float[] v = scaled.tune(List.of(7L), List.of(r), 0, null).get(0).embedding();
    double norm = Math.sqrt(dot(likers, likers));
    for (int k = 0; k < DIM; k++) {
      assertEquals(likers[k] * 2 / norm, v[k], 1e-5, "the likers' mean direction at norm 2");
    }
    // The co-liked blend's direction at the start's norm.
    ColdItemUpdater coScaled = updater(m, ServingRule.DEFAULTS.withTable(ServingTable.uniform(
        ServedSource.CO_LIKED_SCALED)));
    ItemState q = coScaled.newItem(7);
    coScaled.observe(q, positive(7, 3, c1), null, null);
    coScaled.observe(q, positive(7, 4, c2), null, null);
    float[] w = coScaled.tune(List.of(7L), List.of(q), 0, null).get(0).embedding();
    double start = Math.sqrt(dot(h, h));
    double blend = Math.sqrt(dot(coLiked, coLiked));
    for (int k = 0; k < DIM; k++) {
      assertEquals(coLiked[k] * start / blend, w[k], 1e-5, "the co-liked direction at the start's norm");
    }
    // By bucket: a COLD item with one positive takes bucket 1's source, with two bucket 2's; a NEW item its row.
    ServingTable t = ServingTable.parse("NEW:users;COLD:promo,start,users,promo,promo,promo");
    assertEquals(t, ServingTable.parse(t.toString()));
    ColdItemUpdater u = updater(m, ServingRule.DEFAULTS.withTable(t));
    ItemState s = u.newItem(7);
    u.observe(s, positive(7, 3, c1), null, null);
    assertArrayEquals(h, u.tune(List.of(7L), List.of(s), 0, null).get(0).embedding(), 0f, "COLD, 1 positive: start");
    u.observe(s, positive(7, 4, c2), null, null);
    assertArrayEquals(likers, u.tune(List.of(7L), List.of(s), 0, null).get(0).embedding(), 1e-6f,
        "COLD, 2 positives: the likers' mean");
    ItemState fresh = u.newItem(500);
    u.observe(fresh, positive(500, 3, c1), null, null);
    assertArrayEquals(m.users[3], u.tune(List.of(500L), List.of(fresh), 0, null).get(0).embedding(), 1e-6f,
        "NEW: the likers' mean");
  }

  @Test
  void aServingTableIsReadBackAndRefusedForAnotherArtifact(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    ServingTable t = ServingTable.parse("NEW:start,promo,users,users,co-liked,co-liked;COLD:anchor");
    t.save(dir, "promo-1", java.util.Map.of("note", "test"));
    assertEquals(t, ServingTable.load(dir, "promo-1"));
    assertEquals(ServedSource.ANCHOR, t.source(false, 25));
    assertEquals(ServedSource.CO_LIKED, t.source(true, 10));
    assertEquals(ServedSource.START, t.source(true, 0));
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> ServingTable.load(dir, "promo-2"));
    assertTrue(e.getMessage().contains("fit-serving"), e.getMessage());
    assertEquals(ServingTable.DEFAULT, ServingTable.fittedOrDefault(dir.resolve("none"), "promo-1"));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> ServingTable.parse("NEW:start,promo;COLD:anchor"));
  }

  private static double dot(float[] a, float[] b) {
    double z = 0;
    for (int k = 0; k < a.length; k++) {
      z += (double) a[k] * b[k];
    }
    return z;
  }
}
