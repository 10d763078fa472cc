package io.pinnacle.job.retention;

import io.pinnacle.retention.RetentionStats;
import io.pinnacle.schema.PinnacleRetention;
import java.util.Arrays;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The item stage's view of pinnacle-memory retention (definition in flink-jobs/README.md): counters and a gauge per
 * bucket of negatives under the metric group {@code pinnacle_retention}, a report per window, and an alert when a
 * well-sampled bucket falls below the floor: a WARN line and the {@code alerts} counter when it falls, a WARN line
 * again every {@link #REMIND_MS} while it stays there, an INFO line when it is back (a window closes every second or
 * so, and a log that repeats itself each time hides what changed).
 */
public final class RetentionMonitor {
  private static final Logger LOG = LoggerFactory.getLogger(RetentionMonitor.class);
  /** How often a bucket that stays below the floor is reported again. */
  static final long REMIND_MS = 10 * 60_000L;

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
  /** Per bucket: when it was last reported below the floor (-1: it is not below). */
  private final long[] belowSinceWarnMs = new long[RetentionStats.BUCKETS];

  public RetentionMonitor(MetricGroup operatorGroup, Alert alert, long nowMs) {
    this.alert = alert;
    this.windowStartMs = nowMs;
    MetricGroup group = operatorGroup.addGroup("pinnacle_retention");
    tracked = group.counter("tracked");
    correct = group.counter("correct_at_t0");
    memorized = group.counter("memorized");
    forgotten = group.counter("forgotten");
    alerts = group.counter("alerts");
    Arrays.fill(belowSinceWarnMs, -1L);
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

  /** Times a bucket fell below the floor (the {@code alerts} counter). */
  long alertCount() {
    return alerts.getCount();
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
      boolean below = n >= alert.minSamples() && total.rate(b) < alert.floor();
      if (below && belowSinceWarnMs[b] < 0) {
        alerts.inc();
      }
      if (below && (belowSinceWarnMs[b] < 0 || nowMs - belowSinceWarnMs[b] >= REMIND_MS)) {
        belowSinceWarnMs[b] = nowMs;
        LOG.warn(String.format("pinnacle memory retention %.3f for pairs with %s negatives since t0 (%d evaluated) "
            + "is below the floor %.2f", total.rate(b), RetentionStats.label(b), n, alert.floor()));
      } else if (!below && belowSinceWarnMs[b] >= 0) {
        belowSinceWarnMs[b] = -1L;
        LOG.info(String.format("pinnacle memory retention %.3f for pairs with %s negatives is back above the floor "
            + "%.2f", total.rate(b), RetentionStats.label(b), alert.floor()));
      }
    }
    return report;
  }
}
