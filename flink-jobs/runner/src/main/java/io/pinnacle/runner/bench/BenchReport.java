package io.pinnacle.runner.bench;

import io.pinnacle.report.Chart;
import io.pinnacle.report.HtmlReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The stream benchmark as one HTML page: per job and delivery mode, the max rate (events per CPU-second, events/s,
 * item updates/s), freshness under steady load, freshness over each steady phase, and resident memory over time.
 */
final class BenchReport {
  private BenchReport() {}

  static void write(Results.Benchmark b, Path html) throws IOException {
    HtmlReport report = new HtmlReport("pinnacle stream-bench");
    List<Results.ModeResult> ok = b.runs().stream().filter(r -> r.maxRate() != null).toList();
    List<String> labels = ok.stream().map(BenchReport::label).toList();
    report.heading("Max rate: the pre-filled topic drained as fast as the job can");
    report.chart(Chart.categorical("Events per CPU-second of the job", "job and delivery", "events / CPU-second",
        labels, List.of(Chart.Series.of("events per CPU-second", values(ok, r -> r.maxRate().eventsPerCoreSecond()))),
        "the job's own CPU (from /proc) over the drain window").asPoints());
    report.chart(Chart.categorical("Events and item updates per second", "job and delivery", "per second", labels,
        List.of(Chart.Series.of("events/s", values(ok, r -> r.maxRate().eventsPerSecond())),
            Chart.Series.of("item updates/s", values(ok, r -> r.maxRate().itemUpdatesPerSecond()))), null).asPoints());
    int phases = ok.stream().mapToInt(r -> r.steady().size()).max().orElse(0);
    List<Chart.Series> p50 = new ArrayList<>();
    List<Chart.Series> p99 = new ArrayList<>();
    for (int p = 0; p < phases; p++) {
      int phase = p;
      String name = ok.stream().filter(r -> r.steady().size() > phase).findFirst()
          .map(r -> Math.round(r.steady().get(phase).fractionOfMax() * 100) + "% of max").orElse("phase " + p);
      p50.add(Chart.Series.of("p50 at " + name, values(ok, r -> r.steady().size() > phase
          ? r.steady().get(phase).freshnessP50Ms() : Double.NaN)));
      p99.add(Chart.Series.of("p99 at " + name, values(ok, r -> r.steady().size() > phase
          ? r.steady().get(phase).freshnessP99Ms() : Double.NaN)));
    }
    List<Chart.Series> fresh = new ArrayList<>(p50);
    fresh.addAll(p99);
    report.heading("Steady load at fractions of the max rate");
    report.chart(Chart.categorical("Freshness under steady load", "job and delivery",
        "ms from the event in the topic to its update committed", labels, fresh, null).asPoints());
    Map<String, List<double[]>> timeline = new LinkedHashMap<>();
    for (Results.ModeResult r : ok) {
      for (Results.Steady s : r.steady()) {
        if (s.freshnessTimeline() == null) {
          continue;
        }
        List<double[]> pts = new ArrayList<>();
        for (double[] row : s.freshnessTimeline()) {
          pts.add(new double[] {row[0], row[3]});
        }
        timeline.put(label(r) + ", " + Math.round(s.fractionOfMax() * 100) + "%", pts);
      }
    }
    report.chart(Chart.merged("p99 freshness over each steady phase (5 s windows)", "seconds into the phase",
        "p99 ms", timeline, null));
    Map<String, List<double[]>> rss = new LinkedHashMap<>();
    for (Results.ModeResult r : b.runs()) {
      if (r.memory() != null && r.memory().rssSeries() != null && r.memory().rssSeries().size() > 1) {
        rss.put(label(r), r.memory().rssSeries());
      }
    }
    report.heading("Memory");
    report.chart(Chart.merged("Job resident memory", "seconds since the job started", "RSS (MB)", rss, null));
    for (Results.ModeResult r : b.runs()) {
      if (r.error() != null) {
        report.paragraph(label(r) + " failed: " + r.error());
      }
    }
    b.settings().forEach(report::setting);
    b.catalogue().forEach((k, v) -> report.setting("catalogue " + k, v));
    b.machine().forEach((k, v) -> report.setting("machine " + k, v));
    report.setting("started", b.startedAt());
    report.write(html);
  }

  private static String label(Results.ModeResult r) {
    return r.job() + " " + (r.delivery().startsWith("EXACTLY") ? "exactly-once" : "at-least-once");
  }

  private static double[] values(List<Results.ModeResult> runs, ToDoubleFunction<Results.ModeResult> f) {
    return runs.stream().mapToDouble(f).toArray();
  }
}
