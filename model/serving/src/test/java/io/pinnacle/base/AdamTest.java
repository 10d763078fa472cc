package io.pinnacle.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.pinnacle.djl.DjlRuntime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AdamTest {
  @BeforeAll
  static void djl() {
    DjlRuntime.init();
  }

  /** The gradient norm of loss = sum(p * c): the norm of c. */
  private static double norm(float[] c) {
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> params = new LinkedHashMap<>();
      params.put("p", m.ones(new Shape(c.length)));
      Adam adam = new Adam(m, params, 1e-3f, 0.9f, 0.98f);
      adam.attachGradients();
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        gc.backward(params.get("p").mul(m.create(c)).sum());
      }
      return adam.gradientNorm();
    }
  }

  @Test
  void aHugeFiniteGradientHasAFiniteNorm() {
    assertEquals(5.0, norm(new float[] {3f, 4f}), 1e-6);
    // Squared in float32 these overflow; the step is finite and must be clipped, not taken for a divergence.
    double n = norm(new float[] {3e19f, 4e19f});
    assertEquals(5e19, n, 5e19 * 1e-6);
    assertTrue(Double.isInfinite(norm(new float[] {Float.POSITIVE_INFINITY, 1f})));
    assertTrue(Double.isNaN(norm(new float[] {Float.NaN, 1f})));
  }
}
