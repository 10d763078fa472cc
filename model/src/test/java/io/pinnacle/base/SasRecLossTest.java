package io.pinnacle.base;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.pinnacle.djl.DjlRuntime;
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
    SasRecConfig config = config(0);
    try (NDManager m = NDManager.newBaseManager(); SasRec model = new SasRec(m, config, ITEMS)) {
      float[] h = model.encode(m.create(SEQ, new Shape(2, LEN)), false).toFloatArray();
      float[] table = model.scoredTable().toFloatArray();
      double expected = 0;
      int counted = 0;
      for (int p = 0; p < SEQ.length; p++) {
        if (WEIGHT[p] == 0) {
          continue;
        }
        double max = Double.NEGATIVE_INFINITY;
        double[] logit = new double[ITEMS + 1];
        for (int j = 1; j <= ITEMS; j++) {
          logit[j] = dot(h, p, table, j, config.dim());
          max = Math.max(max, logit[j]);
        }
        double sum = 0;
        for (int j = 1; j <= ITEMS; j++) {
          sum += Math.exp(logit[j] - max);
        }
        expected += -(logit[(int) TARGET[p]] - max - Math.log(sum));
        counted++;
      }
      assertEquals(expected / counted, loss(m, model, null), 1e-4);
    }
  }

  @Test
  void sampledSoftmaxScoresTheTargetAgainstTheSharedItemsAndMasksAHit() {
    SasRecConfig config = config(3);
    long[] negatives = {2, 7, 6};
    try (NDManager m = NDManager.newBaseManager(); SasRec model = new SasRec(m, config, ITEMS)) {
      float[] h = model.encode(m.create(SEQ, new Shape(2, LEN)), false).toFloatArray();
      float[] table = model.scoredTable().toFloatArray();
      double expected = 0;
      int counted = 0;
      for (int p = 0; p < SEQ.length; p++) {
        if (WEIGHT[p] == 0) {
          continue;
        }
        double pos = dot(h, p, table, (int) TARGET[p], config.dim());
        double sum = Math.exp(pos);
        for (long n : negatives) {
          if (n != TARGET[p]) { // item 7 is the target at two positions: masked there
            sum += Math.exp(dot(h, p, table, (int) n, config.dim()));
          }
        }
        expected += -(pos - Math.log(sum));
        counted++;
      }
      assertEquals(expected / counted, loss(m, model, m.create(negatives)), 1e-4);
    }
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
