package io.pinnacle.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A scalar that autograd keeps for the backward pass outlives a collection between the passes (with DJL's
 * {@code mul(Number)} the gradient read freed memory: NaN once it was reused). The base's and the prompt stage's
 * losses are checked the same way in {@code SasRecLossTest} and {@code PromoGradientTest}.
 */
class GraphScalarsTest {
  @BeforeAll
  static void djl() {
    DjlRuntime.init();
  }

  @Test
  void aGraphScalarOutlivesACollectionBeforeBackward() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray w = m.create(new float[] {1, 2, 3});
      w.setRequiresGradient(true);
      DjlRuntime.gradientLock().lock();
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray l = w.mul(GraphScalars.of(m, 4f)).div(GraphScalars.of(m, 2f)).sum();
        Object held = FreedMemory.reuse();
        gc.backward(l);
        java.lang.ref.Reference.reachabilityFence(held);
      } finally {
        DjlRuntime.gradientLock().unlock();
      }
      assertArrayEquals(new float[] {2, 2, 2}, w.getGradient().toFloatArray());
    }
  }
}
