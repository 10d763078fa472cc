package io.pinnacle.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A line chart for the HTML report: x values (numbers, or category labels drawn at 0, 1, 2, ...), and series with an
 * optional interval band. NaN is a gap. {@link #table()} gives the same numbers as a table, shown beside the chart.
 */
public record Chart(String title, String xLabel, String yLabel, List<String> categories, double[] x,
                    List<Series> series, String note) {

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
      row.add(categories != null ? categories.get(i) : number(x[i]));
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
