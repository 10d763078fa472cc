package io.pinnacle.tuning;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.pinnacle.base.NamedTensors;
import io.pinnacle.djl.DjlRuntime;
import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.prompt.PromoForward;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The DJL autograd implementation of {@link PromptTuning}, the reference for {@link ClosedFormTuner} and the
 * engine for GPU TaskManagers. Incremental prompt tuning of a micro-batch of items at once: every item's prompt is stepped with its own Adam
 * state on its own loss (losses are per item and summed, so items do not influence each other), with batched
 * matrix products over the stacked per-item networks. The global PROMO parameters and the base model are frozen
 * constants here. Safe to call from several threads: gradient work is serialized per JVM (one gradient collector
 * per JVM is a PyTorch-engine rule), and nothing mutable is shared between calls.
 */
public final class PromptTuner implements PromptTuning {
  private final NDManager manager;
  private final Map<String, NDArray> globals = new HashMap<>();
  private final PromoConfig config;
  private final float tau;
  private final float beta1 = 0.9f;
  private final float beta2 = 0.98f;
  private final float eps = 1e-8f;

  public PromptTuner(NamedTensors frozenGlobals, PromoConfig config, float tau, Device device) {
    DjlRuntime.init();
    this.config = config;
    this.tau = tau;
    this.manager = NDManager.newBaseManager(device);
    for (var e : frozenGlobals.all().entrySet()) {
      globals.put(e.getKey(), manager.create(e.getValue().data().clone(), new Shape(e.getValue().shape())));
    }
  }

  @Override
  public PromoConfig config() {
    return config;
  }

  @Override
  public Result tune(List<ItemTuningInput> items, int steps) {
    int b = items.size();
    int d = config.dim();
    List<PromptState> states = new ArrayList<>(b);
    for (ItemTuningInput it : items) {
      PromptState s = it.state();
      states.add(new PromptState(s.prompt().clone(), s.m().clone(), s.v().clone(), s.step()));
    }
    if (b == 0) {
      return new Result(states, new float[0][], 0, 0, 0);
    }
    ReentrantLock lock = DjlRuntime.gradientLock();
    lock.lock();
    try (NDScope scope = new NDScope(); NDManager m = manager.newSubManager()) {
      scope.suppressNotUsedWarning();
      PromoForward.Inputs in = ItemBatch.pack(m, items, d, config.k());
      float rec = Float.NaN;
      float pfpe = Float.NaN;
      float pape = Float.NaN;
      for (int step = 0; step < steps; step++) {
        NDArray prompts = m.create(flatten(states, d), new Shape(b, d));
        prompts.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
          PromoForward.Outputs out = PromoForward.run(globals, prompts, in, config, tau);
          gc.backward(out.total().sum());
          if (step == steps - 1) {
            rec = out.rec().mean().getFloat();
            pfpe = out.pfpe().mean().getFloat();
            pape = out.pape().mean().getFloat();
          }
        }
        float[] grad = prompts.getGradient().toFloatArray();
        prompts.setRequiresGradient(false);
        for (int i = 0; i < b; i++) {
          states.set(i, adam(states.get(i), grad, i * d));
        }
      }
      NDArray prompts = m.create(flatten(states, d), new Shape(b, d));
      float[] emb = PromoForward.embed(globals, prompts, in.base(), in.pinnacle(), in.pinnacleMask(), config)
          .toFloatArray();
      float[][] embeddings = new float[b][];
      for (int i = 0; i < b; i++) {
        embeddings[i] = Arrays.copyOfRange(emb, i * d, (i + 1) * d);
      }
      return new Result(states, embeddings, rec, pfpe, pape);
    } finally {
      lock.unlock();
    }
  }

  /** Each item's gradient of its total loss with respect to its current prompt, no step taken (a test reference). */
  float[][] gradients(List<ItemTuningInput> items) {
    int b = items.size();
    int d = config.dim();
    List<PromptState> states = new ArrayList<>(b);
    for (ItemTuningInput it : items) {
      states.add(it.state());
    }
    ReentrantLock lock = DjlRuntime.gradientLock();
    lock.lock();
    try (NDScope scope = new NDScope(); NDManager m = manager.newSubManager()) {
      scope.suppressNotUsedWarning();
      PromoForward.Inputs in = ItemBatch.pack(m, items, d, config.k());
      NDArray prompts = m.create(flatten(states, d), new Shape(b, d));
      prompts.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        gc.backward(PromoForward.run(globals, prompts, in, config, tau).total().sum());
      }
      float[] grad = prompts.getGradient().toFloatArray();
      float[][] out = new float[b][];
      for (int i = 0; i < b; i++) {
        out[i] = Arrays.copyOfRange(grad, i * d, (i + 1) * d);
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  private PromptState adam(PromptState s, float[] grad, int off) {
    int d = s.dim();
    int t = s.step() + 1;
    float c1 = 1f - (float) Math.pow(beta1, t);
    float c2 = 1f - (float) Math.pow(beta2, t);
    float lr = config.tuneLearningRate();
    float[] p = s.prompt().clone();
    float[] m = s.m().clone();
    float[] v = s.v().clone();
    for (int k = 0; k < d; k++) {
      float g = grad[off + k];
      m[k] = beta1 * m[k] + (1 - beta1) * g;
      v[k] = beta2 * v[k] + (1 - beta2) * g * g;
      p[k] -= lr * (m[k] / c1) / ((float) Math.sqrt(v[k] / c2) + eps);
    }
    return new PromptState(p, m, v, t);
  }

  private static float[] flatten(List<PromptState> states, int d) {
    float[] out = new float[states.size() * d];
    for (int i = 0; i < states.size(); i++) {
      System.arraycopy(states.get(i).prompt(), 0, out, i * d, d);
    }
    return out;
  }

  @Override
  public void close() {
    manager.close();
  }
}
