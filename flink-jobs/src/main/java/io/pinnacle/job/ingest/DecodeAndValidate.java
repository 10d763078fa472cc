package io.pinnacle.job.ingest;

import io.pinnacle.schema.InteractionEvent;
import io.pinnacle.schema.codec.AvroValueCodec;
import io.pinnacle.schema.codec.Codecs;
import java.io.IOException;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Decodes each record and applies {@link EventRules}; refused records go to the dead-letter side output. */
public final class DecodeAndValidate extends ProcessFunction<RawRecord, ValidEvent> {
  private static final long serialVersionUID = 1L;
  public static final String RECEIVED = "received";
  public static final String DEAD_LETTERED = "deadLettered";
  /** Processing time of the first and of the last record received: throughput = received / (last - first). */
  public static final String FIRST_MS = "firstReceivedMs";
  public static final String LAST_MS = "lastReceivedMs";
  private final EventRules rules;
  private transient AvroValueCodec<InteractionEvent> codec;
  private transient Counter received;
  private transient Counter deadLettered;
  private transient LongCounter receivedTotal;
  private transient LongCounter deadLetteredTotal;
  private transient org.apache.flink.api.common.accumulators.LongMinimum firstMs;
  private transient org.apache.flink.api.common.accumulators.LongMaximum lastMs;

  public DecodeAndValidate(EventRules rules) {
    this.rules = rules;
  }

  @Override
  public void open(OpenContext ctx) {
    codec = Codecs.interactionEvent();
    received = getRuntimeContext().getMetricGroup().counter(RECEIVED);
    deadLettered = getRuntimeContext().getMetricGroup().counter(DEAD_LETTERED);
    receivedTotal = new LongCounter();
    deadLetteredTotal = new LongCounter();
    getRuntimeContext().addAccumulator(RECEIVED, receivedTotal);
    getRuntimeContext().addAccumulator(DEAD_LETTERED, deadLetteredTotal);
    firstMs = new org.apache.flink.api.common.accumulators.LongMinimum();
    lastMs = new org.apache.flink.api.common.accumulators.LongMaximum();
    getRuntimeContext().addAccumulator(FIRST_MS, firstMs);
    getRuntimeContext().addAccumulator(LAST_MS, lastMs);
  }

  @Override
  public void processElement(RawRecord r, Context ctx, Collector<ValidEvent> out) {
    received.inc();
    receivedTotal.add(1);
    long now = ctx.timerService().currentProcessingTime();
    firstMs.add(now);
    lastMs.add(now);
    InteractionEvent e;
    try {
      e = codec.decode(r.value);
    } catch (IOException ex) {
      refuse(r, "undecodable", ex.getMessage(), now, ctx);
      return;
    }
    String reason = rules.check(e, now);
    if (reason != null) {
      refuse(r, reason, "eventId=" + e.getEventId() + " userId=" + e.getUserId() + " itemId=" + e.getItemId(), now,
          ctx);
      return;
    }
    out.collect(new ValidEvent(e.getEventId(), e.getItemId(), e.getEventTimeMs(), r));
  }

  private void refuse(RawRecord r, String reason, String detail, long now, Context ctx) {
    deadLettered.inc();
    deadLetteredTotal.add(1);
    ctx.output(DeadLetters.TAG, DeadLetters.of(r, reason, detail, now));
  }
}
