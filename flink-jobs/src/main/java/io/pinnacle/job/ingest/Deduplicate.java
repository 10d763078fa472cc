package io.pinnacle.job.ingest;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by eventId: the first occurrence passes, a repeat within the window is dead-lettered as a duplicate. The
 * remembered id is dropped by a processing-time timer when the window has passed, so state stays bounded.
 */
public final class Deduplicate extends KeyedProcessFunction<String, ValidEvent, ValidEvent> {
  private static final long serialVersionUID = 1L;
  public static final String DUPLICATES = "duplicates";
  private final long windowMs;
  private transient ValueState<Long> firstSeen;
  private transient LongCounter duplicates;

  public Deduplicate(long windowMs) {
    this.windowMs = windowMs;
  }

  @Override
  public void open(OpenContext ctx) {
    firstSeen = getRuntimeContext().getState(new ValueStateDescriptor<>("first-seen", Long.class));
    duplicates = new LongCounter();
    getRuntimeContext().addAccumulator(DUPLICATES, duplicates);
  }

  @Override
  public void processElement(ValidEvent e, Context ctx, Collector<ValidEvent> out) throws Exception {
    long now = ctx.timerService().currentProcessingTime();
    if (firstSeen.value() != null) {
      duplicates.add(1);
      ctx.output(DeadLetters.TAG, DeadLetters.of(e.raw, "duplicate", "eventId=" + e.eventId, now));
      return;
    }
    firstSeen.update(now);
    ctx.timerService().registerProcessingTimeTimer(now + windowMs);
    out.collect(e);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<ValidEvent> out) throws Exception {
    firstSeen.clear();
  }
}
