package io.pinnacle.job.retention;

import io.pinnacle.retention.RetentionStats;
import io.pinnacle.schema.PinnacleRetention;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The item stage's view of pinnacle-memory retention (definition in flink-jobs/README.md): counters and a gauge per
 * bucket of negatives under the metric group {@code pinnacle_retention}, a report per window, and an alert (WARN
 * line and counter) when a well-sampled bucket falls below the floor.
 */
public final class RetentionMonitor {
  private static final Logger LOG = LoggerFactory.getLogger(RetentionMonitor.class);

  /** Alert settings. */
  public record Alert(double floor, long minSamples) {}

  private final Alert alert;
  private final RetentionStats total = new RetentionStats();
  private RetentionStats window = new RetentionStats();
  private long windowStartMs;
  private final Counter tracked;
  private final Counter correct;
  private final Counter memorized;
  private final Counter forgotten;
  private final Counter alerts;

  public RetentionMonitor(MetricGroup operatorGroup, Alert alert, long nowMs) {
    this.alert = alert;
    this.windowStartMs = nowMs;
    MetricGroup group = operatorGroup.addGroup("pinnacle_retention");
    tracked = group.counter("tracked");
    correct = group.counter("correct_at_t0");
    memorized = group.counter("memorized");
    forgotten = group.counter("forgotten");
    alerts = group.counter("alerts");
    for (int b = 0; b < RetentionStats.BUCKETS; b++) {
      int bucket = b;
      String name = "rate_negatives_" + RetentionStats.label(b).replace(">=", "ge").replace('-', '_');
      group.gauge(name, (Gauge<Double>) () -> total.rate(bucket));
    }
  }

  /** Adds what one event or one micro-batch measured. */
  public void record(RetentionStats delta) {
    if (delta.trackedCount() == 0 && delta.memorizedTotal() + delta.forgottenTotal() == 0) {
      return;
    }
    total.add(delta);
    window.add(delta);
    tracked.inc(delta.trackedCount());
    correct.inc(delta.correctAtT0Count());
    memorized.inc(delta.memorizedTotal());
    forgotten.inc(delta.forgottenTotal());
  }

  /** Closes the window: its report (null when nothing happened in it), and the alert check on the running totals. */
  public PinnacleRetention closeWindow(long nowMs) {
    PinnacleRetention report = null;
    if (window.trackedCount() > 0 || window.memorizedTotal() + window.forgottenTotal() > 0) {
      report = window.toReport("promo", windowStartMs, nowMs);
    }
    window = new RetentionStats();
    windowStartMs = nowMs;
    for (int b = 0; b < RetentionStats.BUCKETS; b++) {
      long n = total.memorized(b) + total.forgotten(b);
      if (n >= alert.minSamples() && total.rate(b) < alert.floor()) {
        alerts.inc();
        LOG.warn(String.format("pinnacle memory retention %.3f for pairs with %s negatives since t0 (%d evaluated) "
            + "is below the floor %.2f", total.rate(b), RetentionStats.label(b), n, alert.floor()));
      }
    }
    return report;
  }
}
