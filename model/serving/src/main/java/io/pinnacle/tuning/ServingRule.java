package io.pinnacle.tuning;

/**
 * What a cold item is served from, before and beside its learned update; the same rule in the job and in every
 * offline replay (it lives in {@link UpdaterConfig}).
 *
 * <p>The anchor is the item's starting embedding a (the base embedding; for an item the base never saw, its content
 * start, else zero) moved by what its likers like: each positive in the stream brings its co-liked vector (the mean
 * base embedding of the items the liker recently liked), and with n of them, mean c, the anchor is
 * {@code a + n / (P + prior + n) (c - m)}, P the item's positives in the training period and m the expected co-liked
 * vector (the popularity-weighted mean item, {@link UpdaterModels#coLikedCenter}). What the base already knows of an
 * item weighs by the feedback that taught it, the stream's feedback by its own count. Centering keeps the part of
 * c that every liker shares (popularity) out: without it (the ablation {@code centered = false}: {@code ((P + prior)
 * a + n c) / (P + prior + n)}) cold items drift toward the popular centroid and rise for every user, which cost
 * 4 to 27 points of all-user leave-one-out HR@10 at prior 0 (RESULTS.md).
 *
 * <p>PROMO's update is built on the anchor (its base input). What an item is served is chosen by {@code table} (by
 * its group and positives, among the sources the updater computes: {@link ServedSource}); where the table says
 * PROMO, its change is served only from the item's {@code promptMinPositives}-th positive in the stream on, and the
 * anchor before that and whenever PROMO's output is not finite.
 *
 * @param coLiked            move the anchor by the co-liked vectors (false: the anchor is the starting embedding)
 * @param prior              extra weight of the starting embedding, in positives
 * @param promptMinPositives stream positives before PROMO's change is served (0: always; a very large number: never)
 * @param centered           move by the co-liked mean's deviation from the expected co-liked vector
 * @param table              the source each item is served from, by group and positives
 */
public record ServingRule(boolean coLiked, float prior, int promptMinPositives, boolean centered,
                          ServingTable table) {
  /**
   * Chosen on validation only (RESULTS.md, issue 23): co-liked and centered by `pinnacle select` and the
   * leave-one-out warm cost, prior 5 as the median of the priors `pinnacle evaluate` chose on the three data sets.
   */
  public static final ServingRule DEFAULTS = new ServingRule(true, 5f, 0, true, ServingTable.DEFAULT);
  /** The priors `pinnacle evaluate` chooses among by the leave-one-out rule (model/README.md). */
  public static final float[] PRIORS = {0f, 5f, 10f, 20f, 40f};
  /** The behaviour before the rule: PROMO from the starting embedding, always served. */
  public static final ServingRule PROMO_ONLY = new ServingRule(false, 0f, 0, true, ServingTable.DEFAULT);

  public ServingRule withPrior(float p) {
    return new ServingRule(coLiked, p, promptMinPositives, centered, table);
  }

  public ServingRule withTable(ServingTable t) {
    return new ServingRule(coLiked, prior, promptMinPositives, centered, t);
  }

  public ServingRule(boolean coLiked, float prior, int promptMinPositives) {
    this(coLiked, prior, promptMinPositives, true, ServingTable.DEFAULT);
  }

  public ServingRule(boolean coLiked, float prior, int promptMinPositives, boolean centered) {
    this(coLiked, prior, promptMinPositives, centered, ServingTable.DEFAULT);
  }

  public ServingRule {
    if (!(prior >= 0) || Float.isInfinite(prior) || promptMinPositives < 0 || table == null) {
      throw new IllegalArgumentException("invalid serving rule: " + this);
    }
  }

  /**
   * The anchor of an item into {@code out}: see the class comment. {@code center}: the expected co-liked vector
   * ({@link UpdaterModels#coLikedCenter}); with it (and {@link #centered}) each positive contributes the start plus its
   * co-liked vector's deviation from the center, so the anchor is {@code a + n / (P + prior + n) (c - center)}.
   */
  public float[] anchor(float[] start, long priorPositives, float[] coLikedSum, int coLikedCount, float[] center,
                        float[] out) {
    if (!coLiked || coLikedSum == null || coLikedCount == 0) {
      System.arraycopy(start, 0, out, 0, out.length);
      return out;
    }
    double w = priorPositives + (double) prior;
    double total = w + coLikedCount;
    boolean shift = centered && center != null;
    for (int k = 0; k < out.length; k++) {
      double sum = shift ? coLikedSum[k] + coLikedCount * (start[k] - (double) center[k]) : coLikedSum[k];
      out[k] = (float) ((w * start[k] + sum) / total);
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
