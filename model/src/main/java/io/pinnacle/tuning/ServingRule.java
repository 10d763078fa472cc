package io.pinnacle.tuning;

/**
 * What a cold item is served from, before and beside its learned update; the same rule in the job and in every
 * offline replay (it lives in {@link UpdaterConfig}).
 *
 * <p>The anchor is the item's starting embedding a (the base embedding; for an item the base never saw, its content
 * start, else zero) moved toward the mean co-liked vector c of its positives in the stream (each the mean base
 * embedding of the items the liker recently liked): {@code ((P + prior) a + n c) / (P + prior + n)}, P the item's
 * positives in the training period, n its positives in the stream with a co-liked vector. What the base already
 * knows of an item weighs by the feedback that taught it, and the stream's feedback by its own count.
 *
 * <p>PROMO's update is built on the anchor (its base input) and served only from the item's
 * {@code promptMinPositives}-th positive in the stream on; before that, and whenever it is not finite, the anchor
 * is served.
 *
 * @param coLiked            move the anchor toward the co-liked mean (false: the anchor is the starting embedding)
 * @param prior              extra weight of the starting embedding, in positives
 * @param promptMinPositives stream positives before PROMO's change is served (0: always; a very large number: never)
 */
public record ServingRule(boolean coLiked, float prior, int promptMinPositives) {
  /** Chosen on validation periods before T (model/README.md, issue 23). */
  public static final ServingRule DEFAULTS = new ServingRule(true, 0f, 0);
  /** The behaviour before the rule: PROMO from the starting embedding, always served. */
  public static final ServingRule PROMO_ONLY = new ServingRule(false, 0f, 0);

  public ServingRule {
    if (!(prior >= 0) || Float.isInfinite(prior) || promptMinPositives < 0) {
      throw new IllegalArgumentException("invalid serving rule: " + this);
    }
  }

  /** The anchor of an item into {@code out}: see the class comment. */
  public float[] anchor(float[] start, long priorPositives, float[] coLikedSum, int coLikedCount, float[] out) {
    if (!coLiked || coLikedSum == null || coLikedCount == 0) {
      System.arraycopy(start, 0, out, 0, out.length);
      return out;
    }
    double w = priorPositives + (double) prior;
    double total = w + coLikedCount;
    for (int k = 0; k < out.length; k++) {
      out[k] = (float) ((w * start[k] + coLikedSum[k]) / total);
    }
    return out;
  }

  /** A command line's value of promptMinPositives: a number, or "never"; null keeps {@code otherwise}. */
  public static int parseMinPositives(String value, int otherwise) {
    if (value == null) {
      return otherwise;
    }
    return value.equalsIgnoreCase("never") ? Integer.MAX_VALUE : Integer.parseInt(value);
  }

  public boolean promptServed(long streamPositives) {
    return streamPositives >= promptMinPositives;
  }
}
