package io.pinnacle.feedback;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What one item remembers of its feedback in the stream: counts, the pinnacle top-k, the negative reservoir and a
 * bounded buffer of recent labelled interactions. The streaming operator and the offline replay both use it, so
 * they make the same decisions.
 */
public final class ItemFeedbackState {
  private final PinnacleSet pinnacle;
  private final NegativeReservoir negatives;
  private final Deque<LabelledSample> recent;
  private final int recentCapacity;
  private long positiveCount;
  private long negativeCount;
  private long lastEventTimeMs;
  /**
   * Sum of the co-liked vectors of the item's positives (each the mean base embedding of the items its liker had
   * recently liked, {@code UserEncoder#coLiked}) and how many there were: an item-kNN signal in the embedding space.
   * Null until the first.
   */
  private float[] coLikedSum;
  private int coLikedCount;
  /**
   * Sum of the vectors the item's likers had when they liked it, and how many: the "mean of its users' vectors"
   * the serving table can serve. Null until the first positive with a vector.
   */
  private float[] likerSum;
  private int likerCount;

  public ItemFeedbackState(int k, PinnacleMode mode, int recentCapacity, long seed) {
    this.pinnacle = new PinnacleSet(k, mode);
    this.negatives = new NegativeReservoir(k, seed);
    this.recent = new ArrayDeque<>(recentCapacity);
    this.recentCapacity = recentCapacity;
  }

  public ItemFeedbackState(PinnacleSet pinnacle, NegativeReservoir negatives, List<LabelledSample> recent,
                           int recentCapacity, long positiveCount, long negativeCount, long lastEventTimeMs) {
    this.pinnacle = pinnacle;
    this.negatives = negatives;
    this.recent = new ArrayDeque<>(recent);
    this.recentCapacity = recentCapacity;
    this.positiveCount = positiveCount;
    this.negativeCount = negativeCount;
    this.lastEventTimeMs = lastEventTimeMs;
  }

  /**
   * Records a positive with the user's vector as of this feedback (null: none known); returns true when the
   * pinnacle set or the negatives changed.
   */
  public boolean positive(long userId, float[] vector, float value, long timeMs) {
    positiveCount++;
    remember(new LabelledSample(userId, true, timeMs, vector));
    boolean changed = negatives.removePositive(userId);
    return pinnacle.offer(new PinnacleEntry(userId, value, timeMs, vector)) || changed;
  }

  public boolean positive(long userId, float value, long timeMs) {
    return positive(userId, null, value, timeMs);
  }

  /** Adds one positive's co-liked vector (null: the liker had no recent item the base knows; nothing changes). */
  public void coLiked(float[] vector) {
    if (vector != null) {
      coLikedSum = add(coLikedSum, vector, "co-liked vector");
      coLikedCount++;
    }
  }

  /** {@code sum + vector} in place (a new array for the first); the lengths must agree. */
  private static float[] add(float[] sum, float[] vector, String what) {
    float[] out = sum == null ? new float[vector.length] : sum;
    if (vector.length != out.length) {
      throw new IllegalArgumentException(what + " of " + vector.length + " floats, the item keeps " + out.length);
    }
    for (int k = 0; k < vector.length; k++) {
      out[k] += vector[k];
    }
    return out;
  }

  /** Restores the co-liked sum and count of a stored state. */
  public void restoreCoLiked(float[] sum, int count) {
    coLikedSum = sum == null || count == 0 ? null : sum.clone();
    coLikedCount = coLikedSum == null ? 0 : count;
  }

  /** Adds one liker's vector as of their positive (null: none known; nothing changes). */
  public void liker(float[] vector) {
    if (vector != null) {
      likerSum = add(likerSum, vector, "user vector");
      likerCount++;
    }
  }

  /** Restores the likers' vector sum and count of a stored state. */
  public void restoreLikers(float[] sum, int count) {
    likerSum = sum == null || count == 0 ? null : sum.clone();
    likerCount = likerSum == null ? 0 : count;
  }

  /** The sum of the likers' vectors (a copy; null before the first). */
  public float[] likerSum() {
    return likerSum == null ? null : likerSum.clone();
  }

  public int likerCount() {
    return likerCount;
  }

  /** The sum of the co-liked vectors (a copy; null before the first). */
  public float[] coLikedSum() {
    return coLikedSum == null ? null : coLikedSum.clone();
  }

  public int coLikedCount() {
    return coLikedCount;
  }

  /** Records a negative; returns true when the negative reservoir changed. */
  public boolean negative(long userId, float[] vector, long timeMs) {
    negativeCount++;
    remember(new LabelledSample(userId, false, timeMs, vector));
    return !pinnacle.contains(userId) && negatives.offer(userId, vector);
  }

  public boolean negative(long userId, long timeMs) {
    return negative(userId, null, timeMs);
  }

  /**
   * Forgets every kept user vector and the co-liked sum (they belong to a base that is no longer used); users are
   * looked up instead.
   */
  public void dropUserVectors() {
    coLikedSum = null; // base embeddings of the old base, too
    coLikedCount = 0;
    likerSum = null;
    likerCount = 0;
    pinnacle.dropVectors();
    negatives.dropVectors();
    List<LabelledSample> kept = new ArrayList<>(recent);
    recent.clear();
    for (LabelledSample s : kept) {
      recent.addLast(new LabelledSample(s.userId(), s.positive(), s.timeMs()));
    }
  }

  private void remember(LabelledSample s) {
    lastEventTimeMs = Math.max(lastEventTimeMs, s.timeMs());
    if (recent.size() == recentCapacity) {
      recent.removeFirst();
    }
    recent.addLast(s);
  }

  public PinnacleSet pinnacle() {
    return pinnacle;
  }

  public NegativeReservoir negatives() {
    return negatives;
  }

  public List<LabelledSample> recent() {
    return new ArrayList<>(recent);
  }

  public int recentCapacity() {
    return recentCapacity;
  }

  public long positiveCount() {
    return positiveCount;
  }

  public long negativeCount() {
    return negativeCount;
  }

  public long lastEventTimeMs() {
    return lastEventTimeMs;
  }
}
