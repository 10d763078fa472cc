package io.pinnacle.prequential;

import io.pinnacle.targeting.TargetingStats;

/**
 * Buckets of an item's positives before the event: 0, 1, 2-4, 5-9, 10-19, 20+; the same as the live targeting
 * measure's, so the offline and the live tables line up.
 */
public final class Buckets {
  public static final String[] LABELS = TargetingStats.BUCKETS;

  private Buckets() {}

  public static int of(long positivesBefore) {
    return TargetingStats.bucket(positivesBefore);
  }
}
