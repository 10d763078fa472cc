package io.pinnacle.tuning;

import io.pinnacle.feedback.PinnacleMode;

/**
 * Every constant of the cold-item cycle, defined once: the streaming job and the offline replay build their
 * {@link ColdItemUpdater} from this record, so they cannot drift apart.
 *
 * @param k                   pinnacle users and negative-reservoir users per item
 * @param pinnacleMode        how the pinnacle set ranks positives (value or recency)
 * @param recentSamples       labelled interactions kept per item as rec-loss samples
 * @param randomNegatives     random users added as rec-loss negatives at every update
 * @param coldThreshold       positives at which a cold item graduates (and an item counts as warm in the artifact)
 * @param adamSteps           Adam steps per update
 * @param dedupCapacity       event-id hashes remembered per item to drop redelivered events
 * @param seed                seeds the negative reservoirs and the random negatives (mixed with the item id)
 * @param retentionSampleRate share of pinnacle pairs followed by the retention measurement
 * @param retentionMaxPerItem at most this many followed pairs per item
 * @param targetingProbes     latest positives per item the live targeting measure keeps (0: not measured)
 * @param serving             what a cold item is served from before and beside PROMO's update
 */
public record UpdaterConfig(int k, PinnacleMode pinnacleMode, int recentSamples, int randomNegatives,
                            int coldThreshold, int adamSteps, int dedupCapacity, long seed,
                            double retentionSampleRate, int retentionMaxPerItem, int targetingProbes,
                            ServingRule serving) {
  public static final int K = 10;
  public static final int RECENT_SAMPLES = 16;
  public static final int RANDOM_NEGATIVES = 4;
  public static final int ADAM_STEPS = 1;
  public static final int DEDUP_CAPACITY = 32;
  public static final long SEED = 7L;
  public static final double RETENTION_SAMPLE_RATE = 0.2;
  public static final int RETENTION_MAX_PER_ITEM = 5;
  public static final int TARGETING_PROBES = 3;
  /** Retention is judged in the top 10 of 100 catalogue candidates, drawn with this seed. */
  public static final int RETENTION_TOP_K = 10;
  public static final int RETENTION_CANDIDATES = 100;
  public static final long RETENTION_SEED = 99L;

  public UpdaterConfig {
    if (k <= 0 || recentSamples < 0 || randomNegatives < 0 || coldThreshold <= 0 || adamSteps < 0
        || dedupCapacity < 0 || retentionSampleRate < 0 || retentionSampleRate > 1 || retentionMaxPerItem < 0
        || targetingProbes < 0 || serving == null) {
      throw new IllegalArgumentException("invalid updater settings: " + this);
    }
  }

  public UpdaterConfig withK(int newK) {
    return new UpdaterConfig(newK, pinnacleMode, recentSamples, randomNegatives, coldThreshold, adamSteps,
        dedupCapacity, seed, retentionSampleRate, retentionMaxPerItem, targetingProbes, serving);
  }

  public UpdaterConfig withAdamSteps(int steps) {
    return new UpdaterConfig(k, pinnacleMode, recentSamples, randomNegatives, coldThreshold, steps, dedupCapacity,
        seed, retentionSampleRate, retentionMaxPerItem, targetingProbes, serving);
  }

  public UpdaterConfig withServing(ServingRule rule) {
    return new UpdaterConfig(k, pinnacleMode, recentSamples, randomNegatives, coldThreshold, adamSteps,
        dedupCapacity, seed, retentionSampleRate, retentionMaxPerItem, targetingProbes, rule);
  }

  /** The defaults for a cold threshold and pinnacle mode (both come from the PROMO artifact). */
  public static UpdaterConfig defaults(int coldThreshold, PinnacleMode mode) {
    return new UpdaterConfig(K, mode, RECENT_SAMPLES, RANDOM_NEGATIVES, coldThreshold, ADAM_STEPS, DEDUP_CAPACITY,
        SEED, RETENTION_SAMPLE_RATE, RETENTION_MAX_PER_ITEM, TARGETING_PROBES, ServingRule.DEFAULTS);
  }
}
