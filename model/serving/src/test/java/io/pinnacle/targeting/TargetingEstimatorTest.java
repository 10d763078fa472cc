package io.pinnacle.targeting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The live targeting estimator: what makes a pair, how it is won, and that an item keeps bounded probes. */
class TargetingEstimatorTest {
  private static final long DAY = 24L * 3600 * 1000;
  private static final long ITEM = 42;

  private static TargetingEstimator estimator(TargetingEstimator.Config config) {
    Random rnd = new Random(7);
    int n = 300;
    long[] ids = new long[n];
    float[][] catalogue = new float[n][];
    for (int c = 0; c < n; c++) {
      ids[c] = 1_000 + c;
      catalogue[c] = new float[] {(float) rnd.nextGaussian(), (float) rnd.nextGaussian()};
    }
    return new TargetingEstimator(config, ids, catalogue);
  }

  @Test
  void anItemThatPointsAtItsLikerWinsAndOneThatKnowsNothingTies() {
    TargetingEstimator t = estimator(TargetingEstimator.Config.DEFAULTS);
    float[] liker = {1, 0};
    float[] rejecter = {-1, 0};
    TargetingStats stats = new TargetingStats();
    List<TargetingProbe> probes = new ArrayList<>();
    t.positive(probes, ITEM, 3, true, new float[] {2, 0}, liker, 10 * DAY, 1);
    t.negative(probes, ITEM, rejecter, 10 * DAY - 1, 10 * DAY + 5, stats);
    assertEquals(1, stats.pairs(0, TargetingStats.bucket(3)));
    assertEquals(1.0, stats.auc(0, TargetingStats.bucket(3)), 1e-9, "the item is first for its liker, last for the other");

    // The same user on both sides: every candidate ranks alike, so the pair is a tie whatever the embedding.
    TargetingStats same = new TargetingStats();
    List<TargetingProbe> p2 = new ArrayList<>();
    t.positive(p2, ITEM, 0, false, new float[] {0.3f, -0.8f}, liker, 10 * DAY, 2);
    t.negative(p2, ITEM, liker, 10 * DAY, 10 * DAY + 5, same);
    assertEquals(0.5, same.auc(1, 0), 1e-9);
  }

  @Test
  void onlyRecentlyActiveRejectersMakePairsButEveryNegativeUsesUpTheProbe() {
    TargetingEstimator t = estimator(new TargetingEstimator.Config(2, 3, 50, 7 * DAY, 1));
    float[] u = {0.5f, 0.5f};
    TargetingStats stats = new TargetingStats();
    List<TargetingProbe> probes = new ArrayList<>();
    long now = 30 * DAY;
    t.positive(probes, ITEM, 0, true, new float[] {1, 1}, u, now, 1);
    t.negative(probes, ITEM, u, -1, now + 1, stats); // no positive in the stream: unknown activity
    t.negative(probes, ITEM, u, now - 8 * DAY, now + 2, stats); // last positive too long ago
    assertEquals(0, stats.totalPairs());
    t.negative(probes, ITEM, u, now - DAY, now + 3, stats);
    assertEquals(1, stats.totalPairs());
    assertTrue(probes.isEmpty(), "three negatives used the probe up");
    t.negative(probes, ITEM, u, now - DAY, now + 4, stats);
    assertEquals(1, stats.totalPairs(), "no probe left: nothing to pair with");
  }

  @Test
  void anItemKeepsOnlyItsLatestProbes() {
    TargetingEstimator t = estimator(new TargetingEstimator.Config(3, 10, 100, 7 * DAY, 1));
    List<TargetingProbe> probes = new ArrayList<>();
    for (int k = 0; k < 5; k++) {
      t.positive(probes, ITEM, k, true, new float[] {1, 0}, new float[] {1, 0}, k, k);
    }
    assertEquals(3, probes.size());
    assertEquals(2, probes.get(0).timeMs, "the two oldest made room");
    TargetingStats stats = new TargetingStats();
    t.negative(probes, ITEM, new float[] {0, 1}, 3, 5, stats);
    assertEquals(3, stats.totalPairs(), "one negative pairs with every live probe");
  }
}
