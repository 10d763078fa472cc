package io.pinnacle.prequential;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The targeting measure of one cell (item group x bucket): per item, each row's won pairs and the item's pairs.
 * The estimate is the pair-weighted mean over items of the share won (i.e. wins / pairs), with a percentile
 * bootstrap interval over items; differences between rows use the same resamples, so they are paired.
 */
public final class PairedAuc {
  private final int rows;
  private final Map<Integer, double[]> byItem = new LinkedHashMap<>();

  PairedAuc(int rows) {
    this.rows = rows;
  }

  /** One pair of item {@code item}: {@code won[r]} is 1, 0.5 or 0 for row r. */
  void add(int item, double[] won) {
    double[] acc = byItem.computeIfAbsent(item, k -> new double[rows + 1]);
    for (int r = 0; r < rows; r++) {
      acc[r] += won[r];
    }
    acc[rows]++;
  }

  int items() {
    return byItem.size();
  }

  long pairs() {
    long n = 0;
    for (double[] a : byItem.values()) {
      n += (long) a[rows];
    }
    return n;
  }

  /** An estimate with its 95% interval. */
  public record Estimate(double value, double lo, double hi) {}

  /** Per row: the AUC and, against {@code reference}, the difference (reference minus row). */
  record Summary(int items, long pairs, List<Estimate> auc, List<Estimate> referenceMinus) {}

  Summary summarize(int reference, int resamples, long seed) {
    List<double[]> items = new ArrayList<>(byItem.values());
    int n = items.size();
    double[] total = totals(items);
    double[][] boot = new double[rows][resamples];
    double[][] diff = new double[rows][resamples];
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int b = 0; b < resamples && n > 0; b++) {
      double[] sum = new double[rows + 1];
      for (int j = 0; j < n; j++) {
        double[] a = items.get(rnd.nextInt(n));
        for (int r = 0; r <= rows; r++) {
          sum[r] += a[r];
        }
      }
      for (int r = 0; r < rows; r++) {
        boot[r][b] = sum[r] / sum[rows];
        diff[r][b] = (sum[reference] - sum[r]) / sum[rows];
      }
    }
    List<Estimate> auc = new ArrayList<>();
    List<Estimate> minus = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      double v = n == 0 ? Double.NaN : total[r] / total[rows];
      double d = n == 0 ? Double.NaN : (total[reference] - total[r]) / total[rows];
      auc.add(interval(v, boot[r], n > 0 ? resamples : 0));
      minus.add(interval(d, diff[r], n > 0 ? resamples : 0));
    }
    return new Summary(n, (long) total[rows], auc, minus);
  }

  /**
   * Row {@code a} minus row {@code b}, with the interval over the same item resamples as {@link #summarize} draws for
   * the same seed.
   */
  Estimate difference(int a, int b, int resamples, long seed) {
    List<double[]> items = new ArrayList<>(byItem.values());
    int n = items.size();
    double[] total = totals(items);
    double[] diff = new double[resamples];
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int s = 0; s < resamples && n > 0; s++) {
      double sa = 0;
      double sb = 0;
      double sp = 0;
      for (int j = 0; j < n; j++) {
        double[] x = items.get(rnd.nextInt(n));
        sa += x[a];
        sb += x[b];
        sp += x[rows];
      }
      diff[s] = (sa - sb) / sp;
    }
    double d = n == 0 ? Double.NaN : (total[a] - total[b]) / total[rows];
    return interval(d, diff, n > 0 ? resamples : 0);
  }

  /** Per row the sum over items of the pairs won, and at {@code rows} the pairs. */
  private double[] totals(List<double[]> items) {
    double[] total = new double[rows + 1];
    for (double[] a : items) {
      for (int r = 0; r <= rows; r++) {
        total[r] += a[r];
      }
    }
    return total;
  }

  private static Estimate interval(double value, double[] samples, int used) {
    if (used == 0) {
      return new Estimate(value, Double.NaN, Double.NaN);
    }
    double[] s = java.util.Arrays.copyOf(samples, used);
    java.util.Arrays.sort(s);
    return new Estimate(value, s[(int) Math.floor(0.025 * (used - 1))], s[(int) Math.ceil(0.975 * (used - 1))]);
  }
}
