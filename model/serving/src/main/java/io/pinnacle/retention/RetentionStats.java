package io.pinnacle.retention;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pinnacle-memory retention counts. Buckets by negatives accumulated since the pair entered the pinnacle set:
 * 0-9, 10-19, ..., 90-99, >= 100. Retention of a bucket = memorized / evaluated (pairs correct at t0 evaluated
 * while in that bucket).
 */
public final class RetentionStats {
  public static final int BUCKETS = 11;
  private long tracked;
  private long evaluatedAtT0;
  private long correctAtT0;
  private final long[] memorized = new long[BUCKETS];
  private final long[] forgotten = new long[BUCKETS];

  public static int bucket(long negativesSinceT0) {
    return (int) Math.min(BUCKETS - 1, Math.max(0, negativesSinceT0) / 10);
  }

  public static String label(int bucket) {
    return bucket == BUCKETS - 1 ? ">=100" : (bucket * 10) + "-" + (bucket * 10 + 9);
  }

  public void tracked() {
    tracked++;
  }

  public void atT0(boolean correct) {
    evaluatedAtT0++;
    if (correct) {
      correctAtT0++;
    }
  }

  public void later(long negativesSinceT0, boolean stillCorrect) {
    int b = bucket(negativesSinceT0);
    if (stillCorrect) {
      memorized[b]++;
    } else {
      forgotten[b]++;
    }
  }

  public void add(RetentionStats o) {
    tracked += o.tracked;
    evaluatedAtT0 += o.evaluatedAtT0;
    correctAtT0 += o.correctAtT0;
    for (int b = 0; b < BUCKETS; b++) {
      memorized[b] += o.memorized[b];
      forgotten[b] += o.forgotten[b];
    }
  }

  public long trackedCount() {
    return tracked;
  }

  public long evaluatedAtT0Count() {
    return evaluatedAtT0;
  }

  public long correctAtT0Count() {
    return correctAtT0;
  }

  public long memorized(int b) {
    return memorized[b];
  }

  public long forgotten(int b) {
    return forgotten[b];
  }

  public long memorizedTotal() {
    long s = 0;
    for (long m : memorized) {
      s += m;
    }
    return s;
  }

  public long forgottenTotal() {
    long s = 0;
    for (long f : forgotten) {
      s += f;
    }
    return s;
  }

  /** memorized / evaluated for the bucket, NaN when nothing was evaluated there. */
  public double rate(int b) {
    long n = memorized[b] + forgotten[b];
    return n == 0 ? Double.NaN : memorized[b] / (double) n;
  }

  /** JSON-friendly view. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("trackedPairs", tracked);
    m.put("evaluatedAtT0", evaluatedAtT0);
    m.put("correctAtT0", correctAtT0);
    List<Map<String, Object>> buckets = new ArrayList<>();
    for (int b = 0; b < BUCKETS; b++) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("negatives", label(b));
      x.put("evaluated", memorized[b] + forgotten[b]);
      x.put("memorized", memorized[b]);
      x.put("forgotten", forgotten[b]);
      x.put("retention", Double.isNaN(rate(b)) ? null : rate(b));
      buckets.add(x);
    }
    m.put("buckets", buckets);
    return m;
  }

  /** The Avro report of a window (its counts only). */
  public io.pinnacle.schema.PinnacleRetention toReport(String model, long startMs, long endMs) {
    List<io.pinnacle.schema.RetentionBucket> bs = new ArrayList<>();
    for (int b = 0; b < BUCKETS; b++) {
      double r = rate(b);
      bs.add(io.pinnacle.schema.RetentionBucket.newBuilder().setMinNegatives(b * 10)
          .setMaxNegatives(b == BUCKETS - 1 ? null : b * 10 + 9).setEvaluated(memorized[b] + forgotten[b])
          .setMemorized(memorized[b]).setForgotten(forgotten[b]).setRetentionRate(Double.isNaN(r) ? null : r)
          .build());
    }
    return io.pinnacle.schema.PinnacleRetention.newBuilder().setWindowStartMs(startMs).setWindowEndMs(endMs)
        .setModel(model).setTrackedPairs(tracked).setCorrectAtStart(correctAtT0).setBuckets(bs).build();
  }

  public static RetentionStats of(io.pinnacle.schema.PinnacleRetention rep) {
    RetentionStats s = new RetentionStats();
    s.tracked = rep.getTrackedPairs();
    s.correctAtT0 = rep.getCorrectAtStart();
    s.evaluatedAtT0 = rep.getCorrectAtStart();
    for (int b = 0; b < BUCKETS && b < rep.getBuckets().size(); b++) {
      s.memorized[b] = rep.getBuckets().get(b).getMemorized();
      s.forgotten[b] = rep.getBuckets().get(b).getForgotten();
    }
    return s;
  }

  @SuppressWarnings("unchecked")
  public static RetentionStats fromMap(Map<String, Object> m) {
    RetentionStats s = new RetentionStats();
    s.tracked = ((Number) m.get("trackedPairs")).longValue();
    s.evaluatedAtT0 = ((Number) m.get("evaluatedAtT0")).longValue();
    s.correctAtT0 = ((Number) m.get("correctAtT0")).longValue();
    List<Map<String, Object>> buckets = (List<Map<String, Object>>) m.get("buckets");
    for (int b = 0; b < BUCKETS; b++) {
      s.memorized[b] = ((Number) buckets.get(b).get("memorized")).longValue();
      s.forgotten[b] = ((Number) buckets.get(b).get("forgotten")).longValue();
    }
    return s;
  }
}
