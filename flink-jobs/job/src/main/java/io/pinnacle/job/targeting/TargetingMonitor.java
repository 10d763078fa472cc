package io.pinnacle.job.targeting;

import io.pinnacle.schema.PinnacleTargeting;
import io.pinnacle.targeting.TargetingStats;
import java.util.Locale;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * The item stage's view of the live targeting measure (definition in flink-jobs/README.md): per item group and
 * bucket, gauges of pairs counted and won and of their share since the start, under the metric group
 * {@code pinnacle_targeting}, and a report of each window's pairs.
 */
public final class TargetingMonitor {
  private final TargetingStats total = new TargetingStats();
  private TargetingStats window = new TargetingStats();
  private long windowStartMs;

  public TargetingMonitor(MetricGroup operatorGroup, long nowMs) {
    this.windowStartMs = nowMs;
    MetricGroup group = operatorGroup.addGroup("pinnacle_targeting");
    for (int g = 0; g < TargetingStats.GROUPS.length; g++) {
      for (int b = 0; b < TargetingStats.BUCKETS.length; b++) {
        int gi = g;
        int bi = b;
        String cell = TargetingStats.GROUPS[g].toLowerCase(Locale.ROOT) + "_positives_"
            + TargetingStats.BUCKETS[b].replace("+", "_plus").replace('-', '_');
        group.gauge(cell + "_pairs", (Gauge<Long>) () -> total.pairs(gi, bi));
        group.gauge(cell + "_wins", (Gauge<Double>) () -> total.wins(gi, bi));
        group.gauge(cell + "_auc", (Gauge<Double>) () -> total.auc(gi, bi));
      }
    }
  }

  /** Adds what one event measured. */
  public void record(TargetingStats delta) {
    total.add(delta);
    window.add(delta);
  }

  /** Closes the window: its report, or null when it counted no pair. */
  public PinnacleTargeting closeWindow(long nowMs) {
    PinnacleTargeting report = window.totalPairs() == 0 ? null : window.toReport("promo", windowStartMs, nowMs);
    window = new TargetingStats();
    windowStartMs = nowMs;
    return report;
  }
}
