package io.pinnacle.job.users;

import ai.djl.Device;
import io.pinnacle.job.config.PinnacleOptions;
import io.pinnacle.job.ingest.Interaction;
import io.pinnacle.job.ingest.InteractionSerializer;
import io.pinnacle.job.models.LoadedModels;
import io.pinnacle.job.batch.MicroBatchTrigger;
import io.pinnacle.schema.UserVector;
import io.pinnacle.schema.codec.FloatLists;
import io.pinnacle.schema.state.UserStateRecord;
import io.pinnacle.users.RecentItems;
import io.pinnacle.users.UserEncoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.accumulators.AverageAccumulator;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * The user stage, keyed by user id: keeps each user's recent positive items (RocksDB, bounded, expired when idle)
 * and attaches to every event on a tunable item the user's vector, encoded by the frozen base from the history
 * before that event, and to a positive the history's co-liked vector (the mean base embedding of its recent items).
 * Events can wait in a micro-batch ({@link MicroBatchTrigger}; by default of one event, since the encoder runs on
 * the JVM a history at a time; always flushed before a checkpoint barrier, a watermark and the end of input, so
 * nothing waits across a checkpoint). A warm item's positive only extends the history. A user first seen starts from
 * their history in the base artifact; a user with no item the base knows gets the artifact's frozen vector if
 * there is one, else no vector (counted: the item stage then uses the frozen lookup, which has none either).
 */
public final class UserVectorOperator extends AbstractStreamOperator<Interaction>
    implements OneInputStreamOperator<Interaction, Interaction>, Triggerable<Long, VoidNamespace> {
  private static final long serialVersionUID = 1L;
  public static final String ENCODED = "userVectorsEncoded";
  public static final String WITHOUT_VECTOR = "eventsWithoutUserVector";
  /** Warm-item positives that ended here after extending a history (they change no embedding). */
  public static final String LEFT = "leftAtUserStage";
  /** Every vector encoded here, for the user-vectors topic. */
  public static final OutputTag<UserVector> VECTORS = new OutputTag<>("user-vectors") {};
  /** Mean encoded size of a user's state when written. */
  public static final String STATE_BYTES = "stateBytesPerUser";
  /**
   * Users kept decoded on the heap with the vector of their latest encoded history (a user's negatives in a row need
   * one encoding, and an event no Avro decoding).
   */
  private static final int CACHE_USERS = 100_000;

  private final Configuration conf;
  private transient LoadedModels models;
  private transient UserEncoder encoder;
  private transient ValueState<byte[]> state;
  private transient UserStateCodec codec;
  private transient List<Pending> pending;
  private transient MicroBatchTrigger trigger;
  private transient InternalTimerService<VoidNamespace> idleTimers;
  private transient Map<Long, Cached> cache;
  private transient long ttlMs;
  private transient int historyLength;
  private transient boolean coLiked;
  private transient boolean publish;
  private transient Counter encodedCounter;
  private transient Counter withoutVectorCounter;
  private transient Counter expiredCounter;
  private transient LongCounter encoded;
  private transient LongCounter withoutVector;
  private transient LongCounter left;
  private transient AverageAccumulator stateBytes;

  private record Pending(StreamRecord<Interaction> record, long[] history) {}

  /**
   * A user's state as stored (written through to the keyed state on every change, so a restore never needs it) and
   * the vector of {@code encodedHistory}, the latest history encoded (null before the first).
   */
  private static final class Cached {
    final UserStateRecord state;
    long[] history;
    long[] encodedHistory;
    float[] vector;

    Cached(UserStateRecord state, long[] history) {
      this.state = state;
      this.history = history;
    }
  }

  public UserVectorOperator(Configuration conf) {
    this.conf = conf;
  }

  @Override
  public void open() throws Exception {
    super.open();
    models = LoadedModels.acquire(conf, Device.cpu());
    encoder = new UserEncoder(models.base);
    historyLength = encoder.maxLength();
    coLiked = conf.get(PinnacleOptions.SERVING_CO_LIKED);
    publish = conf.get(PinnacleOptions.USERS_PUBLISH);
    state = getPartitionedState(new ValueStateDescriptor<>("user", BytePrimitiveArraySerializer.INSTANCE));
    codec = new UserStateCodec();
    pending = new ArrayList<>();
    cache = new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, Cached> eldest) {
        return size() > CACHE_USERS;
      }
    };
    trigger = new MicroBatchTrigger(conf.get(PinnacleOptions.USERS_BATCH_SIZE),
        conf.get(PinnacleOptions.USERS_MAX_DELAY).toMillis(), getProcessingTimeService(), this::flush);
    idleTimers = getInternalTimerService("user-idle", VoidNamespaceSerializer.INSTANCE, this);
    ttlMs = conf.get(PinnacleOptions.USERS_TTL).toMillis();
    encodedCounter = getMetricGroup().counter("userVectorsEncoded");
    withoutVectorCounter = getMetricGroup().counter("eventsWithoutUserVector");
    expiredCounter = getMetricGroup().counter("usersExpired");
    encoded = new LongCounter();
    withoutVector = new LongCounter();
    getRuntimeContext().addAccumulator(ENCODED, encoded);
    getRuntimeContext().addAccumulator(WITHOUT_VECTOR, withoutVector);
    left = new LongCounter();
    getRuntimeContext().addAccumulator(LEFT, left);
    stateBytes = new AverageAccumulator();
    getRuntimeContext().addAccumulator(STATE_BYTES, stateBytes);
  }

  @Override
  public void processElement(StreamRecord<Interaction> element) throws Exception {
    Interaction e = element.getValue();
    long now = getProcessingTimeService().getCurrentProcessingTime();
    Cached c = cache.get(e.userId);
    boolean changed = false;
    if (c == null) {
      byte[] stored = state.value();
      if (stored == null) {
        long[] seed = models.base.recentItems(e.userId);
        c = new Cached(new UserStateRecord(boxed(seed), models.baseVersion(), now, true, -1L), seed);
        idleTimers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, now + ttlMs);
        changed = true;
      } else {
        UserStateRecord decoded = codec.decode(stored);
        c = new Cached(decoded, unboxed(decoded.getRecentItems()));
      }
      cache.put(e.userId, c);
    }
    UserStateRecord s = c.state;
    if (!s.getBaseModelVersion().equals(models.baseVersion())) {
      // Item ids outlive a base: the history is kept and encoded with the new base from here on.
      s.setBaseModelVersion(models.baseVersion());
      changed = true;
    }
    long[] history = c.history;
    e.userLastPositiveMs = s.getLastPositiveMs();
    if (e.positive) {
      c.history = RecentItems.append(history, e.itemId, historyLength);
      s.setRecentItems(boxed(c.history));
      s.setLastPositiveMs(Math.max(s.getLastPositiveMs(), e.eventTimeMs));
      changed = true;
    }
    // Activity is refreshed coarsely: expiry needs no precision and a write per event would double the cost.
    if (now - s.getLastActivityMs() > ttlMs / 16) {
      s.setLastActivityMs(now);
      changed = true;
    }
    if (changed) {
      byte[] bytes = codec.encode(s);
      stateBytes.add(bytes.length);
      state.update(bytes);
    }
    if (!e.tunable) {
      left.add(1);
    } else {
      // With object reuse the runtime refills this record for the next event: the batch keeps its own copy.
      Interaction copy = InteractionSerializer.INSTANCE.copy(e);
      pending.add(new Pending(element.hasTimestamp() ? new StreamRecord<>(copy, element.getTimestamp())
          : new StreamRecord<>(copy), history));
      trigger.dirty();
    }
  }

  /** Encodes the waiting events' histories in one pass and sends the events on with their vectors. */
  void flush() {
    if (pending.isEmpty()) {
      trigger.flushed(0);
      return;
    }
    List<Pending> batch = pending;
    pending = new ArrayList<>();
    Map<Long, Integer> slotOfUser = new HashMap<>();
    List<long[]> toEncode = new ArrayList<>();
    float[][] vectors = new float[batch.size()][];
    int[] slot = new int[batch.size()];
    for (int j = 0; j < batch.size(); j++) {
      Pending p = batch.get(j);
      long user = p.record().getValue().userId;
      Cached c = cache.get(user);
      if (c != null && c.vector != null && Arrays.equals(c.encodedHistory, p.history())) {
        vectors[j] = c.vector;
        slot[j] = -1;
        continue;
      }
      Integer same = slotOfUser.get(user);
      if (same != null && Arrays.equals(toEncode.get(same), p.history())) {
        slot[j] = same;
        continue;
      }
      slotOfUser.put(user, toEncode.size());
      slot[j] = toEncode.size();
      toEncode.add(p.history());
    }
    float[][] fresh = toEncode.isEmpty() ? new float[0][] : encoder.encode(toEncode);
    long now = getProcessingTimeService().getCurrentProcessingTime();
    encoded.add(toEncode.size());
    encodedCounter.inc(toEncode.size());
    for (int j = 0; j < batch.size(); j++) {
      Pending p = batch.get(j);
      Interaction e = p.record().getValue();
      float[] v = slot[j] >= 0 ? fresh[slot[j]] : vectors[j];
      Cached c = cache.get(e.userId);
      if (slot[j] >= 0 && v != null && c != null && c.vector != v) {
        c.encodedHistory = p.history();
        c.vector = v;
        if (publish) {
          output.collect(VECTORS, new StreamRecord<>(published(e.userId, v, p.history().length, c.state, now), now));
        }
      }
      e.userVector = v != null ? v : models.get(e.userId);
      e.coLiked = e.positive && coLiked ? encoder.coLiked(p.history()) : null;
      if (e.userVector == null) {
        withoutVector.add(1);
        withoutVectorCounter.inc();
      }
      output.collect(p.record());
    }
    trigger.flushed(0);
  }

  private UserVector published(long userId, float[] v, int historyLength, UserStateRecord s, long now) {
    return new UserVector(userId, FloatLists.boxed(v), models.baseVersion(), historyLength, s.getLastPositiveMs(),
        now);
  }

  private static List<Long> boxed(long[] items) {
    List<Long> out = new ArrayList<>(items.length);
    for (long x : items) {
      out.add(x);
    }
    return out;
  }

  private static long[] unboxed(List<Long> items) {
    long[] out = new long[items.size()];
    for (int j = 0; j < out.length; j++) {
      out[j] = items.get(j);
    }
    return out;
  }

  /** One timer per user: clears an idle user's history, or moves itself to the user's new idle deadline. */
  @Override
  public void onProcessingTime(InternalTimer<Long, VoidNamespace> timer) throws Exception {
    Cached c = cache.get(timer.getKey());
    long lastActivityMs;
    if (c != null) {
      lastActivityMs = c.state.getLastActivityMs();
    } else {
      byte[] stored = state.value();
      if (stored == null) {
        return;
      }
      lastActivityMs = codec.decode(stored).getLastActivityMs();
    }
    long due = lastActivityMs + ttlMs;
    if (timer.getTimestamp() >= due) {
      state.clear();
      cache.remove(timer.getKey());
      expiredCounter.inc();
    } else {
      idleTimers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, due);
    }
  }

  @Override
  public void onEventTime(InternalTimer<Long, VoidNamespace> timer) {
    // no event-time timers
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    flush();
    super.processWatermark(mark);
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    flush();
  }

  @Override
  public void finish() throws Exception {
    flush();
    super.finish();
  }

  @Override
  public void close() throws Exception {
    if (encoder != null) {
      encoder.close();
      encoder = null;
    }
    if (models != null) {
      models.close();
      models = null;
    }
    super.close();
  }
}
