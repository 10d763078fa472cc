package io.pinnacle.feedback;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The top-k positive feedback of one item. In VALUE mode the order is value, then time (the more recent wins a
 * tie), then user id; in RECENCY mode it is time, then user id. A user appears at most once, with their best
 * entry. The result does not depend on insertion order.
 */
public final class PinnacleSet {
  private final int k;
  private final PinnacleMode mode;
  private final List<PinnacleEntry> entries;

  public PinnacleSet(int k, PinnacleMode mode) {
    this(k, mode, new ArrayList<>());
  }

  private PinnacleSet(int k, PinnacleMode mode, List<PinnacleEntry> entries) {
    if (k <= 0) {
      throw new IllegalArgumentException("k must be positive");
    }
    this.k = k;
    this.mode = mode;
    this.entries = entries;
  }

  public static PinnacleSet of(int k, PinnacleMode mode, List<PinnacleEntry> entries) {
    PinnacleSet s = new PinnacleSet(k, mode);
    for (PinnacleEntry e : entries) {
      s.offer(e);
    }
    return s;
  }

  private static final Comparator<PinnacleEntry> BY_VALUE = order(PinnacleMode.VALUE);
  private static final Comparator<PinnacleEntry> BY_RECENCY = order(PinnacleMode.RECENCY);

  /** Best first; built once per mode (an offer happens on every positive event). */
  private static Comparator<PinnacleEntry> order(PinnacleMode mode) {
    Comparator<PinnacleEntry> byTime = Comparator.comparingLong(PinnacleEntry::timeMs);
    Comparator<PinnacleEntry> c = mode == PinnacleMode.VALUE
        ? Comparator.comparingDouble(PinnacleEntry::value).thenComparing(byTime)
        : byTime;
    return c.thenComparing(Comparator.comparingLong(PinnacleEntry::userId).reversed()).reversed();
  }

  private Comparator<PinnacleEntry> better() {
    return mode == PinnacleMode.VALUE ? BY_VALUE : BY_RECENCY;
  }

  /** Offers a positive feedback; returns true when the set changed. */
  public boolean offer(PinnacleEntry e) {
    Comparator<PinnacleEntry> order = better();
    for (int i = 0; i < entries.size(); i++) {
      PinnacleEntry cur = entries.get(i);
      if (cur.userId() == e.userId()) {
        if (order.compare(e, cur) < 0) {
          entries.remove(i);
          insert(e, order);
          return true;
        }
        return false;
      }
    }
    if (entries.size() < k) {
      insert(e, order);
      return true;
    }
    PinnacleEntry worst = entries.get(entries.size() - 1);
    if (order.compare(e, worst) < 0) {
      entries.remove(entries.size() - 1);
      insert(e, order);
      return true;
    }
    return false;
  }

  private void insert(PinnacleEntry e, Comparator<PinnacleEntry> order) {
    int pos = 0;
    while (pos < entries.size() && order.compare(entries.get(pos), e) <= 0) {
      pos++;
    }
    entries.add(pos, e);
  }

  void dropVectors() {
    for (int j = 0; j < entries.size(); j++) {
      PinnacleEntry e = entries.get(j);
      entries.set(j, new PinnacleEntry(e.userId(), e.value(), e.timeMs()));
    }
  }

  public boolean contains(long userId) {
    for (PinnacleEntry e : entries) {
      if (e.userId() == userId) {
        return true;
      }
    }
    return false;
  }

  /** Best first. */
  public List<PinnacleEntry> entries() {
    return List.copyOf(entries);
  }

  public int size() {
    return entries.size();
  }

  public int capacity() {
    return k;
  }

  public PinnacleMode mode() {
    return mode;
  }
}
