package io.pinnacle.runner.bench;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * One PNG with four panels so old and new jobs can be compared at a glance: events per CPU-second and item
 * updates/s at max rate, p99 freshness per steady phase, and the job's resident memory over time.
 */
final class ChartWriter {
  private static final int W = 800;
  private static final int H = 500;

  private ChartWriter() {}

  static void write(List<Results.ModeResult> runs, Path png) throws IOException {
    List<Results.ModeResult> ok = runs.stream().filter(r -> r.maxRate() != null).toList();
    List<String> labels = ok.stream().map(r -> r.job() + " " + shortMode(r.delivery())).toList();
    List<Chart<?, ?>> panels = new ArrayList<>();
    panels.add(bars("Max rate: events per CPU-second of the job", "events / CPU-s", labels,
        ok.stream().map(r -> (Number) r.maxRate().eventsPerCoreSecond()).toList()));
    panels.add(bars("Max rate: item updates per second", "updates / s", labels,
        ok.stream().map(r -> (Number) r.maxRate().itemUpdatesPerSecond()).toList()));
    panels.add(freshness(ok, labels));
    panels.add(memory(runs));
    grid(panels, W, H, png);
  }

  /** Panels of w x h, two per row, as one PNG. */
  static void grid(List<? extends Chart<?, ?>> panels, int w, int h, Path png) throws IOException {
    int rows = (panels.size() + 1) / 2;
    BufferedImage out = new BufferedImage(2 * w, rows * h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, 2 * w, rows * h);
    for (int i = 0; i < panels.size(); i++) {
      g.drawImage(BitmapEncoder.getBufferedImage(panels.get(i)), (i % 2) * w, (i / 2) * h, null);
    }
    g.dispose();
    ImageIO.write(out, "png", png.toFile());
  }

  private static CategoryChart bars(String title, String yTitle, List<String> labels, List<Number> values) {
    CategoryChart c = new CategoryChartBuilder().width(W).height(H).title(title).yAxisTitle(yTitle).build();
    c.getStyler().setLegendVisible(false);
    c.getStyler().setYAxisDecimalPattern("#,###");
    c.getStyler().setYAxisMin(0.0);
    if (!labels.isEmpty()) {
      c.addSeries(yTitle, labels, values);
    }
    return c;
  }

  /** p99 freshness in seconds, one series per steady fraction. */
  private static CategoryChart freshness(List<Results.ModeResult> ok, List<String> labels) {
    CategoryChart c = new CategoryChartBuilder().width(W).height(H).title("Steady load: p99 freshness")
        .yAxisTitle("seconds (event in topic -> embedding committed)").build();
    if (ok.isEmpty()) {
      return c;
    }
    int phases = ok.stream().mapToInt(r -> r.steady().size()).max().orElse(0);
    for (int p = 0; p < phases; p++) {
      List<Number> v = new ArrayList<>();
      String name = null;
      for (Results.ModeResult r : ok) {
        boolean has = p < r.steady().size();
        v.add(has && !Double.isNaN(r.steady().get(p).freshnessP99Ms()) ? r.steady().get(p).freshnessP99Ms() / 1e3
            : 0.0);
        if (has) {
          name = Math.round(r.steady().get(p).fractionOfMax() * 100) + "% of max";
        }
      }
      c.addSeries(name == null ? "phase " + p : name, labels, v);
    }
    return c;
  }

  private static XYChart memory(List<Results.ModeResult> runs) {
    XYChart c = new XYChartBuilder().width(W).height(H).title("Job resident memory")
        .xAxisTitle("seconds since job start").yAxisTitle("RSS (MB)").build();
    for (Results.ModeResult r : runs) {
      if (r.memory() == null || r.memory().rssSeries().size() < 2) {
        continue;
      }
      double[] x = r.memory().rssSeries().stream().mapToDouble(a -> a[0]).toArray();
      double[] y = r.memory().rssSeries().stream().mapToDouble(a -> a[1]).toArray();
      c.addSeries(r.job() + " " + shortMode(r.delivery()), x, y).setMarker(SeriesMarkers.NONE);
    }
    return c;
  }

  private static String shortMode(String delivery) {
    return delivery.startsWith("EXACTLY") ? "exactly-once" : "at-least-once";
  }
}
