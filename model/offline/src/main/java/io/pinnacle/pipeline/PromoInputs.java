package io.pinnacle.pipeline;

import io.pinnacle.feedback.ItemFeedbackState;
import io.pinnacle.feedback.PinnacleEntry;
import io.pinnacle.feedback.PinnacleMode;
import io.pinnacle.feedback.PseudoPinnacle;
import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.tuning.ItemTuningInput;
import io.pinnacle.tuning.PromptState;
import io.pinnacle.tuning.TuningInputs;
import io.pinnacle.tuning.UpdaterConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The prompt stage's examples from a split's training period (RecBole's sampler and data loader): what an item
 * brings to a training step (pinnacle users, negatives, labelled samples drawn from its history) and to serving
 * (pinnacle or borrowed pseudo-pinnacle users and negatives, no samples).
 */
final class PromoInputs {
  private final SplitContext x;
  private final Map<Long, List<PinnacleEntry>> pseudoCache = new HashMap<>();

  PromoInputs(SplitContext context) {
    this.x = context;
  }

  /** Serving input: the item's pinnacle (or pseudo-pinnacle) users and negatives; no samples. */
  ItemTuningInput serving(PromoConfig c, int item, PromptState st) {
    ItemFeedbackState s = x.feedback.get(c.pinnacleMode())[item];
    ItemFeedbackState noRecent = new ItemFeedbackState(s.pinnacle(), s.negatives(), List.of(),
        UpdaterConfig.RECENT_SAMPLES, s.positiveCount(), s.negativeCount(), s.lastEventTimeMs());
    return TuningInputs.fromState(item, x.baseItems[item], noRecent, pseudoPinnacle(c.pinnacleMode(), item), st,
        x::userVector, x.warmPool, new long[0]);
  }

  /** A fresh training input: pinnacle and negatives as in serving, plus samples drawn from the item's history. */
  ItemTuningInput training(PromoConfig c, int item, Random rnd) {
    ItemFeedbackState s = x.feedback.get(c.pinnacleMode())[item];
    List<PinnacleEntry> pin = s.pinnacle().entries();
    float[][] pinVec = new float[pin.size()][];
    List<Long> pinIds = new ArrayList<>();
    for (int j = 0; j < pin.size(); j++) {
      pinVec[j] = x.usersTrain[(int) pin.get(j).userId()];
      pinIds.add(pin.get(j).userId());
    }
    List<float[]> neg = new ArrayList<>();
    for (long u : s.negatives().users()) {
      neg.add(x.usersTrain[(int) u]);
    }
    while (neg.size() < c.k()) {
      neg.add(x.usersTrain[nonInteracting(item, rnd)]);
    }
    int r = c.samples();
    float[][] su = new float[r][];
    float[] labels = new float[r];
    int[] self = new int[r];
    float[] warm = new float[r];
    List<Integer> pos = x.positives.get(item);
    List<Integer> logged = x.loggedNegatives.get(item);
    for (int j = 0; j < r; j++) {
      int u;
      if (j < r / 2) {
        u = pos.get(rnd.nextInt(pos.size()));
        labels[j] = 1f;
      } else {
        u = !logged.isEmpty() && rnd.nextDouble() < c.loggedNegativeShare() ? logged.get(rnd.nextInt(logged.size()))
            : nonInteracting(item, rnd);
      }
      su[j] = x.usersTrain[u];
      self[j] = pinIds.indexOf((long) u);
      warm[j] = x.warmScore[u];
    }
    boolean dropBase = c.baseDropout() > 0 && rnd.nextDouble() < c.baseDropout();
    return new ItemTuningInput(item, dropBase ? new float[x.dim] : x.baseItems[item], pinVec,
        neg.toArray(new float[0][]), su, labels, self, warm, null);
  }

  private int nonInteracting(int item, Random rnd) {
    for (int tries = 0; tries < 20; tries++) {
      int u = rnd.nextInt(x.usersTrain.length);
      if (!x.split.hasInteracted(u, item)) {
        return u;
      }
    }
    return rnd.nextInt(x.usersTrain.length);
  }

  /** Pinnacle users borrowed from the most similar popular item (Tanimoto of base embeddings). */
  List<PinnacleEntry> pseudoPinnacle(PinnacleMode mode, int item) {
    long key = mode.ordinal() * 10_000_000L + item;
    return pseudoCache.computeIfAbsent(key, k -> {
      float[][] cands = new float[x.warmItems.length][];
      for (int w = 0; w < x.warmItems.length; w++) {
        cands[w] = x.baseItems[x.warmItems[w]];
      }
      int nearest = PseudoPinnacle.nearest(x.baseItems[item], cands);
      return nearest < 0 ? List.of() : x.feedback.get(mode)[x.warmItems[nearest]].pinnacle().entries();
    });
  }
}
