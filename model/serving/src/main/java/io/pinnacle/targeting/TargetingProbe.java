package io.pinnacle.targeting;

/**
 * What an item keeps of one of its latest positives for the live targeting measure: the embedding it had just
 * before that positive was applied, the seed that redraws the candidate set, where the liking user ranked the item
 * among those candidates, and how many of the item's following negatives may still be paired with it.
 */
public final class TargetingProbe {
  public final float[] embedding;
  public final long seed;
  /** Share of the candidates the liking user scored above the item (ties count half): 0 is the top. */
  public final float likerRank;
  /** Bucket of the item's positives before this one ({@link TargetingStats#bucket}). */
  public final int bucket;
  /** True for an item the base never saw (NEW), false for a base item below the cold threshold (COLD). */
  public final boolean newItem;
  /** Event time of the positive. */
  public final long timeMs;
  public int negativesLeft;

  public TargetingProbe(float[] embedding, long seed, float likerRank, int bucket, boolean newItem, long timeMs,
                        int negativesLeft) {
    this.embedding = embedding;
    this.seed = seed;
    this.likerRank = likerRank;
    this.bucket = bucket;
    this.newItem = newItem;
    this.timeMs = timeMs;
    this.negativesLeft = negativesLeft;
  }
}
