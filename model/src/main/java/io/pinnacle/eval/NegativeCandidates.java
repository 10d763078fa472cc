package io.pinnacle.eval;

import java.util.SplittableRandom;

/**
 * Uniformly samples items the user never interacted with, seeded per (seed, stage, user) so every model is ranked
 * against exactly the same candidates.
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
    SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + stage.ordinal() * 7_919L + user);
    int[] out = new int[count];
    java.util.HashSet<Integer> taken = new java.util.HashSet<>();
    int n = 0;
    while (n < count) {
      int item = 1 + rnd.nextInt(split.numItems());
      if (!split.hasInteracted(user, item) && taken.add(item)) {
        out[n++] = item;
      }
    }
    return out;
  }
}
