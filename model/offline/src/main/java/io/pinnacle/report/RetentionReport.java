package io.pinnacle.report;

import io.pinnacle.retention.RetentionStats;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/** Retention by accumulated negatives as a Markdown table and a PNG bar chart (one series per model). */
public final class RetentionReport {
  public static final int WIDTH = 900;
  public static final int HEIGHT = 500;

  private RetentionReport() {}

  public static String markdown(Map<String, RetentionStats> series) {
    return table(series, null).markdown();
  }

  /** Retention by bucket of negatives, one column per series: rate (memorized/evaluated), then the pair counts. */
  public static Table table(Map<String, RetentionStats> series, String caption) {
    List<String> cols = new ArrayList<>(List.of("negatives since t0"));
    series.keySet().forEach(name -> cols.add(name + " retention (memorized/evaluated)"));
    Table.Builder t = new Table.Builder(caption, cols);
    for (int b = 0; b < RetentionStats.BUCKETS; b++) {
      List<String> row = new ArrayList<>(List.of(RetentionStats.label(b)));
      for (RetentionStats s : series.values()) {
        long n = s.memorized(b) + s.forgotten(b);
        row.add(n == 0 ? "- (0)" : String.format(Locale.ROOT, "%.3f (%d/%d)", s.rate(b), s.memorized(b), n));
      }
      t.row(row);
    }
    List<String> last = new ArrayList<>(List.of("tracked pairs / correct at t0"));
    for (RetentionStats s : series.values()) {
      last.add(s.trackedCount() + " / " + s.correctAtT0Count());
    }
    return t.row(last).build();
  }

  /** Writes the chart; empty buckets are drawn as 0 and marked n=0 in the table. */
  public static void png(Map<String, RetentionStats> series, String title, Path out) throws IOException {
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
        .xAxisTitle("negative feedback accumulated since the pair entered the pinnacle set")
        .yAxisTitle("retention rate").build();
    chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0).setChartBackgroundColor(Color.WHITE)
        .setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
    List<String> labels = new ArrayList<>();
    for (int b = 0; b < RetentionStats.BUCKETS; b++) {
      labels.add(RetentionStats.label(b));
    }
    for (Map.Entry<String, RetentionStats> e : series.entrySet()) {
      List<Double> rates = new ArrayList<>();
      for (int b = 0; b < RetentionStats.BUCKETS; b++) {
        double r = e.getValue().rate(b);
        rates.add(Double.isNaN(r) ? 0.0 : r);
      }
      chart.addSeries(e.getKey(), labels, rates);
    }
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    BitmapEncoder.saveBitmap(chart, out.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  /** The report's chart: retention against accumulated negatives, with memorized / evaluated per bucket beside it. */
  public static void addTo(HtmlReport report, Map<String, RetentionStats> series, String title) {
    List<String> labels = new ArrayList<>();
    for (int b = 0; b < RetentionStats.BUCKETS; b++) {
      labels.add(RetentionStats.label(b));
    }
    List<Chart.Series> lines = new ArrayList<>();
    for (Map.Entry<String, RetentionStats> e : series.entrySet()) {
      double[] y = new double[RetentionStats.BUCKETS];
      for (int b = 0; b < y.length; b++) {
        y[b] = e.getValue().rate(b);
      }
      lines.add(Chart.Series.of(e.getKey(), y));
    }
    report.chart(Chart.categorical(title, "negatives since the pair entered the pinnacle set", "retention rate",
        labels, lines, "a pair correct at t0 (its item ranked in the user's top K) is re-evaluated at every update "
            + "of the item while it is cold; retention = still correct / evaluated"), table(series, title));
  }

  public static Map<String, Object> json(Map<String, RetentionStats> series) {
    Map<String, Object> m = new LinkedHashMap<>();
    series.forEach((k, v) -> m.put(k, v.toMap()));
    return m;
  }
}
