package io.pinnacle.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.pinnacle.base.SasRec;
import io.pinnacle.base.SasRecConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Gradients that do not depend on when the JVM collects: between the forward and the backward pass every buffer DJL
 * has let go of is collected and its memory handed to NaN-filled buffers, which is what made the base's item table
 * gradient NaN at random (a finite loss, most entries NaN) while a scalar of {@code mul(Number)} was read from freed
 * memory.
 */
class GraphScalarsTest {
  private static final int ITEMS = 9;
  private static final int LEN = 5;
  private static final long[] SEQ = {0, 0, 3, 5, 1, 0, 2, 7, 7, 4};
  private static final long[] TARGET = {0, 0, 5, 1, 8, 0, 7, 7, 4, 9};
  private static final float[] WEIGHT = {0, 0, 1, 0, 1, 0, 1, 1, 1, 1};

  @BeforeAll
  static void djl() {
    DjlRuntime.init();
  }

  @Test
  void aGraphScalarOutlivesACollectionBeforeBackward() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray w = m.create(new float[] {1, 2, 3});
      float[] g = gradient(w, x -> x.mul(GraphScalars.of(m, 4f)).div(GraphScalars.of(m, 2f)).sum());
      assertArrayEquals(new float[] {2, 2, 2}, g);
    }
  }

  @Test
  void theBaseModelsGradientDoesNotDependOnCollections() {
    for (int negatives : new int[] {0, 3, -1}) { // full softmax, sampled softmax, BCE
      SasRecConfig.Builder b = SasRecConfig.defaults().toBuilder().dim(8).maxLen(LEN).dropout(0f);
      SasRecConfig config = negatives < 0 ? b.loss(SasRecConfig.Loss.BCE).build() : b.negatives(negatives).build();
      Map<String, float[]> calm = baseGradients(config, false);
      Map<String, float[]> collected = baseGradients(config, true);
      for (Map.Entry<String, float[]> e : calm.entrySet()) {
        float[] got = collected.get(e.getKey());
        for (int k = 0; k < got.length; k++) {
          assertTrue(Float.isFinite(got[k]), config.loss() + " " + e.getKey() + "[" + k + "] is " + got[k]);
          assertEquals(e.getValue()[k], got[k], 1e-6f, config.loss() + " " + e.getKey() + "[" + k + "]");
        }
      }
    }
  }

  private static Map<String, float[]> baseGradients(SasRecConfig config, boolean collect) {
    Map<String, float[]> out = new LinkedHashMap<>();
    try (NDManager m = NDManager.newBaseManager(); SasRec model = new SasRec(m, config, ITEMS)) {
      model.parameters().values().forEach(p -> p.setRequiresGradient(true));
      Shape shape = new Shape(2, LEN);
      NDArray negatives = config.loss() == SasRecConfig.Loss.BCE ? m.create(new long[] {2, 7, 6, 1, 3, 2, 8, 1, 5, 6},
          shape) : config.negatives() > 0 ? m.create(new long[] {2, 7, 6}) : null;
      DjlRuntime.gradientLock().lock();
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray l = model.loss(m.create(SEQ, shape), m.create(TARGET, shape), negatives, m.create(WEIGHT, shape));
        if (collect) {
          reuseFreedBuffers();
        }
        gc.backward(l);
      } finally {
        DjlRuntime.gradientLock().unlock();
      }
      model.parameters().forEach((k, v) -> out.put(k, v.getGradient().toFloatArray()));
    }
    return out;
  }

  private static float[] gradient(NDArray w, Function<NDArray, NDArray> loss) {
    w.setRequiresGradient(true);
    DjlRuntime.gradientLock().lock();
    try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
      NDArray l = loss.apply(w);
      reuseFreedBuffers();
      gc.backward(l);
    } finally {
      DjlRuntime.gradientLock().unlock();
    }
    return w.getGradient().toFloatArray();
  }

  /** Collects what DJL let go of and fills the freed native memory with NaN, as a busy training's heap would. */
  private static void reuseFreedBuffers() {
    List<ByteBuffer> spray = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      System.gc();
      try {
        Thread.sleep(30);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (int i = 0; i < 10_000; i++) {
      ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
      b.putFloat(0, Float.NaN);
      spray.add(b);
    }
    assertEquals(10_000, spray.size());
  }
}
