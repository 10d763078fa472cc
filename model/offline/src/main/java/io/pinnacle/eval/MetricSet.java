package io.pinnacle.eval;

/** Means over a group of users; hit rates and NDCG in [0, 1]. */
public record MetricSet(int users, double hr5, double hr10, double ndcg5, double ndcg10) {

  public static final class Accumulator {
    private int n;
    private double h5, h10, n5, n10;

    public void add(int rank) {
      n++;
      h5 += RankingMetrics.hit(rank, 5);
      h10 += RankingMetrics.hit(rank, 10);
      n5 += RankingMetrics.ndcg(rank, 5);
      n10 += RankingMetrics.ndcg(rank, 10);
    }

    public MetricSet result() {
      return n == 0 ? new MetricSet(0, 0, 0, 0, 0) : new MetricSet(n, h5 / n, h10 / n, n5 / n, n10 / n);
    }
  }
}
