package io.pinnacle.runner.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The soak's curves in one PNG: resident memory, memory outside the heap, checkpoints, and consumer lag. */
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
