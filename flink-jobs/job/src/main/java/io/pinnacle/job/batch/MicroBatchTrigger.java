package io.pinnacle.job.batch;

import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;

/**
 * When a micro-batch runs, apart from what it does (the item stage's tuning, the user stage's encoding): as soon as {@code batchSize} items became dirty since the last
 * batch, or {@code maxDelayMs} after an item was left waiting. Items a batch held back (hot items within their
 * minimum interval) wait for the timer and do not count towards the next batch, so they cannot make every event
 * re-run a batch that tunes nothing. (The operator also flushes before every checkpoint barrier and at the end of
 * input, so no checkpoint holds a half-applied batch.)
 */
public final class MicroBatchTrigger {
  private final int batchSize;
  private final long maxDelayMs;
  private final ProcessingTimeService time;
  private final Runnable flush;
  private boolean scheduled;

  public MicroBatchTrigger(int batchSize, long maxDelayMs, ProcessingTimeService time, Runnable flush) {
    this.batchSize = Math.max(1, batchSize);
    this.maxDelayMs = Math.max(0, maxDelayMs);
    this.time = time;
    this.flush = flush;
  }

  private int fresh;

  /** Called when an item became dirty: flushes when the batch is full, else makes sure the timer is set. */
  public void dirty() {
    if (++fresh >= batchSize) {
      flush.run();
    } else {
      schedule();
    }
  }

  /** Called after every flush with the items it left waiting. */
  public void flushed(int leftover) {
    fresh = 0;
    if (leftover > 0) {
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
