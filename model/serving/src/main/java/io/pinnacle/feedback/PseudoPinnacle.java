package io.pinnacle.feedback;

/**
 * For an item with no positive feedback yet (PROMO Eq. 5): borrow the pinnacle users of the most similar popular
 * item, by Tanimoto similarity a.b / (|a|^2 + |b|^2 - a.b) of base embeddings, or of content features when the item
 * has no base embedding.
 */
public final class PseudoPinnacle {
  private PseudoPinnacle() {}

  public static double tanimoto(float[] a, float[] b) {
    double ab = 0, aa = 0, bb = 0;
    for (int k = 0; k < a.length; k++) {
      ab += a[k] * b[k];
      aa += a[k] * a[k];
      bb += b[k] * b[k];
    }
    double denom = aa + bb - ab;
    return denom <= 0 ? 0 : ab / denom;
  }

  /** Index of the candidate most similar to {@code query}, or -1 when there is none. Ties go to the lower index. */
  public static int nearest(float[] query, float[][] candidates) {
    int best = -1;
    double bestSim = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < candidates.length; c++) {
      if (candidates[c] == null) {
        continue;
      }
      double s = tanimoto(query, candidates[c]);
      if (s > bestSim) {
        bestSim = s;
        best = c;
      }
    }
    return best;
  }
}
