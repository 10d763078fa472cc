package io.pinnacle.prequential;

/** Counts of unordered item pairs in an open-addressing table (no boxing): item-kNN's co-occurrences. */
final class PairCounter {
  private long[] keys = new long[1 << 16];
  private int[] counts = new int[1 << 16];
  private int size;

  private static long key(int a, int b) {
    int lo = Math.min(a, b);
    int hi = Math.max(a, b);
    return ((long) lo << 32) | (hi & 0xFFFFFFFFL);
  }

  private int slot(long k, long[] table) {
    int mask = table.length - 1;
    long h = k * 0x9E3779B97F4A7C15L;
    int s = (int) (h ^ (h >>> 32)) & mask;
    while (table[s] != 0 && table[s] != k) {
      s = (s + 1) & mask;
    }
    return s;
  }

  /** Items are dense from 1, so key 0 never occurs and marks an empty slot. */
  void increment(int a, int b) {
    if (size * 2 >= keys.length) {
      grow();
    }
    long k = key(a, b);
    int s = slot(k, keys);
    if (keys[s] == 0) {
      keys[s] = k;
      size++;
    }
    counts[s]++;
  }

  int get(int a, int b) {
    long k = key(a, b);
    int s = slot(k, keys);
    return keys[s] == 0 ? 0 : counts[s];
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldCounts = counts;
    keys = new long[oldKeys.length * 2];
    counts = new int[oldKeys.length * 2];
    for (int j = 0; j < oldKeys.length; j++) {
      if (oldKeys[j] != 0) {
        int s = slot(oldKeys[j], keys);
        keys[s] = oldKeys[j];
        counts[s] = oldCounts[j];
      }
    }
  }
}
