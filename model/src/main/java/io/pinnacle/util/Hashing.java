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

  public static float dot(float[] a, float[] b) {
    float s = 0;
    for (int k = 0; k < a.length; k++) {
      s += a[k] * b[k];
    }
    return s;
  }
}
