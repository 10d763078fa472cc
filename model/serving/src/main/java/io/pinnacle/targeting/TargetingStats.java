package io.pinnacle.targeting;

import io.pinnacle.schema.PinnacleTargeting;
import io.pinnacle.schema.TargetingCell;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Won and counted pairs of the targeting measure per item group (NEW, COLD) and bucket of the item's positives
 * before the liked event (0, 1, 2-4, 5-9, 10-19, 20+). A pair is won when the item ranks higher for the user who
 * liked it than for one who later did not; ties count half, so wins are kept in halves.
 */
public final class TargetingStats {
  public static final String[] BUCKETS = {"0", "1", "2-4", "5-9", "10-19", "20+"};
  public static final String[] GROUPS = {"NEW", "COLD"};
  private final long[][] halfWins = new long[GROUPS.length][BUCKETS.length];
  private final long[][] pairs = new long[GROUPS.length][BUCKETS.length];

  public static int bucket(long positivesBefore) {
    if (positivesBefore <= 1) {
      return (int) Math.max(0, positivesBefore);
    }
    if (positivesBefore < 5) {
      return 2;
    }
    if (positivesBefore < 10) {
      return 3;
    }
    return positivesBefore < 20 ? 4 : 5;
  }

  public static int group(boolean newItem) {
    return newItem ? 0 : 1;
  }

  /** One pair: the liker's and the rejecter's rank shares (lower is better). */
  public void pair(int group, int bucket, float likerRank, float rejecterRank) {
    pairs[group][bucket]++;
    halfWins[group][bucket] += likerRank < rejecterRank ? 2 : likerRank == rejecterRank ? 1 : 0;
  }

  public void add(TargetingStats o) {
    for (int g = 0; g < GROUPS.length; g++) {
      for (int b = 0; b < BUCKETS.length; b++) {
        halfWins[g][b] += o.halfWins[g][b];
        pairs[g][b] += o.pairs[g][b];
      }
    }
  }

  public long pairs(int group, int bucket) {
    return pairs[group][bucket];
  }

  public double wins(int group, int bucket) {
    return halfWins[group][bucket] / 2.0;
  }

  public long pairs(int group) {
    long n = 0;
    for (long p : pairs[group]) {
      n += p;
    }
    return n;
  }

  public long totalPairs() {
    return pairs(0) + pairs(1);
  }

  /** Share of pairs won, NaN without pairs. */
  public double auc(int group, int bucket) {
    return pairs[group][bucket] == 0 ? Double.NaN : wins(group, bucket) / pairs[group][bucket];
  }

  /** The window's report (every cell, empty ones included, so readers see the layout). */
  public PinnacleTargeting toReport(String model, long startMs, long endMs) {
    List<TargetingCell> cells = new ArrayList<>();
    for (int g = 0; g < GROUPS.length; g++) {
      for (int b = 0; b < BUCKETS.length; b++) {
        double auc = auc(g, b);
        cells.add(new TargetingCell(GROUPS[g], BUCKETS[b], pairs[g][b], wins(g, b), Double.isNaN(auc) ? null : auc));
      }
    }
    return new PinnacleTargeting(startMs, endMs, model, cells);
  }

  /** Pairs and wins per group and bucket, for JSON summaries. */
  public Map<String, Object> toMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int g = 0; g < GROUPS.length; g++) {
      Map<String, Object> cells = new LinkedHashMap<>();
      for (int b = 0; b < BUCKETS.length; b++) {
        cells.put(BUCKETS[b], Map.of("pairs", pairs[g][b], "wins", wins(g, b)));
      }
      out.put(GROUPS[g], cells);
    }
    return out;
  }

  /** Sums reports (their windows add up). */
  public static TargetingStats of(List<PinnacleTargeting> reports) {
    TargetingStats s = new TargetingStats();
    for (PinnacleTargeting r : reports) {
      for (TargetingCell c : r.getCells()) {
        int g = List.of(GROUPS).indexOf(c.getGroup().toString());
        int b = List.of(BUCKETS).indexOf(c.getBucket().toString());
        if (g >= 0 && b >= 0) {
          s.pairs[g][b] += c.getPairs();
          s.halfWins[g][b] += Math.round(c.getWins() * 2);
        }
      }
    }
    return s;
  }

  /** Share of pairs won over every bucket of the group, NaN without pairs. */
  public double auc(int group) {
    long n = pairs(group);
    long w = 0;
    for (long h : halfWins[group]) {
      w += h;
    }
    return n == 0 ? Double.NaN : w / 2.0 / n;
  }
}
