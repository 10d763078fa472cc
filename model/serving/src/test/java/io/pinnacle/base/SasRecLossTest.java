package io.pinnacle.base;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.pinnacle.djl.DjlRuntime;
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
