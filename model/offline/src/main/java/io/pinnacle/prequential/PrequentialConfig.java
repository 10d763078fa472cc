package io.pinnacle.prequential;

/**
 * Settings of the prequential (test-then-train) evaluation after the temporal split.
 *
 * @param candidates      items every evaluated positive is ranked against (drawn from the items seen before it)
 * @param rejecters       at most this many later negatives of the item are paired with each positive
 * @param activeWindowMs  a rejecter counts only if they had any event this long before the positive
 * @param warmShare       share of warm items (by a hash of the id) evaluated as the warm control; more when that
 *                        leaves fewer than {@link #MIN_WARM_ITEMS}
 * @param seed            seeds the candidate draws (one draw per event, shared by every method)
 * @param bootstrap       bootstrap resamples over items for the intervals
 * @param tuneBatch       PROMO-stream tunes when this many items are dirty, and before every evaluated positive
 * @param sgdLearningRate step size of the online-SGD row
 * @param knnWindow       recent positives per user that item-kNN counts co-occurrences over and scores with
 * @param promoOnly       only PROMO-stream, the static base and the no-information row (hyper-parameter selection)
 * @param servableOnly    only the rows the serving table can choose, the static base and the no-information row
 *                        (fitting the serving table)
 */
public record PrequentialConfig(int candidates, int rejecters, long activeWindowMs, double warmShare, long seed,
                                int bootstrap, int tuneBatch, float sgdLearningRate, int knnWindow,
                                boolean promoOnly, boolean servableOnly) {
  public static final long DAY_MS = 24L * 3600 * 1000;
  /** The warm control takes at least this many warm items (or all), so its interval over items means something. */
  public static final int MIN_WARM_ITEMS = 30;

  public static PrequentialConfig defaults() {
    return new PrequentialConfig(100, 10, 7 * DAY_MS, 0.1, 2024L, 1000, 256, 0.05f, 20, false, false);
  }

  public PrequentialConfig withSgdLearningRate(float lr) {
    return new PrequentialConfig(candidates, rejecters, activeWindowMs, warmShare, seed, bootstrap, tuneBatch, lr,
        knnWindow, promoOnly, servableOnly);
  }

  public PrequentialConfig withPromoOnly(boolean only) {
    return new PrequentialConfig(candidates, rejecters, activeWindowMs, warmShare, seed, bootstrap, tuneBatch,
        sgdLearningRate, knnWindow, only, servableOnly);
  }

  public PrequentialConfig withServableOnly(boolean only) {
    return new PrequentialConfig(candidates, rejecters, activeWindowMs, warmShare, seed, bootstrap, tuneBatch,
        sgdLearningRate, knnWindow, promoOnly, only);
  }
}
