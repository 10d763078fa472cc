package io.pinnacle.tuning;

import io.pinnacle.base.NamedTensors;
import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.prompt.PromoGlobals;
import io.pinnacle.testing.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random but seeded PROMO inputs for unit tests. */
final class PromoFixtures {
  private PromoFixtures() {}

  static PromoConfig config(int dim) {
    return PromoConfig.defaults(dim).withLambdas(0.5f, 0.5f);
  }

  /** Globals with every part non-trivial (the initial fusion maps are partly zero). */
  static NamedTensors globals(PromoConfig c, long seed) {
    return Tensors.perturbed(PromoGlobals.initial(c), new Random(seed), 0.3);
  }

  static List<ItemTuningInput> items(int n, int dim, int k, long seed) {
    Random rnd = new Random(seed);
    List<ItemTuningInput> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int pins = 1 + rnd.nextInt(k);
      int negs = 1 + rnd.nextInt(k);
      int samples = 2 + rnd.nextInt(6);
      float[][] pin = vectors(rnd, pins, dim);
      float[][] su = vectors(rnd, samples, dim);
      float[] labels = new float[samples];
      int[] self = new int[samples];
      float[] warm = new float[samples];
      for (int s = 0; s < samples; s++) {
        labels[s] = s % 2 == 0 ? 1f : 0f;
        self[s] = s == 0 ? 0 : -1;
        if (s == 0) {
          su[s] = pin[0];
        }
        warm[s] = (float) rnd.nextGaussian();
      }
      float[] prompt = vectors(rnd, 1, dim)[0];
      float[] m = new float[dim];
      float[] v = new float[dim];
      out.add(new ItemTuningInput(1000 + i, vectors(rnd, 1, dim)[0], pin, vectors(rnd, negs, dim), su, labels, self,
          warm, new PromptState(prompt, m, v, 0)));
    }
    return out;
  }

  static float[][] vectors(Random rnd, int n, int dim) {
    float[][] out = new float[n][dim];
    for (float[] row : out) {
      for (int k = 0; k < dim; k++) {
        row[k] = (float) rnd.nextGaussian();
      }
    }
    return out;
  }
}
