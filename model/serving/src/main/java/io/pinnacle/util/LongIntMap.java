package io.pinnacle.util;

/**
 * Id to index lookups on the event path without boxing: open addressing over primitive arrays, built once and then
 * read-only (safe to share between threads).
 */
public final class LongIntMap {
  private final long[] keys;
  private final int[] values;
  private final boolean[] used;
  private final int mask;

  /** Maps {@code ids[i]} to {@code i}. */
  public static LongIntMap indexOf(long[] ids) {
    LongIntMap m = new LongIntMap(ids.length);
    for (int i = 0; i < ids.length; i++) {
      m.put(ids[i], i);
    }
    return m;
  }

  private LongIntMap(int size) {
    int cap = Integer.highestOneBit(Math.max(4, size * 2 - 1)) << 1;
    keys = new long[cap];
    values = new int[cap];
    used = new boolean[cap];
    mask = cap - 1;
  }

  private void put(long key, int value) {
    int slot = slot(key);
    while (used[slot] && keys[slot] != key) {
      slot = (slot + 1) & mask;
    }
    used[slot] = true;
    keys[slot] = key;
    values[slot] = value;
  }

  /** The index of {@code key}, or -1. */
  public int get(long key) {
    int slot = slot(key);
    while (used[slot]) {
      if (keys[slot] == key) {
        return values[slot];
      }
      slot = (slot + 1) & mask;
    }
    return -1;
  }

  private int slot(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }
}
