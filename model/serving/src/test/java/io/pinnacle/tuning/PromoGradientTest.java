package io.pinnacle.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.pinnacle.base.NamedTensors;
import io.pinnacle.djl.DjlRuntime;
import io.pinnacle.djl.FreedMemory;
import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.prompt.PromoForward;
import io.pinnacle.prompt.PromoGlobals;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Autograd gradients of PROMO's losses against central finite differences, in float64. */
class PromoGradientTest {
  private static final int DIM = 4;

  @BeforeAll
  static void djl() {
    DjlRuntime.init();
  }

  @Test
  void promptGradientsOfEachLossMatchFiniteDifferences() {
    check(PromoForward.Outputs::rec, "prompts");
    check(PromoForward.Outputs::pfpe, "prompts");
    check(PromoForward.Outputs::pape, "prompts");
    check(PromoForward.Outputs::total, "prompts");
  }

  @Test
  void generatorAndFusionGradientsMatchFiniteDifferences() {
    check(PromoForward.Outputs::total, PromoGlobals.GEN_WEIGHT);
    check(PromoForward.Outputs::total, PromoGlobals.GEN_BIAS);
    check(PromoForward.Outputs::total, PromoGlobals.FUSE_PINNACLE);
    check(PromoForward.Outputs::pfpe, PromoGlobals.GEN_BIAS);
  }

  /** The prompt stage and the tuner read tau and the loss weights in backward: a collection must not change them. */
  @Test
  void gradientsDoNotDependOnCollectionsBeforeBackward() {
    float[] calm = promptGradient(false);
    float[] collected = promptGradient(true);
    for (int k = 0; k < calm.length; k++) {
      assertTrue(Float.isFinite(collected[k]), "prompts[" + k + "] is " + collected[k]);
      assertEquals(calm[k], collected[k], 1e-6, "prompts[" + k + "]");
    }
  }

  private static float[] promptGradient(boolean collect) {
    PromoConfig c = PromoFixtures.config(DIM);
    NamedTensors g = PromoFixtures.globals(c, 3);
    List<ItemTuningInput> items = PromoFixtures.items(3, DIM, c.k(), 5);
    try (NDManager m = NDManager.newBaseManager()) {
      PromoForward.Inputs in = ItemBatch.pack(m, items, DIM, c.k());
      Map<String, NDArray> params = new HashMap<>();
      for (var e : g.all().entrySet()) {
        params.put(e.getKey(), m.create(e.getValue().data(), new Shape(e.getValue().shape())));
      }
      float[] pr = new float[items.size() * DIM];
      for (int i = 0; i < items.size(); i++) {
        System.arraycopy(items.get(i).state().prompt(), 0, pr, i * DIM, DIM);
      }
      NDArray prompts = m.create(pr, new Shape(items.size(), DIM));
      prompts.setRequiresGradient(true);
      DjlRuntime.gradientLock().lock();
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray l = PromoForward.run(params, prompts, in, c, 0.7f).total().sum();
        Object held = collect ? FreedMemory.reuse() : null;
        gc.backward(l);
        java.lang.ref.Reference.reachabilityFence(held);
      } finally {
        DjlRuntime.gradientLock().unlock();
      }
      return prompts.getGradient().toFloatArray();
    }
  }

  private void check(Function<PromoForward.Outputs, NDArray> loss, String wrt) {
    PromoConfig c = PromoFixtures.config(DIM);
    NamedTensors g = PromoFixtures.globals(c, 3);
    List<ItemTuningInput> items = PromoFixtures.items(3, DIM, c.k(), 5);
    try (NDManager m = NDManager.newBaseManager()) {
      PromoForward.Inputs in32 = ItemBatch.pack(m, items, DIM, c.k());
      PromoForward.Inputs in = new PromoForward.Inputs(d(in32.base()), d(in32.pinnacle()), d(in32.pinnacleMask()),
          d(in32.negative()), d(in32.negativeMask()), d(in32.sampleUsers()), d(in32.labels()),
          d(in32.sampleMask()), d(in32.sampleSelf()), d(in32.warmScore()));
      Map<String, NDArray> params = new HashMap<>();
      for (var e : g.all().entrySet()) {
        params.put(e.getKey(), d(m.create(e.getValue().data(), new Shape(e.getValue().shape()))));
      }
      float[] pr = new float[items.size() * DIM];
      for (int i = 0; i < items.size(); i++) {
        System.arraycopy(items.get(i).state().prompt(), 0, pr, i * DIM, DIM);
      }
      params.put("prompts", d(m.create(pr, new Shape(items.size(), DIM))));
      NDArray target = params.get(wrt);
      target.setRequiresGradient(true);
      double[] analytic;
      DjlRuntime.gradientLock().lock();
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray l = loss.apply(PromoForward.run(params, params.get("prompts"), in, c, 1f)).sum();
        gc.backward(l);
      } finally {
        DjlRuntime.gradientLock().unlock();
      }
      analytic = target.getGradient().toDoubleArray();
      target.setRequiresGradient(false);
      double[] values = target.toDoubleArray();
      double h = 1e-6;
      int checked = 0;
      double maxAbs = 0;
      for (int k = 0; k < values.length; k += Math.max(1, values.length / 40)) {
        double[] plus = values.clone();
        plus[k] += h;
        double[] minus = values.clone();
        minus[k] -= h;
        double lp = eval(m, params, in, c, loss, wrt, plus);
        double lm = eval(m, params, in, c, loss, wrt, minus);
        double numeric = (lp - lm) / (2 * h);
        assertEquals(numeric, analytic[k], 1e-6 + 1e-4 * Math.abs(numeric), wrt + "[" + k + "]");
        maxAbs = Math.max(maxAbs, Math.abs(analytic[k]));
        checked++;
      }
      assertTrue(checked > 5);
      assertTrue(maxAbs > 1e-8, "gradient of " + wrt + " should not vanish");
    }
  }

  private static double eval(NDManager m, Map<String, NDArray> params, PromoForward.Inputs in, PromoConfig c,
                             Function<PromoForward.Outputs, NDArray> loss, String wrt, double[] value) {
    Map<String, NDArray> p = new HashMap<>(params);
    p.put(wrt, m.create(value, params.get(wrt).getShape()));
    return loss.apply(PromoForward.run(p, p.get("prompts"), in, c, 1f)).sum().getDouble();
  }

  private static NDArray d(NDArray a) {
    return a.toType(DataType.FLOAT64, true);
  }
}
