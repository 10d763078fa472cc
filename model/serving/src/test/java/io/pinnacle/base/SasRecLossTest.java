package io.pinnacle.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.pinnacle.djl.DjlRuntime;
import io.pinnacle.djl.FreedMemory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The losses in the model against the same numbers written out from the hidden states and the scored table. */
class SasRecLossTest {
  private static final int ITEMS = 9;
  private static final int LEN = 5;
  // Two histories, right-aligned; weight marks the positions that count.
  private static final long[] SEQ = {0, 0, 3, 5, 1, 0, 2, 7, 7, 4};
  private static final long[] TARGET = {0, 0, 5, 1, 8, 0, 7, 7, 4, 9};
  private static final float[] WEIGHT = {0, 0, 1, 0, 1, 0, 1, 1, 1, 1};

  @BeforeAll
  static void djl() {
    DjlRuntime.init();
  }

  @Test
  void fullSoftmaxIsTheCrossEntropyOverEveryItemButPadding() {
    try (NDManager m = NDManager.newBaseManager(); SasRec model = new SasRec(m, config(0), ITEMS)) {
      double expected = meanOverCounted(m, model, (score, p) -> {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 1; j <= ITEMS; j++) {
          max = Math.max(max, score.applyAsDouble(j));
        }
        double sum = 0;
        for (int j = 1; j <= ITEMS; j++) {
          sum += Math.exp(score.applyAsDouble(j) - max);
        }
        return -(score.applyAsDouble((int) TARGET[p]) - max - Math.log(sum));
      });
      assertEquals(expected, loss(m, model, null), 1e-4);
    }
  }

  @Test
  void sampledSoftmaxScoresTheTargetAgainstTheSharedItemsAndMasksAHit() {
    long[] negatives = {2, 7, 6};
    try (NDManager m = NDManager.newBaseManager(); SasRec model = new SasRec(m, config(3), ITEMS)) {
      double expected = meanOverCounted(m, model, (score, p) -> {
        double pos = score.applyAsDouble((int) TARGET[p]);
        double sum = Math.exp(pos);
        for (long n : negatives) {
          if (n != TARGET[p]) { // item 7 is the target at two positions: masked there
            sum += Math.exp(score.applyAsDouble((int) n));
          }
        }
        return -(pos - Math.log(sum));
      });
      assertEquals(expected, loss(m, model, m.create(negatives)), 1e-4);
    }
  }

  /**
   * The gradient does not depend on when the JVM collects: with every freed buffer reused between the forward and
   * the backward pass, each loss's gradients are finite and equal to those of an undisturbed pass (DJL's
   * {@code mul(Number)} once made the item table's gradient NaN this way: {@code GraphScalars}).
   */
  @Test
  void gradientsDoNotDependOnCollectionsBeforeBackward() {
    for (int negatives : new int[] {0, 3, -1}) { // full softmax, sampled softmax, BCE
      SasRecConfig c = negatives < 0 ? config(0).toBuilder().loss(SasRecConfig.Loss.BCE).build() : config(negatives);
      Map<String, float[]> calm = gradients(c, false);
      Map<String, float[]> collected = gradients(c, true);
      for (Map.Entry<String, float[]> e : calm.entrySet()) {
        float[] got = collected.get(e.getKey());
        for (int k = 0; k < got.length; k++) {
          assertTrue(Float.isFinite(got[k]), c.loss() + " " + e.getKey() + "[" + k + "] is " + got[k]);
          assertEquals(e.getValue()[k], got[k], 1e-6f, c.loss() + " " + e.getKey() + "[" + k + "]");
        }
      }
    }
  }

  private static Map<String, float[]> gradients(SasRecConfig config, boolean collect) {
    Map<String, float[]> out = new LinkedHashMap<>();
    try (NDManager m = NDManager.newBaseManager(); SasRec model = new SasRec(m, config, ITEMS)) {
      model.parameters().values().forEach(p -> p.setRequiresGradient(true));
      Shape shape = new Shape(2, LEN);
      NDArray negatives = config.loss() == SasRecConfig.Loss.BCE
          ? m.create(new long[] {2, 7, 6, 1, 3, 2, 8, 1, 5, 6}, shape)
          : config.negatives() > 0 ? m.create(new long[] {2, 7, 6}) : null;
      DjlRuntime.gradientLock().lock();
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray l = model.loss(m.create(SEQ, shape), m.create(TARGET, shape), negatives, m.create(WEIGHT, shape));
        Object held = collect ? FreedMemory.reuse() : null;
        gc.backward(l);
        java.lang.ref.Reference.reachabilityFence(held);
      } finally {
        DjlRuntime.gradientLock().unlock();
      }
      model.parameters().forEach((k, v) -> out.put(k, v.getGradient().toFloatArray()));
    }
    return out;
  }

  /** A position's loss from its scores (item -> h . e_item) and its index. */
  private interface PositionLoss {
    double at(IntToDoubleFunction score, int position);
  }

  /** The mean of {@code term} over the counted positions, scores from the model's hidden states and scored table. */
  private static double meanOverCounted(NDManager m, SasRec model, PositionLoss term) {
    int d = model.config().dim();
    float[] h = model.encode(m.create(SEQ, new Shape(2, LEN)), false).toFloatArray();
    float[] table = model.scoredTable().toFloatArray();
    double sum = 0;
    int counted = 0;
    for (int p = 0; p < SEQ.length; p++) {
      if (WEIGHT[p] == 0) {
        continue;
      }
      int position = p;
      sum += term.at(item -> dot(h, position, table, item, d), p);
      counted++;
    }
    return sum / counted;
  }

  private static double loss(NDManager m, SasRec model, NDArray negatives) {
    Shape shape = new Shape(2, LEN);
    return model.loss(m.create(SEQ, shape), m.create(TARGET, shape), negatives, m.create(WEIGHT, shape)).getFloat();
  }

  /** No dropout, so the training forward pass equals the evaluation one. */
  private static SasRecConfig config(int negatives) {
    return SasRecConfig.defaults().toBuilder().dim(8).maxLen(LEN).dropout(0f).negatives(negatives).build();
  }

  private static double dot(float[] h, int position, float[] table, int item, int d) {
    double s = 0;
    for (int k = 0; k < d; k++) {
      s += h[position * d + k] * table[item * d + k];
    }
    return s;
  }
}
