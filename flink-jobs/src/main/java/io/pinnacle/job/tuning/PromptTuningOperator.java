package io.pinnacle.job.tuning;

import ai.djl.Device;
import io.pinnacle.data.FeedbackRules;
import io.pinnacle.data.Label;
import io.pinnacle.feedback.ItemFeedbackState;
import io.pinnacle.job.ingest.ValidEvent;
import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.schema.InteractionEvent;
import io.pinnacle.schema.ItemEmbedding;
import io.pinnacle.schema.Phase;
import io.pinnacle.schema.codec.AvroValueCodec;
import io.pinnacle.schema.codec.Codecs;
import io.pinnacle.tuning.ItemTuningInput;
import io.pinnacle.tuning.PromptState;
import io.pinnacle.tuning.PromptTuner;
import io.pinnacle.tuning.TuningInputs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Keyed by item id, owns all per-item state (one {@link ItemState} value per item) and tunes dirty cold items in
 * micro-batches through the JVM's shared {@link PromptTuner}: when {@code batch-size} items are dirty, when the
 * max-delay timer fires, and always before a checkpoint barrier and at end of input, so a checkpoint never holds a
 * half-applied batch (the dirty set is empty at every barrier, which is why it need not be checkpointed). During a
 * flush each item's state is read and written under its own key. An item idle for the state TTL is removed by a
 * keyed processing-time timer.
 */
public final class PromptTuningOperator extends AbstractStreamOperator<ItemEmbedding>
    implements OneInputStreamOperator<ValidEvent, ItemEmbedding>, Triggerable<Long, VoidNamespace> {
  private static final long serialVersionUID = 1L;
  public static final String PROCESSED = "processed";
  public static final String EMITTED = "emitted";
  /** Mean serialized state of a cold item, sampled at each of its updates. */
  public static final String STATE_BYTES = "stateBytesPerColdItem";
  private static final String IDLE_TIMERS = "idle";
  /** Periodic pinnacle-memory retention reports (to the retention topic). */
  public static final org.apache.flink.util.OutputTag<io.pinnacle.schema.PinnacleRetention> RETENTION =
      new org.apache.flink.util.OutputTag<>("retention") {};
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PromptTuningOperator.class);

  private final TuningSettings settings;
  private final FeedbackRules rules;
  private transient ValueState<byte[]> itemState;
  private transient InternalTimerService<VoidNamespace> idleTimers;
  private transient LinkedHashSet<Long> dirty;
  private transient boolean flushScheduled;
  private transient LoadedModels models;
  private transient AvroValueCodec<InteractionEvent> codec;
  private transient PromoConfig promoConfig;
  private transient int coldThreshold;
  private transient Counter processedCounter;
  private transient Counter updatesCounter;
  private transient io.pinnacle.retention.RetentionTracker tracker;
  private transient io.pinnacle.retention.RetentionStats retentionTotal;
  private transient io.pinnacle.retention.RetentionStats retentionWindow;
  private transient long windowStartMs;
  private transient Counter trackedCounter;
  private transient Counter correctCounter;
  private transient Counter memorizedCounter;
  private transient Counter forgottenCounter;
  private transient Counter alertCounter;
  private transient LongCounter processed;
  private transient LongCounter emitted;
  private transient org.apache.flink.api.common.accumulators.AverageAccumulator stateBytes;

  public PromptTuningOperator(TuningSettings settings, FeedbackRules rules) {
    this.settings = settings;
    this.rules = rules;
  }

  @Override
  public void open() throws Exception {
    super.open();
    itemState = getPartitionedState(new ValueStateDescriptor<>("item", byte[].class));
    idleTimers = getInternalTimerService(IDLE_TIMERS, VoidNamespaceSerializer.INSTANCE, this);
    dirty = new LinkedHashSet<>();
    codec = Codecs.interactionEvent();
    Device device = DeviceChooser.choose(getRuntimeContext().getExternalResourceInfos(DeviceChooser.RESOURCE),
        getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
    // The network's shape comes from the PROMO artifact; k, the losses and the tuning rate from the job settings.
    models = LoadedModels.acquire(settings.baseArtifact(), settings.promoArtifact(), trained ->
        new PromoConfig(trained.dim(), settings.k(), settings.recentSamples(), trained.layers(),
            settings.lambda1(), settings.lambda2(), trained.learningRate(), settings.learningRate(),
            trained.loggedNegativeShare(), trained.pinnacleMode(), trained.sharedPrompt(), trained.warmPool(),
            trained.promptEpochs(), trained.batchItems(), trained.evalEvery(), trained.patience(), trained.seed()),
        device);
    promoConfig = models.tuner.config();
    coldThreshold = settings.coldThreshold() > 0 ? settings.coldThreshold() : models.promo.metadata().coldThreshold();
    processedCounter = getMetricGroup().counter("eventsProcessed");
    updatesCounter = getMetricGroup().counter("itemUpdates");
    tracker = new io.pinnacle.retention.RetentionTracker(settings.retentionSampleRate(),
        settings.retentionMaxPerItem(), 10, 100, 99L, models.catalogueIds, models.catalogue);
    retentionTotal = new io.pinnacle.retention.RetentionStats();
    retentionWindow = new io.pinnacle.retention.RetentionStats();
    var group = getMetricGroup().addGroup("pinnacle_retention");
    trackedCounter = group.counter("tracked");
    correctCounter = group.counter("correct_at_t0");
    memorizedCounter = group.counter("memorized");
    forgottenCounter = group.counter("forgotten");
    alertCounter = group.counter("alerts");
    for (int b = 0; b < io.pinnacle.retention.RetentionStats.BUCKETS; b++) {
      int bucket = b;
      String name = "rate_negatives_" + io.pinnacle.retention.RetentionStats.label(b).replace(">=", "ge")
          .replace('-', '_');
      group.gauge(name, (org.apache.flink.metrics.Gauge<Double>) () -> retentionTotal.rate(bucket));
    }
    windowStartMs = getProcessingTimeService().getCurrentProcessingTime();
    scheduleRetentionReport(windowStartMs + settings.retentionWindowMs());
    processed = new LongCounter();
    emitted = new LongCounter();
    getRuntimeContext().addAccumulator(PROCESSED, processed);
    getRuntimeContext().addAccumulator(EMITTED, emitted);
    stateBytes = new org.apache.flink.api.common.accumulators.AverageAccumulator();
    getRuntimeContext().addAccumulator(STATE_BYTES, stateBytes);
  }

  @Override
  public void processElement(StreamRecord<ValidEvent> element) throws Exception {
    ValidEvent v = element.getValue();
    processed.add(1);
    processedCounter.inc();
    InteractionEvent e;
    try {
      e = codec.decode(v.raw.value);
    } catch (IOException ex) {
      throw new IllegalStateException("event " + v.eventId + " decoded upstream but not here", ex);
    }
    long now = getProcessingTimeService().getCurrentProcessingTime();
    ItemState st = load(e.getItemId());
    st.lastActivityMs = now;
    st.lastEventTimeMs = Math.max(st.lastEventTimeMs, e.getEventTimeMs());
    st.lastIngestMs = Math.max(st.lastIngestMs, v.raw.kafkaTimestampMs);
    Label label = rules.label(e);
    if (st.feedback == null) {
      // Warm or graduated: counters only.
      if (label == Label.POSITIVE) {
        st.positiveCount++;
      } else if (label == Label.NEGATIVE) {
        st.negativeCount++;
      }
    } else if (label != Label.IGNORED) {
      float[] vec = models.base.userVector(e.getUserId());
      if (label == Label.POSITIVE) {
        st.feedback.positive(e.getUserId(), (float) rules.pinnacleValue(e), e.getEventTimeMs());
        startTracking(st, e.getItemId(), e.getUserId(), vec);
      } else {
        st.feedback.negative(e.getUserId(), e.getEventTimeMs());
      }
      if (vec != null) {
        st.vectors.put(e.getUserId(), vec);
      }
      st.pruneVectors();
      st.dirty = true;
      dirty.add(e.getItemId());
    }
    itemState.update(st.toBytes());
    long ttl = settings.stateTtlMs();
    long granularity = Math.max(1, ttl / 8);
    idleTimers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, ((now + ttl) / granularity + 1) * granularity);
    if (dirty.size() >= settings.batchSize()) {
      flush(false);
    } else if (!dirty.isEmpty() && !flushScheduled) {
      flushScheduled = true;
      getProcessingTimeService().registerTimer(now + settings.maxDelayMs(), t -> {
        flushScheduled = false;
        flush(false);
      });
    }
  }

  /** Follows (user, item) from now if the user just entered the pinnacle set and the pair is sampled. */
  private void startTracking(ItemState st, long item, long user, float[] userVector) {
    if (userVector == null || !st.feedback.pinnacle().contains(user)) {
      return;
    }
    for (io.pinnacle.retention.TrackedPair p : st.tracked) {
      if (p.userId() == user) {
        return;
      }
    }
    if (tracker.sampled(item, user, st.tracked.size())) {
      float[] current = st.lastEmbedding != null ? st.lastEmbedding : models.base.itemEmbedding(item);
      if (current == null) {
        current = new float[promoConfig.dim()];
      }
      io.pinnacle.retention.RetentionStats delta = new io.pinnacle.retention.RetentionStats();
      st.tracked.add(tracker.start(item, user, userVector, st.negatives(), current, delta));
      record(delta);
    }
  }

  private void record(io.pinnacle.retention.RetentionStats delta) {
    retentionTotal.add(delta);
    retentionWindow.add(delta);
    trackedCounter.inc(delta.trackedCount());
    correctCounter.inc(delta.correctAtT0Count());
    memorizedCounter.inc(delta.memorizedTotal());
    forgottenCounter.inc(delta.forgottenTotal());
  }

  private void scheduleRetentionReport(long at) {
    getProcessingTimeService().registerTimer(at, t -> {
      reportRetention(t);
      scheduleRetentionReport(t + settings.retentionWindowMs());
    });
  }

  /** Emits the window's report (when anything happened) and checks the alert floor on the running totals. */
  void reportRetention(long now) {
    if (retentionWindow.trackedCount() > 0 || retentionWindow.memorizedTotal() + retentionWindow.forgottenTotal() > 0) {
      output.collect(RETENTION, new StreamRecord<>(retentionWindow.toReport("promo", windowStartMs, now), now));
    }
    retentionWindow = new io.pinnacle.retention.RetentionStats();
    windowStartMs = now;
    for (int b = 0; b < io.pinnacle.retention.RetentionStats.BUCKETS; b++) {
      long n = retentionTotal.memorized(b) + retentionTotal.forgotten(b);
      if (n >= settings.retentionAlertMinSamples() && retentionTotal.rate(b) < settings.retentionAlertFloor()) {
        alertCounter.inc();
        LOG.warn(String.format("pinnacle memory retention %.3f for pairs with %s negatives since t0 (%d evaluated) "
                + "is below the floor %.2f", retentionTotal.rate(b), io.pinnacle.retention.RetentionStats.label(b), n,
            settings.retentionAlertFloor()));
      }
    }
  }

  private ItemState load(long itemId) throws IOException {
    byte[] b = itemState.value();
    if (b != null) {
      return ItemState.fromBytes(b);
    }
    ItemState st = new ItemState();
    st.positiveCount = models.promo.trainPositives(itemId);
    if (st.positiveCount >= coldThreshold) {
      st.phase = Phase.WARM;
    } else {
      st.phase = Phase.COLD;
      st.feedback = new ItemFeedbackState(promoConfig.k(), promoConfig.pinnacleMode(), settings.recentSamples(),
          promoConfig.seed() * 31 + itemId);
      float[] init = models.promo.globals().get(io.pinnacle.prompt.PromoGlobals.PROMPT_INIT).data();
      st.prompt = PromptState.initial(init);
    }
    return st;
  }

  /** Tunes the dirty items that are due ({@code force}: all of them) as one batch and emits their embeddings. */
  void flush(boolean force) throws Exception {
    if (dirty.isEmpty()) {
      return;
    }
    Object previousKey = getCurrentKey();
    long now = getProcessingTimeService().getCurrentProcessingTime();
    List<Long> keys = new ArrayList<>();
    List<ItemState> states = new ArrayList<>();
    List<ItemTuningInput> inputs = new ArrayList<>();
    for (Iterator<Long> it = dirty.iterator(); it.hasNext(); ) {
      long item = it.next();
      setCurrentKey(item);
      byte[] b = itemState.value();
      if (b == null) {
        it.remove(); // expired meanwhile
        continue;
      }
      ItemState st = ItemState.fromBytes(b);
      boolean graduating = st.positives() >= coldThreshold;
      if (!force && !graduating && now - st.lastTunedMs < settings.minItemIntervalMs()) {
        continue; // hot item: stays dirty until its interval has passed
      }
      it.remove();
      keys.add(item);
      states.add(st);
      inputs.add(input(item, st));
    }
    if (!inputs.isEmpty()) {
      PromptTuner.Result r = models.tuner.tune(inputs, settings.adamSteps());
      for (int j = 0; j < keys.size(); j++) {
        long item = keys.get(j);
        ItemState st = states.get(j);
        setCurrentKey(item);
        st.prompt = r.states().get(j);
        st.updateSeq++;
        st.lastTunedMs = now;
        st.dirty = false;
        boolean graduating = st.positives() >= coldThreshold;
        ItemEmbedding out = embedding(item, st, r.embeddings()[j], graduating ? Phase.GRADUATED : Phase.COLD, now,
            r);
        if (!st.tracked.isEmpty()) {
          io.pinnacle.retention.RetentionStats delta = new io.pinnacle.retention.RetentionStats();
          tracker.afterUpdate(item, st.tracked, r.embeddings()[j], st.negatives(), delta);
          record(delta);
        }
        st.lastEmbedding = r.embeddings()[j];
        if (graduating) {
          st.graduate();
        }
        byte[] bytes = st.toBytes();
        if (!graduating) {
          stateBytes.add(bytes.length);
        }
        itemState.update(bytes);
        output.collect(new StreamRecord<>(out, st.lastEventTimeMs));
        emitted.add(1);
        updatesCounter.inc();
      }
    }
    if (previousKey != null) {
      setCurrentKey(previousKey);
    }
    if (!dirty.isEmpty() && !flushScheduled) {
      flushScheduled = true;
      getProcessingTimeService().registerTimer(now + Math.max(1, settings.maxDelayMs()), t -> {
        flushScheduled = false;
        flush(false);
      });
    }
  }

  private ItemTuningInput input(long item, ItemState st) {
    float[] base = models.base.itemEmbedding(item);
    if (base == null) {
      base = new float[promoConfig.dim()];
    }
    SplittableRandom rnd = new SplittableRandom(item * 1_000_003L + st.updateSeq);
    long[] randomUsers = new long[settings.randomNegatives()];
    for (int j = 0; j < randomUsers.length; j++) {
      randomUsers[j] = models.userIds[rnd.nextInt(models.userIds.length)];
    }
    ItemState state = st;
    return TuningInputs.fromState(item, base, st.feedback, models.pseudoPinnacle(models.base.itemEmbedding(item)),
        st.prompt, u -> {
          float[] v = state.vectors.get(u);
          return v != null ? v : models.base.userVector(u);
        }, models.warmPool, randomUsers);
  }

  private ItemEmbedding embedding(long item, ItemState st, float[] vector, Phase phase, long now,
                                  PromptTuner.Result r) {
    List<Float> emb = new ArrayList<>(vector.length);
    for (float x : vector) {
      emb.add(x);
    }
    return ItemEmbedding.newBuilder()
        .setItemId(item)
        .setEmbedding(emb)
        .setBaseModelVersion(models.base.version())
        .setUpdateSeq(st.updateSeq)
        .setPhase(phase)
        .setPositiveCount(st.positives())
        .setNegativeCount(st.negatives())
        .setPinnacleCount(st.feedback == null ? 0 : st.feedback.pinnacle().size())
        .setLastEventTimeMs(st.lastEventTimeMs)
        .setEmittedAtMs(now)
        .setLastIngestMs(st.lastIngestMs)
        .setRecLoss(Float.isNaN(r.rec()) ? null : r.rec())
        .setPfpeLoss(Float.isNaN(r.pfpe()) ? null : r.pfpe())
        .setPapeLoss(Float.isNaN(r.pape()) ? null : r.pape())
        .build();
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    flush(true);
  }

  @Override
  public void finish() throws Exception {
    flush(true);
    reportRetention(getProcessingTimeService().getCurrentProcessingTime());
    super.finish();
  }

  @Override
  public void onProcessingTime(InternalTimer<Long, VoidNamespace> timer) throws Exception {
    byte[] b = itemState.value();
    if (b == null) {
      return;
    }
    ItemState st = ItemState.fromBytes(b);
    if (timer.getTimestamp() - st.lastActivityMs >= settings.stateTtlMs()) {
      itemState.clear();
      dirty.remove(timer.getKey());
    }
  }

  @Override
  public void onEventTime(InternalTimer<Long, VoidNamespace> timer) {
    // no event-time timers
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
