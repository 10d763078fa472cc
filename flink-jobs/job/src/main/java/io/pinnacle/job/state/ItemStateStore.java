package io.pinnacle.job.state;

import io.pinnacle.tuning.ColdItemUpdater;
import io.pinnacle.tuning.ItemState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;
import org.apache.flink.api.common.state.ValueState;

/**
 * A bounded heap write-back cache over the item stage's keyed {@link ValueState}: an item is decoded once when it
 * is first touched, then read and changed on the heap, and encoded back to the state backend on eviction, a while
 * after its first change ({@link #writeBackOlderThan}, a few per event, so that a checkpoint barrier finds little left
 * to write and does not stall the stream) and before every checkpoint barrier ({@link #writeBackAll}) — not on every
 * event. Pinned items (those waiting to be tuned) are never evicted. The keyed state can only be reached under its key, so the store switches the operator's
 * current key for evictions and write-backs and then restores it.
 */
public final class ItemStateStore {
  private final ValueState<byte[]> backend;
  private final ItemStateCodec codec = new ItemStateCodec();
  private final ColdItemUpdater updater;
  private final int capacity;
  private final KeyContext keys;
  private final LongPredicate pinned;
  private final Map<Long, Entry> cache = new LinkedHashMap<>(16, 0.75f, true);
  /** Changed, not yet written states, in order of their first change since their last write. */
  private final LinkedHashSet<Long> changed = new LinkedHashSet<>();
  private long loads;
  private long writes;
  private long migrated;
  private long bytesWritten;
  private long coldWrites;

  /** Switches the operator's current key. */
  public interface KeyContext {
    Object currentKey();

    void setCurrentKey(Object key);
  }

  private static final class Entry {
    final ItemState state;
    boolean modified;
    long modifiedAtMs;

    Entry(ItemState state) {
      this.state = state;
    }
  }

  /** What {@link #load} found: the state (null when there is none), and whether it needs a fresh update. */
  public record Loaded(ItemState state, boolean needsUpdate) {}

  public ItemStateStore(ValueState<byte[]> backend, ColdItemUpdater updater, int capacity, KeyContext keys,
                        LongPredicate pinned) {
    this.backend = backend;
    this.updater = updater;
    this.capacity = Math.max(1, capacity);
    this.keys = keys;
    this.pinned = pinned;
  }

  /**
   * The current key's state, from the heap or the backend. A state built with other artifacts is adopted
   * ({@link ColdItemUpdater#adopt}); {@code needsUpdate} then asks for a re-tune so consumers get an embedding made
   * with the current models.
   */
  public Loaded load(long itemId) throws IOException {
    Entry e = cache.get(itemId);
    if (e != null) {
      return new Loaded(e.state, false);
    }
    byte[] bytes = backend.value();
    if (bytes == null) {
      return new Loaded(null, false);
    }
    loads++;
    ItemStateCodec.Decoded d = codec.decode(bytes);
    boolean adopted = updater.adopt(d.state());
    if (adopted) {
      migrated++;
    }
    put(itemId, d.state(), adopted, 0L);
    return new Loaded(d.state(), d.dirty() || (adopted && d.state().cold()));
  }

  /** A cached state (for items known to be on the heap: pinned ones). */
  public ItemState cached(long itemId) {
    Entry e = cache.get(itemId);
    return e == null ? null : e.state;
  }

  /** Adds a state for the current key (a new item); {@code modified}: it differs from the backend's. */
  public void put(long itemId, ItemState state, boolean modified, long nowMs) throws IOException {
    Entry e = new Entry(state);
    cache.put(itemId, e);
    if (modified) {
      mark(itemId, e, nowMs);
    }
    if (cache.size() > capacity) {
      evict();
    }
  }

  /** The item's state changed at {@code nowMs}. */
  public void modified(long itemId, long nowMs) {
    Entry e = cache.get(itemId);
    if (e != null) {
      mark(itemId, e, nowMs);
    }
  }

  private void mark(long itemId, Entry e, long nowMs) {
    if (!e.modified) {
      e.modified = true;
      e.modifiedAtMs = nowMs;
      changed.add(itemId);
    }
  }

  /** Removes the current key's state from the heap and the backend (idle expiry). */
  public void remove(long itemId) throws IOException {
    cache.remove(itemId);
    changed.remove(itemId);
    backend.clear();
  }

  /** Writes every changed state back (before a checkpoint barrier and at the end of input). */
  public void writeBackAll() throws IOException {
    Object previous = keys.currentKey();
    for (Long id : new ArrayList<>(changed)) {
      write(id, cache.get(id));
    }
    if (previous != null) {
      keys.setCurrentKey(previous);
    }
  }

  /**
   * Writes back at most {@code max} states whose first change is at least {@code ageMs} old (pinned ones and the
   * current key's excepted): spreads the barrier's work over the events between checkpoints.
   */
  public void writeBackOlderThan(long nowMs, long ageMs, int max) throws IOException {
    if (changed.isEmpty()) {
      return;
    }
    Object previous = keys.currentKey();
    int written = 0;
    int looked = 0;
    for (Iterator<Long> it = changed.iterator(); it.hasNext() && written < max && looked < 4 * max; looked++) {
      long id = it.next();
      Entry e = cache.get(id);
      if (nowMs - e.modifiedAtMs < ageMs) {
        break; // the rest changed later still
      }
      if (pinned.test(id) || Long.valueOf(id).equals(previous)) {
        continue;
      }
      it.remove();
      write(id, e);
      written++;
    }
    if (written > 0 && previous != null) {
      keys.setCurrentKey(previous);
    }
  }

  /** Evicts least recently used unpinned states (written back when changed) until the cache fits again. */
  private void evict() throws IOException {
    Object previous = keys.currentKey();
    List<Long> victims = new ArrayList<>();
    int excess = cache.size() - capacity;
    for (Iterator<Map.Entry<Long, Entry>> it = cache.entrySet().iterator(); it.hasNext() && excess > 0; ) {
      Map.Entry<Long, Entry> e = it.next();
      if (pinned.test(e.getKey()) || e.getKey().equals(previous)) {
        continue;
      }
      if (e.getValue().modified) {
        write(e.getKey(), e.getValue());
      }
      victims.add(e.getKey());
      excess--;
    }
    victims.forEach(cache::remove);
    victims.forEach(changed::remove);
    if (previous != null) {
      keys.setCurrentKey(previous);
    }
  }

  private void write(long itemId, Entry e) throws IOException {
    keys.setCurrentKey(itemId);
    byte[] bytes = codec.encode(e.state, pinned.test(itemId));
    backend.update(bytes);
    e.modified = false;
    changed.remove(itemId);
    writes++;
    if (e.state.cold()) {
      bytesWritten += bytes.length;
      coldWrites++;
    }
  }

  public int size() {
    return cache.size();
  }

  public long loads() {
    return loads;
  }

  public long writes() {
    return writes;
  }

  public long migrated() {
    return migrated;
  }

  /** Mean encoded size of a cold item's state over the writes so far (NaN before the first). */
  public double meanColdStateBytes() {
    return coldWrites == 0 ? Double.NaN : (double) bytesWritten / coldWrites;
  }
}
