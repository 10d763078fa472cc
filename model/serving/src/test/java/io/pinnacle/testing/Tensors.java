package io.pinnacle.testing;

import io.pinnacle.base.NamedTensors;
import java.util.Random;

/** Parameters with every part non-trivial, for tests (initial layer norms and fusion maps are ones and zeros). */
public final class Tensors {
  private Tensors() {}

  /** A copy of {@code p} with seeded Gaussian noise of {@code std} added to every number, in the tensors' order. */
  public static NamedTensors perturbed(NamedTensors p, Random rnd, double std) {
    NamedTensors out = new NamedTensors();
    for (var e : p.all().entrySet()) {
      float[] v = e.getValue().data().clone();
      for (int k = 0; k < v.length; k++) {
        v[k] += (float) (rnd.nextGaussian() * std);
      }
      out.put(e.getKey(), e.getValue().shape(), v);
    }
    return out;
  }
}
