package io.pinnacle.job.tuning;

import io.pinnacle.job.batch.MicroBatchTrigger;
import io.pinnacle.job.models.DeviceChooser;
import io.pinnacle.job.models.LoadedModels;
import ai.djl.Device;
import io.pinnacle.feedback.Label;
import io.pinnacle.job.config.PinnacleOptions;
import io.pinnacle.job.ingest.DeadLetters;
import io.pinnacle.job.ingest.Interaction;
import io.pinnacle.job.output.Embeddings;
import io.pinnacle.job.retention.RetentionMonitor;
import io.pinnacle.job.state.ItemStateStore;
import io.pinnacle.job.targeting.TargetingMonitor;
import io.pinnacle.retention.RetentionStats;
import io.pinnacle.schema.ItemEmbedding;
import io.pinnacle.schema.ItemFeatures;
import io.pinnacle.schema.Phase;
import io.pinnacle.schema.PinnacleRetention;
import io.pinnacle.schema.PinnacleTargeting;
import io.pinnacle.targeting.TargetingStats;
import io.pinnacle.tuning.ColdItemUpdater;
import io.pinnacle.tuning.ItemState;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import org.apache.flink.api.common.accumulators.AverageAccumulator;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * The item stage, keyed by item id, with the item catalog as its second input (content features of items the base
 * never saw: {@link ColdItemUpdater#describe}). De-duplicates, feeds each event to the {@link ColdItemUpdater} and tunes dirty
 * cold items in micro-batches ({@link MicroBatchTrigger}; always before a checkpoint barrier and at the end of
 * input, so the dirty set is empty at every barrier and need not be checkpointed). Item states live in a heap
 * write-back cache ({@link ItemStateStore}) in front of RocksDB. One processing-time timer per item expires idle
 * items: cold ones after {@code pinnacle.state.ttl}, warm and graduated ones (counters and {@code updateSeq}) after
 * the much longer {@code pinnacle.state.counters-ttl}. In reproducible mode a dirty item is tuned
 * before its next event is applied, so no tuning step depends on when its batch ran.
 */
public final class ItemUpdateOperator extends AbstractStreamOperator<ItemEmbedding>
    implements TwoInputStreamOperator<Interaction, ItemFeatures, ItemEmbedding>, Triggerable<Long, VoidNamespace> {
  private static final long serialVersionUID = 1L;
  public static final String PROCESSED = "processed";
  public static final String EMITTED = "emitted";
  public static final String DUPLICATES = "duplicates";
  /** Mean encoded state of a cold item when written to the backend. */
  public static final String STATE_BYTES = "stateBytesPerColdItem";
  public static final OutputTag<PinnacleRetention> RETENTION = new OutputTag<>("retention") {};
  public static final OutputTag<PinnacleTargeting> TARGETING = new OutputTag<>("targeting") {};
  /** Changed states written back per event (more than enough: an event changes at most one state). */
  private static final int WRITE_BACKS_PER_EVENT = 2;

  private final Configuration conf;
  private transient LoadedModels models;
  private transient ColdItemUpdater updater;
  private transient ItemStateStore store;
  private transient LinkedHashSet<Long> dirty;
  private transient MicroBatchTrigger trigger;
  private transient InternalTimerService<VoidNamespace> idleTimers;
  private transient RetentionMonitor retention;
  private transient RetentionStats delta;
  private transient TargetingMonitor targeting;
  private transient TargetingStats targetingDelta;
  private transient String inputTopic;
  private transient long ttlMs;
  private transient long countersTtlMs;
  private transient long minIntervalMs;
  private transient long windowMs;
  private transient long writeBackAfterMs;
  private transient boolean reproducible;
  private static final int HISTOGRAM_WINDOW = 10_000;
  private transient Histogram freshnessMs;
  private transient Histogram tuningMs;
  private transient Histogram batchItems;
  private transient Counter processedCounter;
  private transient Counter updatesCounter;
  private transient Counter duplicatesCounter;
  private transient Counter catalogCounter;
  private transient LongCounter processed;
  private transient LongCounter emitted;
  private transient LongCounter duplicates;
  private transient AverageAccumulator stateBytes;

  public ItemUpdateOperator(Configuration conf) {
    this.conf = conf;
  }

  @Override
  public void open() throws Exception {
    super.open();
    Device device = DeviceChooser.choose(getRuntimeContext().getExternalResourceInfos(DeviceChooser.RESOURCE),
        getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
    models = LoadedModels.acquire(conf, device);
    updater = new ColdItemUpdater(models.updaterConfig(), models);
    dirty = new LinkedHashSet<>();
    store = new ItemStateStore(getPartitionedState(new ValueStateDescriptor<>("item",
        BytePrimitiveArraySerializer.INSTANCE)), updater, conf.get(PinnacleOptions.CACHE_ITEMS),
        new ItemStateStore.KeyContext() {
          @Override
          public Object currentKey() {
            return getCurrentKey();
          }

          @Override
          public void setCurrentKey(Object key) {
            ItemUpdateOperator.this.setCurrentKey(key);
          }
        }, dirty::contains);
    trigger = new MicroBatchTrigger(conf.get(PinnacleOptions.BATCH_SIZE),
        conf.get(PinnacleOptions.MAX_DELAY).toMillis(), getProcessingTimeService(), this::flushDue);
    idleTimers = getInternalTimerService("idle", VoidNamespaceSerializer.INSTANCE, this);
    inputTopic = conf.get(PinnacleOptions.TOPIC_INTERACTIONS);
    ttlMs = conf.get(PinnacleOptions.STATE_TTL).toMillis();
    countersTtlMs = conf.get(PinnacleOptions.COUNTERS_TTL).toMillis();
    minIntervalMs = conf.get(PinnacleOptions.MIN_ITEM_INTERVAL).toMillis();
    writeBackAfterMs = conf.get(PinnacleOptions.WRITE_BACK_AFTER).toMillis();
    reproducible = conf.get(PinnacleOptions.REPRODUCIBLE);
    windowMs = Math.max(1, conf.get(PinnacleOptions.RETENTION_WINDOW).toMillis());
    long now = getProcessingTimeService().getCurrentProcessingTime();
    retention = new RetentionMonitor(getMetricGroup(), new RetentionMonitor.Alert(
        conf.get(PinnacleOptions.RETENTION_ALERT_FLOOR), conf.get(PinnacleOptions.RETENTION_ALERT_MIN_SAMPLES)), now);
    delta = new RetentionStats();
    targeting = new TargetingMonitor(getMetricGroup(), now);
    targetingDelta = new TargetingStats();
    scheduleRetentionReport(now + windowMs);
    // Freshness (newest event's ingest time to emission) and tuning time as the job's own histograms, for any
    // reporter (Prometheus exports them as summaries with quantiles).
    MetricGroup latency = getMetricGroup().addGroup("pinnacle_latency");
    freshnessMs = latency.histogram("freshness_ms", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
    tuningMs = latency.histogram("tuning_ms", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
    batchItems = latency.histogram("batch_items", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
    processedCounter = getMetricGroup().counter("eventsProcessed");
    updatesCounter = getMetricGroup().counter("itemUpdates");
    duplicatesCounter = getMetricGroup().counter("duplicates");
    catalogCounter = getMetricGroup().counter("catalogEntries");
    getMetricGroup().gauge("statesMigrated", store::migrated);
    getMetricGroup().gauge("nonFiniteUpdates", updater::nonFiniteUpdates);
    getMetricGroup().gauge("failedUpdates", updater::failedUpdates);
    getMetricGroup().gauge("cachedItems", store::size);
    getMetricGroup().gauge("stateLoads", store::loads);
    getMetricGroup().gauge("stateWrites", store::writes);
    processed = new LongCounter();
    emitted = new LongCounter();
    duplicates = new LongCounter();
    stateBytes = new AverageAccumulator();
    getRuntimeContext().addAccumulator(PROCESSED, processed);
    getRuntimeContext().addAccumulator(EMITTED, emitted);
    getRuntimeContext().addAccumulator(DUPLICATES, duplicates);
    getRuntimeContext().addAccumulator(STATE_BYTES, stateBytes);
  }

  @Override
  public void processElement1(StreamRecord<Interaction> element) throws Exception {
    Interaction e = element.getValue();
    long item = e.itemId;
    long now = getProcessingTimeService().getCurrentProcessingTime();
    processed.add(1);
    processedCounter.inc();
    if (reproducible && dirty.contains(item)) {
      // The item's pending step must see the state its dirtying event left, not this event too.
      flush(true);
    }
    ItemStateStore.Loaded loaded = store.load(item);
    ItemState s = loaded.state();
    // A state adopted from other artifacts is re-tuned even if this event changes nothing.
    boolean becameDirty = loaded.needsUpdate() && dirty.add(item);
    if (s == null) {
      s = updater.newItem(item);
      store.put(item, s, true, now);
      idleTimers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, now + ttlMs);
    }
    if (!updater.firstSeen(s, e.eventHash)) {
      duplicates.add(1);
      duplicatesCounter.inc();
      output.collect(DeadLetters.TAG, new StreamRecord<>(DeadLetters.duplicate(inputTopic, e, now)));
      store.modified(item, now);
      if (becameDirty) {
        trigger.dirty();
      }
      return;
    }
    s.lastActivityMs = now;
    s.lastIngestMs = Math.max(s.lastIngestMs, e.ingestMs);
    boolean changed = updater.observe(s, new ColdItemUpdater.Observation(item, e.userId, e.userVector,
        e.positive ? Label.POSITIVE : Label.NEGATIVE, e.value, e.eventTimeMs, e.userLastPositiveMs, e.coLiked), delta,
        targetingDelta);
    store.modified(item, now);
    recordRetention();
    if (targetingDelta.totalPairs() > 0) {
      targeting.record(targetingDelta);
      targetingDelta = new TargetingStats();
    }
    if ((changed && dirty.add(item)) || becameDirty) {
      trigger.dirty();
    }
    if (writeBackAfterMs > 0) {
      store.writeBackOlderThan(now, writeBackAfterMs, WRITE_BACKS_PER_EVENT);
    }
  }

  /**
   * A catalog entry: an item the base never saw gets a starting embedding from its features. An item without state
   * gets one (and its idle timer), so that it is tuned, and has an embedding, before its first feedback.
   */
  @Override
  public void processElement2(StreamRecord<ItemFeatures> element) throws Exception {
    ItemFeatures f = element.getValue();
    long item = f.getItemId();
    long now = getProcessingTimeService().getCurrentProcessingTime();
    catalogCounter.inc();
    if (models.baseItemEmbedding(item) != null) {
      return; // the base embedding of a known item is better than anything content says
    }
    if (reproducible && dirty.contains(item)) {
      flush(true);
    }
    ItemStateStore.Loaded loaded = store.load(item);
    ItemState s = loaded.state();
    boolean becameDirty = loaded.needsUpdate() && dirty.add(item);
    if (s == null) {
      s = updater.newItem(item);
      s.lastActivityMs = now;
      store.put(item, s, true, now);
      idleTimers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, now + ttlMs);
    }
    int[] ids = new int[f.getFeatures().size()];
    for (int j = 0; j < ids.length; j++) {
      ids[j] = f.getFeatures().get(j);
    }
    if (updater.describe(s, item, ids)) {
      store.modified(item, now);
      becameDirty |= dirty.add(item);
    }
    if (becameDirty) {
      trigger.dirty();
    }
  }

  private void flushDue() {
    try {
      flush(false);
    } catch (Exception ex) {
      throw new IllegalStateException("micro-batch failed", ex);
    }
  }

  /** Tunes the dirty items that are due ({@code force}: all of them) as one batch and emits their embeddings. */
  void flush(boolean force) throws Exception {
    if (dirty.isEmpty()) {
      trigger.flushed(0);
      return;
    }
    long now = getProcessingTimeService().getCurrentProcessingTime();
    List<Long> ids = new ArrayList<>(dirty.size());
    List<ItemState> states = new ArrayList<>(dirty.size());
    for (Iterator<Long> it = dirty.iterator(); it.hasNext(); ) {
      long item = it.next();
      ItemState s = store.cached(item);
      if (s == null || !s.cold()) {
        it.remove();
        continue;
      }
      boolean graduating = s.positives() >= updater.config().coldThreshold();
      if (!force && !reproducible && !graduating && now - s.lastTunedMs < minIntervalMs) {
        continue; // a hot item waits for its interval
      }
      it.remove();
      ids.add(item);
      states.add(s);
    }
    long started = System.nanoTime();
    List<ColdItemUpdater.Update> updates = updater.tune(ids, states, now, delta);
    tuningMs.update((System.nanoTime() - started) / 1_000_000);
    batchItems.update(ids.size());
    for (ColdItemUpdater.Update u : updates) {
      store.modified(u.itemId(), now);
      // Stamped with the emission time, not the event's: a compacted topic's min.compaction.lag.ms then keeps the
      // recent updates however old the events are (a replay of last month's log).
      output.collect(new StreamRecord<>(Embeddings.of(u, models.baseVersion(), now), now));
      if (u.state().lastIngestMs > 0) {
        freshnessMs.update(Math.max(0, now - u.state().lastIngestMs));
      }
      emitted.add(1);
      updatesCounter.inc();
    }
    recordRetention();
    trigger.flushed(dirty.size());
  }

  private void recordRetention() {
    if (delta.trackedCount() > 0 || delta.memorizedTotal() + delta.forgottenTotal() > 0) {
      retention.record(delta);
      delta = new RetentionStats();
    }
  }

  private void scheduleRetentionReport(long at) {
    getProcessingTimeService().registerTimer(at, t -> {
      reportRetention(t);
      scheduleRetentionReport(t + windowMs);
    });
  }

  /** Closes the window of both live measures: retention of pinnacle memory and targeting. */
  private void reportRetention(long now) {
    PinnacleRetention report = retention.closeWindow(now);
    if (report != null) {
      output.collect(RETENTION, new StreamRecord<>(report, now));
    }
    PinnacleTargeting pairs = targeting.closeWindow(now);
    if (pairs != null) {
      output.collect(TARGETING, new StreamRecord<>(pairs, now));
    }
  }

  /**
   * One timer per item: expires an idle item, or moves itself to the item's new idle deadline. A cold item's
   * deadline is near; once it graduates (or when it was warm from the start) only its counters remain, which are
   * kept far longer, so that a graduated item does not soon restart cold, but not for ever.
   */
  @Override
  public void onProcessingTime(InternalTimer<Long, VoidNamespace> timer) throws Exception {
    long item = timer.getKey();
    ItemState s = store.load(item).state();
    if (s == null) {
      return;
    }
    long due = s.lastActivityMs + (s.phase == Phase.COLD ? ttlMs : countersTtlMs);
    if (timer.getTimestamp() >= due) {
      dirty.remove(item);
      store.remove(item);
    } else {
      idleTimers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, due);
    }
  }

  @Override
  public void onEventTime(InternalTimer<Long, VoidNamespace> timer) {
    // no event-time timers
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    flush(true);
    writeBack();
  }

  private void writeBack() throws Exception {
    store.writeBackAll();
    double mean = store.meanColdStateBytes();
    if (!Double.isNaN(mean)) {
      stateBytes.add(mean);
    }
  }

  @Override
  public void finish() throws Exception {
    flush(true);
    writeBack();
    reportRetention(getProcessingTimeService().getCurrentProcessingTime());
    super.finish();
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
