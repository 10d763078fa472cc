package io.pinnacle.retrieval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The live reach of items the base never saw: at each positive on such an item, whether the item was in the liker's
 * top K of the index at that moment (what the service would have shown them). Per item a bounded series of
 * cumulative points; the least recently liked items are dropped beyond {@code maxItems}.
 */
public final class ReachTracker {
  /** After the {@code positives}-th positive at event time {@code timeMs}: {@code hits} of them had it in their top K. */
  public record Point(long timeMs, long positives, long hits) {}

  /** An item's reach so far. */
  public record Reach(long itemId, int k, long positives, long hits, List<Point> points) {}

  private static final int MAX_POINTS = 1_000;
  private final int k;
  private final int maxItems;
  private final Map<Long, List<Point>> series;

  public ReachTracker(int k, int maxItems) {
    this.k = k;
    this.maxItems = maxItems;
    this.series = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, List<Point>> eldest) {
        return size() > ReachTracker.this.maxItems;
      }
    };
  }

  public int k() {
    return k;
  }

  /** A positive of {@code userId} on {@code itemId} at {@code timeMs}; {@code hit}: the item was in their top K. */
  public synchronized void positive(long itemId, long timeMs, boolean hit) {
    List<Point> points = series.computeIfAbsent(itemId, x -> new ArrayList<>());
    Point last = points.isEmpty() ? new Point(0, 0, 0) : points.get(points.size() - 1);
    points.add(new Point(timeMs, last.positives() + 1, last.hits() + (hit ? 1 : 0)));
    if (points.size() > MAX_POINTS) {
      points.remove(0); // the cumulative counts of the later points keep the dropped ones
    }
  }

  /** The item's reach, or null when none of its positives was seen. */
  public synchronized Reach get(long itemId) {
    List<Point> points = series.get(itemId);
    if (points == null) {
      return null;
    }
    Point last = points.get(points.size() - 1);
    return new Reach(itemId, k, last.positives(), last.hits(), List.copyOf(points));
  }

  /** The tracked items with the most positives first, without their series. */
  public synchronized List<Reach> top(int n) {
    List<Reach> out = new ArrayList<>();
    for (Map.Entry<Long, List<Point>> e : series.entrySet()) {
      Point last = e.getValue().get(e.getValue().size() - 1);
      out.add(new Reach(e.getKey(), k, last.positives(), last.hits(), List.of()));
    }
    out.sort(Comparator.comparingLong(Reach::positives).reversed());
    return out.size() > n ? new ArrayList<>(out.subList(0, n)) : out;
  }
}
