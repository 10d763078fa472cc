package io.pinnacle.pipeline;

import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.feedback.ItemFeedbackState;
import io.pinnacle.feedback.PinnacleMode;
import io.pinnacle.retention.RetentionStats;
import io.pinnacle.retention.RetentionTracker;
import io.pinnacle.retention.TrackedPair;
import io.pinnacle.tuning.UpdaterConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The forgetting baseline: the training period replayed with each cold item's embedding (from its base embedding)
 * updated by online SGD on every labelled event (BCE of sigmoid(h_u . e_i / tau)), as a CF model trained online
 * would; retention is tracked exactly as for PROMO-stream.
 */
final class SgdReplayBaseline {
  private final SplitContext x;

  SgdReplayBaseline(SplitContext context) {
    this.x = context;
  }

  /** The retention tracker over this split's catalogue (base item embeddings, dense ids), the job's top-K rule. */
  RetentionTracker retentionTracker(double rate, int maxPerItem, long seed) {
    long[] ids = new long[x.baseItems.length];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i;
    }
    float[][] cat = x.baseItems.clone();
    cat[0] = null;
    return new RetentionTracker(rate, maxPerItem, UpdaterConfig.RETENTION_TOP_K, UpdaterConfig.RETENTION_CANDIDATES,
        seed, ids, cat);
  }

  float[][] run(float lr, RetentionTracker tracker, RetentionStats stats, int k) {
    float[][] table = x.baseItems.clone();
    int ni = x.split.numItems();
    @SuppressWarnings("unchecked")
    List<TrackedPair>[] pairs = new List[ni + 1];
    ItemFeedbackState[] states = new ItemFeedbackState[ni + 1];
    long[] positivesSoFar = new long[ni + 1];
    int threshold = x.split.dataset.rules().coldThreshold();
    LeaveOneOutSplit.TrainingLog log = x.split.training;
    for (int e = 0; e < log.size(); e++) {
      int item = log.item()[e];
      if (positivesSoFar[item] >= threshold) {
        continue;
      }
      if (states[item] == null) {
        states[item] = new ItemFeedbackState(k, PinnacleMode.VALUE, UpdaterConfig.RECENT_SAMPLES, 31L * item);
        table[item] = x.baseItems[item].clone();
      }
      int u = log.user()[e];
      float y = log.positive()[e] ? 1f : 0f;
      if (log.positive()[e]) {
        positivesSoFar[item]++;
        states[item].positive(u, log.value()[e], log.timeMs()[e]);
        track(tracker, stats, pairs, states[item], item, u, table[item]);
      } else {
        states[item].negative(u, log.timeMs()[e]);
      }
      float[] h = x.usersTrain[u];
      float[] v = table[item].clone();
      float z = 0;
      for (int d = 0; d < v.length; d++) {
        z += h[d] * v[d];
      }
      float g = (float) (1 / (1 + Math.exp(-z / x.tau))) - y;
      for (int d = 0; d < v.length; d++) {
        v[d] -= lr * g * h[d] / x.tau;
      }
      table[item] = v;
      if (pairs[item] != null) {
        tracker.afterUpdate(item, pairs[item], v, states[item].negativeCount(), x::userVector, stats);
      }
    }
    for (int item : x.warmItems) {
      table[item] = x.baseItems[item];
    }
    return table;
  }

  /** Starts following (user, item) if the user just entered the item's pinnacle set and the pair is sampled. */
  private void track(RetentionTracker tracker, RetentionStats stats, List<TrackedPair>[] pairs,
                     ItemFeedbackState state, int item, int user, float[] currentEmbedding) {
    // Like the stream, which knows from the artifact which items are popular, only the split's cold items count.
    if (tracker == null || !x.split.cold[item] || !state.pinnacle().contains(user)) {
      return;
    }
    if (pairs[item] == null) {
      pairs[item] = new ArrayList<>();
    }
    for (TrackedPair p : pairs[item]) {
      if (p.userId() == user) {
        return;
      }
    }
    if (tracker.sampled(item, user, pairs[item].size())) {
      pairs[item].add(tracker.start(item, user, x.usersTrain[user], state.negativeCount(), currentEmbedding, stats));
    }
  }
}
