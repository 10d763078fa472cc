package io.pinnacle.pipeline;

import io.pinnacle.eval.Evaluation;
import io.pinnacle.eval.Stage;
import java.util.function.ToDoubleFunction;

/**
 * Rows that know nothing of taste, beside every adaptation method: what raising cold items buys without knowing who
 * likes them. A method that lands on one of these rows' trade-offs adds no taste.
 */
final class TasteFreeBaselines {
  /** Cold-item offsets the taste-free row tries, in logits (the base scores u.i / tau). */
  static final float[] COLD_OFFSETS = {0f, 0.25f, 0.5f, 0.75f, 1f, 1.5f, 2f, 3f};

  private final SplitContext x;

  TasteFreeBaselines(SplitContext context) {
    this.x = context;
  }

  /**
   * The base plus one score offset for every cold item, the same for every user, chosen on validation by
   * {@link ValidationSelection#rule}.
   */
  PromoExperiment.TasteFree coldOffset(String name) {
    ToDoubleFunction<Evaluation> rule =
        ValidationSelection.rule(x.evaluate("Pre-train", x.baseItems, null, Stage.VALIDATION));
    double best = Double.NEGATIVE_INFINITY;
    float[] bestOffsets = null;
    float setting = 0;
    Evaluation bestValidation = null;
    for (float b : COLD_OFFSETS) {
      float[] offsets = new float[x.baseItems.length];
      for (int i = 1; i < offsets.length; i++) {
        offsets[i] = x.split.cold[i] ? b : 0f;
      }
      Evaluation v = x.evaluate(name, x.baseItems, offsets, Stage.VALIDATION);
      double score = rule.applyAsDouble(v);
      if (score > best) {
        best = score;
        bestOffsets = offsets;
        setting = b;
        bestValidation = v;
      }
    }
    return new PromoExperiment.TasteFree(setting, bestValidation,
        x.evaluate(name, x.baseItems, bestOffsets, Stage.TEST));
  }

  /** Items ranked by their training-period positives alone (log scale), the same for every user. */
  PromoExperiment.TasteFree popularity(String name) {
    float[][] none = new float[x.baseItems.length][x.dim];
    float[] offsets = new float[x.baseItems.length];
    for (int i = 1; i < offsets.length; i++) {
      offsets[i] = (float) Math.log1p(x.split.itemTrainPositives[i]);
    }
    return new PromoExperiment.TasteFree(0, x.evaluate(name, none, offsets, Stage.VALIDATION),
        x.evaluate(name, none, offsets, Stage.TEST));
  }
}
