package io.pinnacle.users;

import java.util.Arrays;

/**
 * A user's most recent positive items, oldest first, bounded: the input of {@link UserEncoder}. Items unknown to
 * the base are kept (a later base may know them); the encoder skips them.
 */
public final class RecentItems {
  private RecentItems() {}

  /** The history with {@code itemId} appended, keeping at most {@code capacity} items. */
  public static long[] append(long[] history, long itemId, int capacity) {
    if (history.length < capacity) {
      long[] out = Arrays.copyOf(history, history.length + 1);
      out[history.length] = itemId;
      return out;
    }
    long[] out = new long[capacity];
    System.arraycopy(history, history.length - capacity + 1, out, 0, capacity - 1);
    out[capacity - 1] = itemId;
    return out;
  }
}
