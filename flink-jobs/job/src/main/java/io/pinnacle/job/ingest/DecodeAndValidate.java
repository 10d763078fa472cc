package io.pinnacle.job.ingest;

import ai.djl.Device;
import io.pinnacle.feedback.FeedbackRules;
import io.pinnacle.feedback.Label;
import io.pinnacle.job.config.JobConfiguration;
import io.pinnacle.job.config.PinnacleOptions;
import io.pinnacle.job.models.LoadedModels;
import io.pinnacle.schema.InteractionEvent;
import io.pinnacle.schema.codec.AvroValueCodec;
import io.pinnacle.schema.codec.Codecs;
import java.io.IOException;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.accumulators.LongMaximum;
import org.apache.flink.api.common.accumulators.LongMinimum;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The only place an event is decoded. Refused records go to the dead-letter side output ({@link EventRules});
 * events that cannot change any embedding or user vector leave here, before the shuffle: those the feedback rules
 * ignore, and those on items warm in the PROMO artifact (served by the base model, never tuned) except positives,
 * which the user stage appends to the user's history. The rest continue as a compact {@link Interaction},
 * labelled and valued.
 */
public final class DecodeAndValidate extends ProcessFunction<RawRecord, Interaction> {
  private static final long serialVersionUID = 1L;
  public static final String RECEIVED = "received";
  public static final String DEAD_LETTERED = "deadLettered";
  /** Valid events that left before the item stage: warm items and ignored labels. */
  public static final String SKIPPED = "skipped";
  /** Processing time of the first and of the last record received: throughput = received / (last - first). */
  public static final String FIRST_MS = "firstReceivedMs";
  public static final String LAST_MS = "lastReceivedMs";
  private final Configuration conf;
  private transient EventRules eventRules;
  private transient FeedbackRules rules;
  private transient AvroValueCodec<InteractionEvent> codec;
  private transient LoadedModels models;
  private transient boolean userStage;
  private transient Counter received;
  private transient Counter deadLettered;
  private transient Counter warmEvents;
  private transient Counter ignoredEvents;
  private transient LongCounter receivedTotal;
  private transient LongCounter deadLetteredTotal;
  private transient LongCounter skippedTotal;
  private transient LongMinimum firstMs;
  private transient LongMaximum lastMs;

  public DecodeAndValidate(Configuration conf) {
    this.conf = conf;
  }

  @Override
  public void open(OpenContext ctx) {
    eventRules = new EventRules(conf.get(PinnacleOptions.MAX_FUTURE).toMillis(),
        conf.get(PinnacleOptions.MAX_AGE).toMillis());
    rules = JobConfiguration.rules(conf);
    codec = Codecs.interactionEvent();
    models = LoadedModels.acquire(conf, Device.cpu());
    userStage = conf.get(PinnacleOptions.USERS_ENABLED);
    var metrics = getRuntimeContext().getMetricGroup();
    received = metrics.counter(RECEIVED);
    deadLettered = metrics.counter(DEAD_LETTERED);
    warmEvents = metrics.counter("warmItemEvents");
    ignoredEvents = metrics.counter("ignoredEvents");
    receivedTotal = new LongCounter();
    deadLetteredTotal = new LongCounter();
    skippedTotal = new LongCounter();
    firstMs = new LongMinimum();
    lastMs = new LongMaximum();
    getRuntimeContext().addAccumulator(RECEIVED, receivedTotal);
    getRuntimeContext().addAccumulator(DEAD_LETTERED, deadLetteredTotal);
    getRuntimeContext().addAccumulator(SKIPPED, skippedTotal);
    getRuntimeContext().addAccumulator(FIRST_MS, firstMs);
    getRuntimeContext().addAccumulator(LAST_MS, lastMs);
  }

  @Override
  public void processElement(RawRecord r, Context ctx, Collector<Interaction> out) {
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
    String reason = eventRules.check(e, now);
    if (reason != null) {
      refuse(r, reason, "eventId=" + e.getEventId() + " userId=" + e.getUserId() + " itemId=" + e.getItemId(), now,
          ctx);
      return;
    }
    Label label = rules.label(e);
    if (label == Label.IGNORED) {
      ignoredEvents.inc();
      skippedTotal.add(1);
      return;
    }
    boolean positive = label == Label.POSITIVE;
    boolean warm = models.warm(e.getItemId());
    // A warm item's positive still extends the user's history (when the user stage runs); nothing else of it does.
    if (warm && !(positive && userStage)) {
      warmEvents.inc();
      skippedTotal.add(1);
      return;
    }
    Interaction out1 = new Interaction(e.getItemId(), e.getUserId(), e.getEventTimeMs(), r.kafkaTimestampMs,
        Interaction.hash(e.getEventId()), positive, positive ? (float) rules.pinnacleValue(e) : 0f, r.partition,
        r.offset);
    out1.tunable = !warm;
    out.collect(out1);
  }

  private void refuse(RawRecord r, String reason, String detail, long now, Context ctx) {
    deadLettered.inc();
    deadLetteredTotal.add(1);
    ctx.output(DeadLetters.TAG, DeadLetters.of(r, reason, detail, now));
  }

  @Override
  public void close() throws Exception {
    if (models != null) {
      models.close();
      models = null;
    }
    super.close();
  }
}
