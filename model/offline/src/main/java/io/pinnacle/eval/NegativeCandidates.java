package io.pinnacle.eval;

import java.util.SplittableRandom;

/**
 * Samples items the user never interacted with, seeded per (seed, stage, user) so every model is ranked against
 * exactly the same candidates: uniformly (the evaluation protocol), or in proportion to the items' training positives
 * plus one ({@link #sampleByPopularity}), where ranking by popularity alone places the held-out item at about chance,
 * so only taste scores.
 */
public final class NegativeCandidates {
  public static final int DEFAULT_COUNT = 100;

  private NegativeCandidates() {}

  public static int[] sample(LeaveOneOutSplit split, int user, Stage stage, int count, long seed) {
    int available = split.numItems() - split.interacted[user].length;
    if (available < count) {
      throw new IllegalStateException("user " + split.users.external(user) + " has only " + available
          + " non-interacted items, fewer than " + count + " negatives");
    }
    return draw(split, user, count, new SplittableRandom(seed * 1_000_003L + stage.ordinal() * 7_919L + user), null);
  }

  /** As {@link #sample}, each item drawn with weight (training positives + 1); {@code cdf} from {@link #popularityCdf}. */
  public static int[] sampleByPopularity(LeaveOneOutSplit split, int user, Stage stage, int count, long seed,
                                         double[] cdf) {
    int available = split.numItems() - split.interacted[user].length;
    if (available < count) {
      throw new IllegalStateException("user " + split.users.external(user) + " has only " + available
          + " non-interacted items, fewer than " + count + " negatives");
    }
    return draw(split, user, count, new SplittableRandom(seed * 1_000_003L + stage.ordinal() * 7_919L + user), cdf);
  }

  /** Cumulative weights of items 1..n (index i - 1), weight = training positives + 1. */
  public static double[] popularityCdf(LeaveOneOutSplit split) {
    double[] cdf = new double[split.numItems()];
    double sum = 0;
    for (int i = 1; i <= split.numItems(); i++) {
      sum += split.itemTrainPositives[i] + 1;
      cdf[i - 1] = sum;
    }
    return cdf;
  }

  private static int[] draw(LeaveOneOutSplit split, int user, int count, SplittableRandom rnd, double[] cdf) {
    int[] out = new int[count];
    java.util.HashSet<Integer> taken = new java.util.HashSet<>();
    int n = 0;
    while (n < count) {
      int item;
      if (cdf == null) {
        item = 1 + rnd.nextInt(split.numItems());
      } else {
        int k = java.util.Arrays.binarySearch(cdf, rnd.nextDouble() * cdf[cdf.length - 1]);
        item = 1 + (k >= 0 ? k : -k - 1);
      }
      if (!split.hasInteracted(user, item) && taken.add(item)) {
        out[n++] = item;
      }
    }
    return out;
  }
}
