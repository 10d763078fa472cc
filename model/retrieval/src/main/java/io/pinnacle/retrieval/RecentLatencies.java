package io.pinnacle.retrieval;

import java.util.Arrays;

/** The last {@code capacity} latencies in ms, for quantiles over recent traffic (/health, benchmarks). */
public final class RecentLatencies {
  private final double[] ring;
  private long count;

  public RecentLatencies(int capacity) {
    ring = new double[capacity];
  }

  public synchronized void add(double ms) {
    ring[(int) (count++ % ring.length)] = ms;
  }

  public synchronized long count() {
    return count;
  }

  /** The {@code q} quantile (nearest rank) of the kept latencies, NaN before the first. */
  public synchronized double quantile(double q) {
    return quantileSince(0, q);
  }

  /** As {@link #quantile}, over the latencies added after the first {@code from} (those still kept). */
  public synchronized double quantileSince(long from, double q) {
    int n = (int) Math.min(count - Math.min(from, count), ring.length);
    if (n == 0) {
      return Double.NaN;
    }
    double[] sorted = new double[n];
    for (int j = 0; j < n; j++) {
      sorted[j] = ring[(int) ((count - n + j) % ring.length)];
    }
    Arrays.sort(sorted);
    return sorted[Math.min(n - 1, Math.max(0, (int) Math.ceil(q * n) - 1))];
  }
}
