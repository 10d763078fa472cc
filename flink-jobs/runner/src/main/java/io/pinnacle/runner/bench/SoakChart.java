package io.pinnacle.runner.bench;

import io.pinnacle.report.Chart;
import io.pinnacle.report.HtmlReport;
import io.pinnacle.report.Table;
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

/**
 * The soak's curves in one PNG and one HTML page: resident memory, memory outside the heap and its parts, RocksDB
 * against the managed memory that bounds it, checkpoints and consumer lag; the page adds the verdict table.
 */
final class SoakChart {
  private static final int W = 800;
  private static final int H = 450;

  private SoakChart() {}

  static void write(List<ClusterSoak.Sample> samples, Collection<String> taskManagers, Path png) throws IOException {
    XYChart rss = chart("TaskManager resident memory", "MB");
    XYChart outside = chart("TaskManager resident memory outside the Java heap, and its parts", "MB");
    for (String tm : taskManagers) {
      add(rss, tm, samples, s -> s.of(tm, ClusterSoak.Memory::rssMb));
      parts(tm, samples).forEach((name, f) -> add(outside, name, samples, f));
    }
    XYChart checkpoints = chart("Latest completed checkpoint", "KB / ms");
    add(checkpoints, "full state (KB)", samples, s -> s.checkpointFullKb());
    add(checkpoints, "incremental upload (KB)", samples, s -> s.checkpointKb());
    add(checkpoints, "duration (ms)", samples, s -> s.checkpointMs());
    XYChart lag = chart("Consumer lag of the job (input end - committed offsets)", "events");
    add(lag, "lag", samples, s -> s.lag());
    ChartWriter.grid(List.of(rss, outside, checkpoints, lag), W, H, png);
  }

  private static Map<String, ToDoubleFunction<ClusterSoak.Sample>> parts(String tm, List<ClusterSoak.Sample> samples) {
    Map<String, ToDoubleFunction<ClusterSoak.Sample>> out = new LinkedHashMap<>();
    out.put(tm + " outside the heap", s -> s.of(tm, ClusterSoak.Memory::outsideHeapMb));
    out.put(tm + " RocksDB", s -> s.of(tm, ClusterSoak.Memory::rocksDbMb));
    if (samples.stream().anyMatch(s -> s.of(tm, ClusterSoak.Memory::jvmNativeMb) >= 0)) {
      out.put(tm + " JVM native (NMT)", s -> s.of(tm, ClusterSoak.Memory::jvmNativeMb));
    }
    out.put(tm + " mapped files", s -> s.of(tm, ClusterSoak.Memory::filesMb));
    if (samples.stream().anyMatch(s -> s.of(tm, ClusterSoak.Memory::unattributedMb) >= 0)) {
      out.put(tm + " unattributed", s -> s.of(tm, ClusterSoak.Memory::unattributedMb));
    }
    return out;
  }

  /** The verdict per series: value at saturation and at the end, trend per hour, share of the mean, verdict. */
  @SuppressWarnings("unchecked")
  static Table verdicts(Map<String, Object> trends) {
    Table.Builder t = new Table.Builder("Soak: every series after saturation (flat: trend under "
        + Math.round(ClusterSoak.FLAT_PER_HOUR * 100) + "% of its mean per hour)",
        List.of("series", "at saturation", "at the end", "trend per hour", "share of mean per hour", "verdict"));
    trends.forEach((name, v) -> {
      Map<String, Object> m = (Map<String, Object>) v;
      t.row(name, String.valueOf(m.getOrDefault("atSaturation", "")), String.valueOf(m.getOrDefault("atEnd", "")),
          String.valueOf(m.getOrDefault("perHour", "")), m.containsKey("sharePerHour")
              ? String.format("%+.1f%%", ((Number) m.get("sharePerHour")).doubleValue() * 100) : "",
          String.valueOf(m.get("verdict")));
    });
    return t.build();
  }

  /** The same series as an HTML page, with the verdicts and the soak's settings. */
  static void html(List<ClusterSoak.Sample> samples, Collection<String> taskManagers, Map<String, Object> trends,
                   Map<String, Object> settings, Path html) throws IOException {
    HtmlReport report = new HtmlReport("pinnacle soak on a Flink cluster");
    report.table(verdicts(trends));
    Map<String, List<double[]>> rss = new LinkedHashMap<>();
    Map<String, List<double[]>> outside = new LinkedHashMap<>();
    Map<String, List<double[]>> rocks = new LinkedHashMap<>();
    for (String tm : taskManagers) {
      rss.put(tm, points(samples, s -> s.of(tm, ClusterSoak.Memory::rssMb)));
      parts(tm, samples).forEach((name, f) -> outside.put(name, points(samples, f)));
      rocks.put(tm + " RocksDB", points(samples, s -> s.of(tm, ClusterSoak.Memory::rocksDbMb)));
      rocks.put(tm + " managed memory", points(samples, s -> s.of(tm, ClusterSoak.Memory::managedMb)));
    }
    report.heading("Memory");
    report.chart(Chart.merged("TaskManager resident memory", "minutes", "MB", rss, null));
    report.chart(Chart.merged("TaskManager memory outside the Java heap, and its parts", "minutes", "MB", outside,
        null));
    report.chart(Chart.merged("RocksDB (block cache with memtables, table readers) and its bound", "minutes", "MB",
        rocks, null));
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
