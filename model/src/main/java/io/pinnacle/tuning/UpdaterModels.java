package io.pinnacle.tuning;

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
