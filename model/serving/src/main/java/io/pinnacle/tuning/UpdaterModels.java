package io.pinnacle.tuning;

import io.pinnacle.users.UserVectors;
import io.pinnacle.feedback.PinnacleEntry;
import io.pinnacle.retention.RetentionTracker;
import io.pinnacle.targeting.TargetingEstimator;
import java.util.List;

/**
 * What {@link ColdItemUpdater} reads but never changes: the frozen base model's vectors, the PROMO globals (through
 * the tuner) and what the training period knew about each item. The streaming job answers from its loaded
 * artifacts, the offline replay from its split.
 */
public interface UpdaterModels extends UserVectors {
  /** Version of the base model whose vectors these are. */
  String baseVersion();

  /** Version of the PROMO globals the tuner uses. */
  String promoVersion();

  PromptTuning tuner();

  /** The learned initial prompt of every new item. */
  float[] promptInit();

  /** The item's base embedding, or null for an item the base model never saw. */
  float[] baseItemEmbedding(long itemId);

  /**
   * Where an item the base never saw starts, from its catalog feature ids (the content mapper); null when there is
   * no mapper or none of the ids is known.
   */
  default float[] contentStart(int[] featureIds) {
    return null;
  }

  /**
   * The expected co-liked vector of a positive: the base's item embeddings weighted by their training positives
   * (what a liker's recent items average to when nothing is known of taste); null when unknown. The serving rule
   * moves an item by its co-liked mean's deviation from this, so that taste moves it and popularity does not.
   */
  default float[] coLikedCenter() {
    return null;
  }

  /**
   * The mean L2 norm of the base's item embeddings (0 when unknown): the scale at which a direction built from user
   * vectors is served, since user vectors are not on the item table's scale.
   */
  default float meanItemNorm() {
    return 0f;
  }

  /**
   * The mean of the base's user vectors (null when unknown): the direction along which an item rises for everyone, so
   * that a per-item change can leave it out ({@link PosteriorUpdate}).
   */
  default float[] meanUserVector() {
    return null;
  }

  /**
   * The popularity-weighted mean of item embeddings (see {@link #coLikedCenter}); null when no item has positives.
   */
  static float[] weightedMean(float[][] embeddings, long[] positives) {
    if (embeddings.length == 0) {
      return null;
    }
    double[] acc = null;
    double total = 0;
    for (int i = 0; i < embeddings.length; i++) {
      if (embeddings[i] == null || positives[i] <= 0) {
        continue;
      }
      if (acc == null) {
        acc = new double[embeddings[i].length];
      }
      for (int k = 0; k < acc.length; k++) {
        acc[k] += positives[i] * (double) embeddings[i][k];
      }
      total += positives[i];
    }
    if (acc == null) {
      return null;
    }
    float[] out = new float[acc.length];
    for (int k = 0; k < out.length; k++) {
      out[k] = (float) (acc[k] / total);
    }
    return out;
  }

  /** The item's positives in the training period (0 for an item first seen in the stream). */
  long basePositives(long itemId);

  /** Pinnacle users borrowed for an item that has none yet (PROMO Eq. 5); empty when there is nothing to borrow. */
  List<PinnacleEntry> pseudoPinnacle(long itemId);

  /** Users the random rec-loss negatives are drawn from. */
  long[] userPool();

  WarmPool warmPool();

  /** The live targeting measure, or null to measure nothing. */
  default TargetingEstimator targeting() {
    return null;
  }

  /** The retention measurement, or null to measure nothing. */
  RetentionTracker retention();
}
