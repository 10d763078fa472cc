package io.pinnacle.pipeline;

import io.pinnacle.eval.Evaluation;
import java.util.function.ToDoubleFunction;

/**
 * The one model-selection rule of the leave-one-out evaluation, for every adaptation method and the taste-free rows
 * alike, and the residual gates the prompt stage is calibrated over.
 */
public final class ValidationSelection {
  /**
   * All-user HR@10 on validation that adaptation may spend for cold items: one point, the budget a platform gives
   * a cold-start method (the KuaiRand issue's target).
   */
  public static final double ALL_USER_BUDGET = 0.01;

  /** The residual gates the prompt stage calibrates over, largest first (ties keep the larger). */
  public static final float[] GATES = {1f, 0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f, 0.3f, 0.2f, 0.1f};

  private ValidationSelection() {}

  /**
   * The highest cold-user HR@10 among candidates whose all-user HR@10 stays within {@link #ALL_USER_BUDGET} of the
   * base's (ties to the higher all-user HR@10); a candidate over budget ranks below every one within it. The base
   * itself is always within budget, so a method that cannot lift cold items without the cost keeps the base.
   */
  public static ToDoubleFunction<Evaluation> rule(Evaluation base) {
    double floor = base.all().hr10() - ALL_USER_BUDGET - 1e-9;
    return v -> v.all().hr10() >= floor ? v.cold().hr10() + 1e-3 * v.all().hr10() : v.all().hr10() - 1;
  }

  /** {@code base + gate * (table - base)}, row by row (warm rows are the base's, so they stay). */
  static float[][] gated(float[][] base, float[][] table, float gate) {
    int dim = base[0].length;
    float[][] out = new float[table.length][];
    for (int i = 0; i < table.length; i++) {
      out[i] = new float[dim];
      for (int j = 0; j < dim; j++) {
        out[i][j] = base[i][j] + gate * (table[i][j] - base[i][j]);
      }
    }
    return out;
  }
}
