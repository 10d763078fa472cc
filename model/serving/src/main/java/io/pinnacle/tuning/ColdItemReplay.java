package io.pinnacle.tuning;

import io.pinnacle.feedback.Label;
import io.pinnacle.retention.RetentionStats;
import io.pinnacle.targeting.TargetingStats;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The stream replayed offline through {@link ColdItemUpdater}: states in a map, dirty items in arrival order, a
 * flush whenever {@code batchSize} items are dirty and at the end. Given the same events and flush points the
 * streaming operator produces the same embeddings (the operator flushes on the same count trigger, and also on a
 * timer and at checkpoint barriers).
 */
public final class ColdItemReplay {
  private final ColdItemUpdater updater;
  private final int batchSize;
  private final RetentionStats retention;
  private final TargetingStats targeting;
  private final Map<Long, ItemState> states = new HashMap<>();
  private final LinkedHashSet<Long> dirty = new LinkedHashSet<>();
  private final Map<Long, float[]> embeddings = new HashMap<>();
  private long updates;

  /** {@code retention} collects the retention measurement (null: none). */
  public ColdItemReplay(ColdItemUpdater updater, int batchSize, RetentionStats retention) {
    this(updater, batchSize, retention, null);
  }

  /** {@code targeting} collects the live targeting measure's pairs (null: none), as the job's item stage does. */
  public ColdItemReplay(ColdItemUpdater updater, int batchSize, RetentionStats retention, TargetingStats targeting) {
    this.updater = updater;
    this.batchSize = Math.max(1, batchSize);
    this.retention = retention;
    this.targeting = targeting;
  }

  /** An event without a user vector (looked up when tuning) or co-liked vector; returns the updates of a completed micro-batch. */
  public List<ColdItemUpdater.Update> accept(long itemId, long userId, Label label, float value, long eventTimeMs) {
    return accept(new ColdItemUpdater.Observation(itemId, userId, null, label, value, eventTimeMs, -1, null));
  }

  /** Applies one event as the job's item stage does; returns the updates of the micro-batch it completed, if any. */
  public List<ColdItemUpdater.Update> accept(ColdItemUpdater.Observation o) {
    long itemId = o.itemId();
    ItemState s = states.computeIfAbsent(itemId, updater::newItem);
    if (updater.observe(s, o, retention, targeting)) {
      dirty.add(itemId);
      if (dirty.size() >= batchSize) {
        return flush();
      }
    }
    return List.of();
  }

  /**
   * Takes an item's catalog features (as the job's catalog input does); an item whose start changed is tuned with
   * the next batch. Returns the updates of a batch this completed, if any.
   */
  public List<ColdItemUpdater.Update> describe(long itemId, int[] featureIds) {
    ItemState s = states.computeIfAbsent(itemId, updater::newItem);
    if (updater.describe(s, itemId, featureIds)) {
      dirty.add(itemId);
      if (dirty.size() >= batchSize) {
        return flush();
      }
    }
    return List.of();
  }

  /** The item's state (created as the job's item stage creates it); read-only use outside the replay. */
  public ItemState state(long itemId) {
    return states.computeIfAbsent(itemId, updater::newItem);
  }

  /** Every item state the replay holds. */
  public Map<Long, ItemState> states() {
    return Collections.unmodifiableMap(states);
  }

  /** Tunes every dirty item now and returns their updates. */
  public List<ColdItemUpdater.Update> flush() {
    if (dirty.isEmpty()) {
      return List.of();
    }
    List<Long> ids = new ArrayList<>(dirty);
    List<ItemState> batch = new ArrayList<>(ids.size());
    for (long id : ids) {
      batch.add(states.get(id));
    }
    dirty.clear();
    List<ColdItemUpdater.Update> out = updater.tune(ids, batch, 0L, retention);
    for (ColdItemUpdater.Update u : out) {
      embeddings.put(u.itemId(), u.embedding());
      updates++;
    }
    return out;
  }

  /** The last embedding emitted for each item that was tuned (graduated items keep their final one). */
  public Map<Long, float[]> embeddings() {
    return embeddings;
  }

  public long updates() {
    return updates;
  }
}
