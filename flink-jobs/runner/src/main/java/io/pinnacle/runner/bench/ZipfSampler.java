package io.pinnacle.runner.bench;

import java.util.SplittableRandom;

/**
 * Draws ranks 0..n-1 with probability proportional to 1 / (rank + 1)^s: a few head items take most of the traffic,
 * a long tail sees a handful of events each, as in short-video feeds. Inverse-CDF over a precomputed table.
 */
final class ZipfSampler {
  private final double[] cdf;

  ZipfSampler(int n, double exponent) {
    if (n <= 0) {
      throw new IllegalArgumentException("a Zipf sampler needs at least one rank");
    }
    cdf = new double[n];
    double sum = 0;
    for (int r = 0; r < n; r++) {
      sum += 1.0 / Math.pow(r + 1, exponent);
      cdf[r] = sum;
    }
    for (int r = 0; r < n; r++) {
      cdf[r] /= sum;
    }
  }

  int sample(SplittableRandom rnd) {
    double u = rnd.nextDouble();
    int lo = 0;
    int hi = cdf.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cdf[mid] < u) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
