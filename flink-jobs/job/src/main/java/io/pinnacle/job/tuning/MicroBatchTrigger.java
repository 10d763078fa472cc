package io.pinnacle.job.tuning;

import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;

/**
 * When a micro-batch runs, apart from what it does: as soon as {@code batchSize} items are dirty, or
 * {@code maxDelayMs} after the first dirty item was left waiting. (The operator also flushes before every
 * checkpoint barrier and at the end of input, so no checkpoint holds a half-applied batch.)
 */
final class MicroBatchTrigger {
  private final int batchSize;
  private final long maxDelayMs;
  private final ProcessingTimeService time;
  private final Runnable flush;
  private boolean scheduled;

  MicroBatchTrigger(int batchSize, long maxDelayMs, ProcessingTimeService time, Runnable flush) {
    this.batchSize = Math.max(1, batchSize);
    this.maxDelayMs = Math.max(0, maxDelayMs);
    this.time = time;
    this.flush = flush;
  }

  /** Called after items became dirty: flushes now when the batch is full, else makes sure the timer is set. */
  void dirty(int dirtyCount) {
    if (dirtyCount >= batchSize) {
      flush.run();
    } else if (dirtyCount > 0) {
      schedule();
    }
  }

  /** Called after a flush that left items waiting (held back by the hot-item interval). */
  void leftover(int dirtyCount) {
    if (dirtyCount > 0) {
      schedule();
    }
  }

  private void schedule() {
    if (scheduled) {
      return;
    }
    scheduled = true;
    time.registerTimer(time.getCurrentProcessingTime() + Math.max(1, maxDelayMs), t -> {
      scheduled = false;
      flush.run();
    });
  }
}
