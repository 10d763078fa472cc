package io.pinnacle.runner.bench;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/** Small shared helpers: progress lines on stderr (a run takes minutes) and an uninterruptible-looking sleep. */
final class Bench {
  private Bench() {}

  static void progress(String format, Object... args) {
    System.err.println("[bench " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "] "
        + String.format(format, args));
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
