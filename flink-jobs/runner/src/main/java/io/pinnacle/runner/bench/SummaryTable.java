package io.pinnacle.runner.bench;

import java.util.List;

/** The headline numbers as a table on stderr at the end of a run (the JSON has everything). */
final class SummaryTable {
  private SummaryTable() {}

  static void print(List<Results.ModeResult> runs) {
    System.err.printf("%-12s %-14s %-9s %10s %14s %12s %10s %10s %10s %9s%n", "job", "delivery", "phase",
        "events/s", "events/CPU-s", "updates/s", "p50 ms", "p99 ms", "cores", "RSS MB");
    for (Results.ModeResult r : runs) {
      if (r.maxRate() == null) {
        System.err.printf("%-12s %-14s failed: %s%n", r.job(), r.delivery(), r.error());
        continue;
      }
      Results.MaxRate m = r.maxRate();
      System.err.printf("%-12s %-14s %-9s %,10.0f %,14.0f %,12.0f %10s %10s %10.2f %,9.0f%n", r.job(),
          r.delivery(), "max", m.eventsPerSecond(), m.eventsPerCoreSecond(), m.itemUpdatesPerSecond(), "-", "-",
          m.coresUsed(), r.memory().rssMaxMb());
      for (Results.Steady s : r.steady()) {
        System.err.printf("%-12s %-14s %-9s %,10.0f %,14.0f %,12.0f %,10.0f %,10.0f %10.2f %,9.0f%n", r.job(),
            r.delivery(), Math.round(s.fractionOfMax() * 100) + "%", s.achievedEventsPerSecond(),
            s.eventsPerCoreSecond(), s.itemUpdatesPerSecond(), s.freshnessP50Ms(), s.freshnessP99Ms(),
            s.coresUsed(), s.rssMaxMb());
      }
    }
  }
}
