package io.pinnacle.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RankingMetricsTest {

  @Test
  void rankCountsNegativesScoredAtLeastAsHigh() {
    assertEquals(0, RankingMetrics.rankOfFirst(new float[] {0.9f, 0.1f, 0.5f}));
    assertEquals(2, RankingMetrics.rankOfFirst(new float[] {0.5f, 0.9f, 0.5f, 0.1f}));
    assertEquals(3, RankingMetrics.rankOfFirst(new float[] {1f, 1f, 1f, 1f}));
    assertEquals(3, RankingMetrics.rankOfFirst(new float[] {Float.NaN, 0f, 0f, 0f}));
  }

  @Test
  void hitAndNdcgByHand() {
    assertEquals(1.0, RankingMetrics.ndcg(0, 10), 1e-12);
    assertEquals(1.0 / Math.log(3) * Math.log(2), RankingMetrics.ndcg(1, 10), 1e-12);
    assertEquals(1.0 / 3.0 * 1.0, RankingMetrics.ndcg(6, 10), 1e-12); // 1/log2(8) = 1/3
    assertEquals(0.0, RankingMetrics.ndcg(10, 10), 1e-12);
    assertEquals(0.0, RankingMetrics.ndcg(5, 5), 1e-12);
    assertEquals(1.0, RankingMetrics.hit(4, 5), 1e-12);
    assertEquals(0.0, RankingMetrics.hit(5, 5), 1e-12);
  }

  @Test
  void accumulatorAveragesOverUsers() {
    MetricSet.Accumulator acc = new MetricSet.Accumulator();
    acc.add(0); // hit everywhere, ndcg 1
    acc.add(6); // hit@10 only, ndcg@10 = 1/3
    acc.add(50); // miss
    MetricSet m = acc.result();
    assertEquals(3, m.users());
    assertEquals(1.0 / 3, m.hr5(), 1e-12);
    assertEquals(2.0 / 3, m.hr10(), 1e-12);
    assertEquals(1.0 / 3, m.ndcg5(), 1e-12);
    assertEquals((1.0 + 1.0 / 3) / 3, m.ndcg10(), 1e-12);
  }
}
