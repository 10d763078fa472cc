package io.pinnacle.runner.bench;

import io.pinnacle.report.Chart;
import io.pinnacle.report.HtmlReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The soak's curves in one PNG (and one HTML page): resident memory, memory outside the heap, checkpoints, and consumer lag. */
final class SoakChart {
  private static final int W = 800;
  private static final int H = 450;

  private SoakChart() {}

  static void write(List<ClusterSoak.Sample> samples, Collection<String> taskManagers, Path png) throws IOException {
    XYChart rss = chart("TaskManager resident memory", "MB");
    XYChart outside = chart("TaskManager resident memory outside the Java heap", "MB");
    for (String tm : taskManagers) {
      add(rss, tm, samples, s -> s.rssMb().getOrDefault(tm, 0L));
      add(outside, tm, samples, s -> s.outsideHeapMb().getOrDefault(tm, 0L));
      add(outside, tm + " of which RocksDB", samples, s -> s.rocksDbMb().getOrDefault(tm, 0L));
    }
    XYChart checkpoints = chart("Latest completed checkpoint", "KB / ms");
    add(checkpoints, "full state (KB)", samples, s -> s.checkpointFullKb());
    add(checkpoints, "incremental upload (KB)", samples, s -> s.checkpointKb());
    add(checkpoints, "duration (ms)", samples, s -> s.checkpointMs());
    XYChart lag = chart("Consumer lag of the job (input end - committed offsets)", "events");
    add(lag, "lag", samples, s -> s.lag());
    ChartWriter.grid(List.of(rss, outside, checkpoints, lag), W, H, png);
  }

  /** The same series as an HTML page, with the soak's trends. */
  static void html(List<ClusterSoak.Sample> samples, Collection<String> taskManagers, Map<String, Object> settings,
                   Path html) throws IOException {
    HtmlReport report = new HtmlReport("pinnacle soak on a Flink cluster");
    Map<String, List<double[]>> rss = new LinkedHashMap<>();
    Map<String, List<double[]>> outside = new LinkedHashMap<>();
    for (String tm : taskManagers) {
      rss.put(tm, points(samples, s -> s.rssMb().getOrDefault(tm, 0L)));
      outside.put(tm + " outside the heap", points(samples, s -> s.outsideHeapMb().getOrDefault(tm, 0L)));
      outside.put(tm + " of which RocksDB", points(samples, s -> s.rocksDbMb().getOrDefault(tm, 0L)));
    }
    report.heading("Memory");
    report.chart(Chart.merged("TaskManager resident memory", "minutes", "MB", rss, null));
    report.chart(Chart.merged("TaskManager memory outside the Java heap", "minutes", "MB", outside, null));
    report.heading("Checkpoints and lag");
    Map<String, List<double[]>> size = new LinkedHashMap<>();
    size.put("full state (KB)", points(samples, ClusterSoak.Sample::checkpointFullKb));
    size.put("incremental upload (KB)", points(samples, ClusterSoak.Sample::checkpointKb));
    report.chart(Chart.merged("Latest completed checkpoint: size", "minutes", "KB", size, null));
    report.chart(Chart.merged("Latest completed checkpoint: duration", "minutes", "ms",
        Map.of("duration", points(samples, ClusterSoak.Sample::checkpointMs)), null));
    report.chart(Chart.merged("Consumer lag of the job (input end - committed offsets)", "minutes", "events",
        Map.of("lag", points(samples, ClusterSoak.Sample::lag)), null));
    settings.forEach(report::setting);
    report.write(html);
  }

  private static List<double[]> points(List<ClusterSoak.Sample> samples, ToDoubleFunction<ClusterSoak.Sample> f) {
    List<double[]> out = new ArrayList<>();
    for (ClusterSoak.Sample s : samples) {
      out.add(new double[] {Math.round(s.seconds() / 6) / 10.0, f.applyAsDouble(s)});
    }
    return out;
  }

  private static XYChart chart(String title, String y) {
    XYChart c = new XYChartBuilder().width(W).height(H).title(title).xAxisTitle("minutes").yAxisTitle(y).build();
    c.getStyler().setYAxisMin(0.0);
    return c;
  }

  private static void add(XYChart c, String name, List<ClusterSoak.Sample> samples,
                          ToDoubleFunction<ClusterSoak.Sample> f) {
    if (samples.size() < 2) {
      return;
    }
    double[] x = samples.stream().mapToDouble(s -> s.seconds() / 60).toArray();
    double[] v = samples.stream().mapToDouble(f).toArray();
    c.addSeries(name, x, v).setMarker(SeriesMarkers.NONE);
  }
}
