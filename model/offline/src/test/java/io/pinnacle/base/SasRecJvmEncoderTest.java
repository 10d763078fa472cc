package io.pinnacle.base;

import io.pinnacle.eval.SasRecRecommender;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.ndarray.NDManager;
import io.pinnacle.djl.DjlRuntime;
import io.pinnacle.testing.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The JVM forward pass gives DJL's user vectors to 1e-5: random histories of every length (up to past the maximum),
 * parameters with every part non-trivial, at the base's dimensions (16, and 32 with a separate output table).
 */
class SasRecJvmEncoderTest {
  @Test
  void theJvmEncoderGivesDjlsUserVectors() {
    check(SasRecConfig.defaults(), 60, 1);
    check(SasRecConfig.defaults().toBuilder().dim(32).separateOutput(true).build(), 45, 2);
  }

  private static void check(SasRecConfig config, int items, long seed) {
    DjlRuntime.init();
    Random rnd = new Random(seed);
    try (NDManager m = NDManager.newBaseManager()) {
      NamedTensors params;
      try (SasRec init = new SasRec(m, config, items)) {
        params = Tensors.perturbed(init.snapshot(), rnd, 0.2); // layer norms start as ones and zeros
      }
      try (SasRec model = new SasRec(m, config, params)) {
        List<int[]> histories = new ArrayList<>();
        for (int len = 1; len <= config.maxLen() + 5; len++) {
          int[] h = new int[len];
          for (int k = 0; k < len; k++) {
            h[k] = 1 + rnd.nextInt(items);
          }
          histories.add(h);
        }
        float[][] djl = SasRecRecommender.batchedUserVectors(model, histories);
        SasRecJvmEncoder jvm = new SasRecJvmEncoder(config, params);
        for (int r = 0; r < histories.size(); r++) {
          assertArrayEquals(djl[r], jvm.encode(histories.get(r)), 1e-5f, "history of " + histories.get(r).length);
        }
        assertNull(jvm.encode(new int[0]));
        // SasRecRecommender's user vectors (pre-training's stored ones): the JVM pass, and the batched pass's vector
        // for an empty history (its padded row is masked out, which the JVM pass, without padding, has no term for)
        List<int[]> empty = List.of(new int[0], histories.get(3));
        float[][] batched = SasRecRecommender.batchedUserVectors(model, empty);
        float[][] served = SasRecRecommender.userVectors(model, empty);
        assertArrayEquals(batched[0], served[0], 1e-5f, "empty history");
        assertArrayEquals(batched[1], served[1], 1e-5f, "history of 4");
      }
    }
  }
}
