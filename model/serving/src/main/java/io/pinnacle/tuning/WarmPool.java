package io.pinnacle.tuning;

/**
 * A fixed sample of warm (popular) item embeddings. A user's warm score, the mean logit h_u . h_w / tau over the
 * pool, stands for the popular negatives of the popularity-aware prompt loss.
 */
public final class WarmPool {
  private final int size;
  /** The pool's mean embedding over tau: the mean logit over the pool is linear in h_u, so one dot product. */
  private final double[] meanOverTau;

  public WarmPool(float[][] items, float tau) {
    this.size = items.length;
    int d = items.length == 0 ? 0 : items[0].length;
    this.meanOverTau = new double[d];
    for (float[] w : items) {
      for (int k = 0; k < d; k++) {
        meanOverTau[k] += w[k];
      }
    }
    for (int k = 0; k < d; k++) {
      meanOverTau[k] /= (double) items.length * tau;
    }
  }

  /**
   * The user's warm score. It is computed from the vector given, never remembered by user: in the job a user's
   * vector changes with their history.
   */
  public float score(float[] user) {
    double s = 0;
    for (int k = 0; k < meanOverTau.length; k++) {
      s += user[k] * meanOverTau[k];
    }
    return (float) s;
  }

  public int size() {
    return size;
  }
}
