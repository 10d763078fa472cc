package io.pinnacle.job.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pinnacle.retention.RetentionStats;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

class RetentionMonitorTest {
  @Test
  void aBucketBelowTheFloorAlertsOnceUntilItRecovers() {
    RetentionMonitor m = new RetentionMonitor(new UnregisteredMetricsGroup(), new RetentionMonitor.Alert(0.5, 10), 0);
    m.record(outcomes(3, 12)); // 3 of 15 remembered: below the floor
    long now = 0;
    for (int w = 0; w < 50; w++) {
      m.closeWindow(now += 1_000);
    }
    assertEquals(1, m.alertCount(), "one fall, one alert, however many windows close");
    m.record(outcomes(40, 0)); // 43 of 55: back above
    m.closeWindow(now += 1_000);
    m.record(outcomes(0, 60)); // 43 of 115: below again
    m.closeWindow(now += 1_000);
    assertEquals(2, m.alertCount());
  }

  private static RetentionStats outcomes(int memorized, int forgotten) {
    RetentionStats s = new RetentionStats();
    for (int i = 0; i < memorized; i++) {
      s.later(1, true);
    }
    for (int i = 0; i < forgotten; i++) {
      s.later(1, false);
    }
    return s;
  }
}
