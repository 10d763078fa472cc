package io.pinnacle.util;

/** Small shared arithmetic: the SplitMix64 finalizer that turns ids into seeds, and a float dot product. */
public final class Hashing {
  private Hashing() {}

  /** SplitMix64's finalizer: nearby inputs (consecutive ids) give unrelated seeds. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Four partial sums: the targeting measure ranks hundreds of candidates per event, and one running sum would wait
   * on every add before the next.
   */
  public static float dot(float[] a, float[] b) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int k = 0;
    for (; k + 3 < a.length; k += 4) {
      s0 += a[k] * b[k];
      s1 += a[k + 1] * b[k + 1];
      s2 += a[k + 2] * b[k + 2];
      s3 += a[k + 3] * b[k + 3];
    }
    for (; k < a.length; k++) {
      s0 += a[k] * b[k];
    }
    return (s0 + s1) + (s2 + s3);
  }
}
