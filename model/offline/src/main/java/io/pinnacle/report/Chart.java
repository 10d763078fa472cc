package io.pinnacle.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * A line chart for the HTML report: x values (numbers, or category labels drawn at 0, 1, 2, ...), and series with an
 * optional interval band. NaN is a gap. {@link #table()} gives the same numbers as a table, shown beside the chart.
 */
public record Chart(String title, String xLabel, String yLabel, List<String> categories, double[] x,
                    List<Series> series, String note, boolean pointsOnly) {

  /** One line; {@code lo} and {@code hi} (both or neither) draw a band around it. */
  public record Series(String name, double[] y, double[] lo, double[] hi) {
    public Series {
      if ((lo == null) != (hi == null)) {
        throw new IllegalArgumentException("series " + name + ": an interval needs both ends");
      }
    }

    public static Series of(String name, double[] y) {
      return new Series(name, y, null, null);
    }

    boolean banded() {
      return lo != null;
    }
  }

  public Chart(String title, String xLabel, String yLabel, List<String> categories, double[] x, List<Series> series,
               String note) {
    this(title, xLabel, yLabel, categories, x, series, note, false);
  }

  /** The same chart drawn as points without lines: for categories that are not an order (models, jobs). */
  public Chart asPoints() {
    return new Chart(title, xLabel, yLabel, categories, x, series, note, true);
  }

  public Chart {
    series = List.copyOf(series);
    int n = x.length;
    for (Series s : series) {
      if (s.y().length != n || (s.banded() && (s.lo().length != n || s.hi().length != n))) {
        throw new IllegalArgumentException("series " + s.name() + " has not " + n + " points");
      }
    }
    if (categories != null && categories.size() != n) {
      throw new IllegalArgumentException(categories.size() + " categories for " + n + " points");
    }
  }

  /** A chart over category labels (buckets, phases): x is 0, 1, 2, ... */
  public static Chart categorical(String title, String xLabel, String yLabel, List<String> categories,
                                  List<Series> series, String note) {
    double[] x = new double[categories.size()];
    Arrays.setAll(x, i -> i);
    return new Chart(title, xLabel, yLabel, List.copyOf(categories), x, series, note);
  }

  public static Chart numeric(String title, String xLabel, String yLabel, double[] x, List<Series> series,
                              String note) {
    return new Chart(title, xLabel, yLabel, null, x, series, note);
  }

  /**
   * A chart of series sampled at their own x values (runs of different lengths): x is the union, and a series has a
   * gap where it has no sample. {@code points} maps a series name to its (x, y) pairs.
   */
  public static Chart merged(String title, String xLabel, String yLabel, Map<String, List<double[]>> points,
                             String note) {
    TreeSet<Double> xs = new TreeSet<>();
    points.values().forEach(l -> l.forEach(p -> xs.add(p[0])));
    double[] x = xs.stream().mapToDouble(Double::doubleValue).toArray();
    List<Series> series = new ArrayList<>();
    for (Map.Entry<String, List<double[]>> e : points.entrySet()) {
      double[] y = new double[x.length];
      Arrays.fill(y, Double.NaN);
      for (double[] p : e.getValue()) {
        y[Arrays.binarySearch(x, p[0])] = p[1];
      }
      series.add(Series.of(e.getKey(), y));
    }
    return new Chart(title, xLabel, yLabel, null, x, series, note);
  }

  /** The points a reader can see (finite values over all series). */
  public int points() {
    int n = 0;
    for (Series s : series) {
      for (double v : s.y()) {
        n += Double.isFinite(v) ? 1 : 0;
      }
    }
    return n;
  }

  /** The chart's numbers: one row per x, one column per series (with its interval when it has one). */
  public Table table() {
    List<String> cols = new ArrayList<>();
    cols.add(xLabel);
    for (Series s : series) {
      cols.add(s.banded() ? s.name() + " [95% interval]" : s.name());
    }
    Table.Builder t = new Table.Builder(title, cols);
    for (int i = 0; i < x.length; i++) {
      List<String> row = new ArrayList<>();
      row.add(categories != null ? categories.get(i) : axisNumber(x[i]));
      for (Series s : series) {
        String v = number(s.y()[i]);
        if (s.banded() && Double.isFinite(s.y()[i])) {
          v += " [" + number(s.lo()[i]) + ", " + number(s.hi()[i]) + "]";
        }
        row.add(v);
      }
      t.row(row);
    }
    return t.build();
  }

  /** An x value: as {@link #number} but without trailing zeros (3.8 s, not 3.800). */
  static String axisNumber(double v) {
    String s = number(v);
    return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }

  static String number(double v) {
    if (!Double.isFinite(v)) {
      return "-";
    }
    double a = Math.abs(v);
    if (v == Math.rint(v) && a < 1e15) {
      return String.format(Locale.ROOT, "%,d", (long) v);
    }
    return String.format(Locale.ROOT, a >= 100 ? "%,.0f" : a >= 10 ? "%.1f" : "%.3f", v);
  }
}
