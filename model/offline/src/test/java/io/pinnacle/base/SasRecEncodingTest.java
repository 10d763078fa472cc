package io.pinnacle.base;

import io.pinnacle.eval.SasRecRecommender;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.pinnacle.djl.DjlRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The user-vector shortcuts (last query only, batches trimmed to their longest history) change no result. */
class SasRecEncodingTest {
  @Test
  void userVectorsEqualTheFullEncodingAtTheLastPosition() {
    DjlRuntime.init();
    Random rnd = new Random(3);
    SasRecConfig config = SasRecConfig.defaults();
    try (NDManager m = NDManager.newBaseManager(); SasRec model = new SasRec(m, config, 40)) {
      int len = config.maxLen();
      List<int[]> histories = new ArrayList<>();
      long[] seq = new long[7 * len];
      for (int r = 0; r < 7; r++) {
        int[] h = new int[1 + rnd.nextInt(len + 10)];
        for (int k = 0; k < h.length; k++) {
          h[k] = 1 + rnd.nextInt(40);
        }
        histories.add(h);
        SasRec.fillRow(seq, r, len, h, h.length);
      }
      NDArray full = model.encode(m.create(seq, new Shape(7, len)), false);
      float[] expected = full.get(":, {}, :", len - 1).toFloatArray();
      float[] shortcut = model.userVectors(m.create(seq, new Shape(7, len))).toFloatArray();
      assertArrayEquals(expected, shortcut, 1e-5f);
      float[][] trimmed = SasRecRecommender.batchedUserVectors(model, histories);
      int d = config.dim();
      for (int r = 0; r < 7; r++) {
        float[] row = java.util.Arrays.copyOfRange(expected, r * d, (r + 1) * d);
        assertArrayEquals(row, trimmed[r], 1e-5f, "history " + r + " of length " + histories.get(r).length);
      }
    }
  }
}
