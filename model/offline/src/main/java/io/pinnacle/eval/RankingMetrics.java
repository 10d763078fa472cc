package io.pinnacle.eval;

/**
 * Hit rate and NDCG of one held-out positive among sampled negatives. A negative that scores equal to the positive
 * counts as ranked above it, so a model that cannot tell items apart gets no credit.
 */
public final class RankingMetrics {
  private RankingMetrics() {}

  /** Zero-based rank of {@code scores[0]} among all of {@code scores}. */
  public static int rankOfFirst(float[] scores) {
    float p = scores[0];
    if (Float.isNaN(p)) {
      return scores.length - 1;
    }
    int rank = 0;
    for (int c = 1; c < scores.length; c++) {
      if (!(scores[c] < p)) {
        rank++;
      }
    }
    return rank;
  }

  public static double hit(int rank, int k) {
    return rank < k ? 1.0 : 0.0;
  }

  public static double ndcg(int rank, int k) {
    return rank < k ? 1.0 / (Math.log(rank + 2) / Math.log(2)) : 0.0;
  }
}
