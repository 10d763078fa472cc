package io.pinnacle.tuning;

/**
 * A fixed sample of warm (popular) item embeddings. A user's warm score, the mean logit h_u . h_w / tau over the
 * pool, stands for the popular negatives of the popularity-aware prompt loss.
 */
public final class WarmPool {
  private final float[][] items;
  private final float tau;

  public WarmPool(float[][] items, float tau) {
    this.items = items;
    this.tau = tau;
  }

  private final java.util.concurrent.ConcurrentHashMap<Long, Float> byUser = new java.util.concurrent.ConcurrentHashMap<>();
  private static final int CACHE_LIMIT = 2_000_000;

  /** As {@link #score(float[])}, remembered per user (a user's frozen vector, hence its score, never changes). */
  public float score(long userId, float[] user) {
    Float s = byUser.get(userId);
    if (s != null) {
      return s;
    }
    float v = score(user);
    if (byUser.size() < CACHE_LIMIT) {
      byUser.put(userId, v);
    }
    return v;
  }

  public float score(float[] user) {
    if (items.length == 0) {
      return 0f;
    }
    double s = 0;
    for (float[] w : items) {
      double dot = 0;
      for (int k = 0; k < w.length; k++) {
        dot += user[k] * w[k];
      }
      s += dot / tau;
    }
    return (float) (s / items.length);
  }

  public int size() {
    return items.length;
  }
}
