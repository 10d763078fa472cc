package io.pinnacle.runner;

import io.pinnacle.report.Chart;
import io.pinnacle.report.HtmlReport;
import io.pinnacle.schema.ItemEmbedding;
import io.pinnacle.schema.Phase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a run looked like second by second: events the job processed (and the rate over the last interval), item
 * updates emitted and committed, freshness of the updates read in the interval, and the items by lifecycle phase of
 * their latest committed embedding. Sampled by {@link StreamRun#awaitQuiet}; drawn in the run's report.
 */
public final class RunTimeline {
  /** One sample; freshness is NaN when no update was read in the interval. */
  public record Sample(double seconds, long sent, long processed, double eventsPerSecond, long itemUpdates,
                       long committed, double freshnessP50Ms, double freshnessMaxMs, long coldItems,
                       long graduatedItems, long warmItems) {}

  private final List<Sample> samples = new ArrayList<>();
  private long lastProcessed;
  private double lastSeconds;
  private int freshnessSeen;

  void sample(double seconds, long sent, long processed, long itemUpdates, EmbeddingMonitor monitor) {
    double rate = samples.isEmpty() ? 0 : (processed - lastProcessed) / Math.max(1e-3, seconds - lastSeconds);
    lastProcessed = processed;
    lastSeconds = seconds;
    List<Long> fresh = monitor.freshnessSince(freshnessSeen);
    freshnessSeen += fresh.size();
    double p50 = Double.NaN;
    double max = Double.NaN;
    if (!fresh.isEmpty()) {
      List<Long> sorted = new ArrayList<>(fresh);
      sorted.sort(null);
      p50 = sorted.get(sorted.size() / 2);
      max = sorted.get(sorted.size() - 1);
    }
    long[] phases = new long[Phase.values().length];
    for (ItemEmbedding e : monitor.latest().values()) {
      phases[e.getPhase().ordinal()]++;
    }
    samples.add(new Sample(seconds, sent, processed, rate, itemUpdates, monitor.recordsSinceMark(), p50, max,
        phases[Phase.COLD.ordinal()], phases[Phase.GRADUATED.ordinal()], phases[Phase.WARM.ordinal()]));
  }

  public List<Sample> samples() {
    return List.copyOf(samples);
  }

  /** The run's charts: throughput, output, freshness and items by phase over time. */
  public void addTo(HtmlReport report) {
    int n = samples.size();
    double[] t = new double[n];
    double[] rate = new double[n];
    double[] processed = new double[n];
    double[] updates = new double[n];
    double[] committed = new double[n];
    double[] p50 = new double[n];
    double[] max = new double[n];
    double[] cold = new double[n];
    double[] graduated = new double[n];
    for (int i = 0; i < n; i++) {
      Sample s = samples.get(i);
      t[i] = Math.round(s.seconds() * 10) / 10.0;
      rate[i] = s.eventsPerSecond();
      processed[i] = s.processed();
      updates[i] = s.itemUpdates();
      committed[i] = s.committed();
      p50[i] = s.freshnessP50Ms();
      max[i] = s.freshnessMaxMs();
      cold[i] = s.coldItems();
      graduated[i] = s.graduatedItems();
    }
    report.heading("The stream over time");
    report.chart(Chart.numeric("Events processed by the job per second", "seconds since the job started",
        "events/s", t, List.of(Chart.Series.of("events/s over the last interval", rate)), null));
    report.chart(Chart.numeric("Item updates emitted by the job and committed (readable with read_committed)",
        "seconds since the job started", "item updates", t, List.of(Chart.Series.of("emitted", updates),
            Chart.Series.of("committed and read", committed)), "with exactly-once delivery an update becomes "
            + "readable when the checkpoint that covers it completes"));
    report.chart(Chart.numeric("Freshness of the updates read in each interval", "seconds since the job started",
        "ms from the newest event reaching Kafka to the update being readable", t,
        List.of(Chart.Series.of("median", p50), Chart.Series.of("max", max)), null));
    report.chart(Chart.numeric("Items by lifecycle phase (of their latest committed embedding)",
        "seconds since the job started", "items", t, List.of(Chart.Series.of("COLD (being tuned)", cold),
            Chart.Series.of("GRADUATED (final embedding published)", graduated)), null));
  }

  public List<Map<String, Object>> json() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Sample s : samples) {
      out.add(Map.ofEntries(Map.entry("seconds", s.seconds()), Map.entry("sent", s.sent()),
          Map.entry("processed", s.processed()), Map.entry("eventsPerSecond", s.eventsPerSecond()),
          Map.entry("itemUpdates", s.itemUpdates()), Map.entry("committed", s.committed()),
          Map.entry("freshnessP50Ms", Double.isNaN(s.freshnessP50Ms()) ? -1 : s.freshnessP50Ms()),
          Map.entry("freshnessMaxMs", Double.isNaN(s.freshnessMaxMs()) ? -1 : s.freshnessMaxMs()),
          Map.entry("coldItems", s.coldItems()), Map.entry("graduatedItems", s.graduatedItems()),
          Map.entry("warmItems", s.warmItems())));
    }
    return out;
  }
}
