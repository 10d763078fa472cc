package io.pinnacle.base;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Adam over a fixed set of parameter arrays. Moments live in the manager given at construction; call
 * {@link #step(float)} after the gradient collector closed (grad mode off), inside an NDScope so temporaries are
 * freed. {@link #gradientNorm()} lets a guard look at the gradient before it is applied; {@link #reset} starts the
 * moments over at a new learning rate (after a divergence).
 */
public final class Adam {
  private static final NDIndex ALL = new NDIndex(":");
  private final List<String> names = new ArrayList<>();
  private final List<NDArray> params = new ArrayList<>();
  private final List<NDArray> m = new ArrayList<>();
  private final List<NDArray> v = new ArrayList<>();
  private float lr;
  private final float beta1;
  private final float beta2;
  private final float eps;
  private int t;

  public Adam(NDManager stateManager, Map<String, NDArray> parameters, float lr, float beta1, float beta2) {
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = 1e-8f;
    for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
      NDArray p = e.getValue();
      names.add(e.getKey());
      params.add(p);
      m.add(stateManager.zeros(p.getShape()));
      v.add(stateManager.zeros(p.getShape()));
    }
  }

  public void attachGradients() {
    for (NDArray p : params) {
      p.setRequiresGradient(true);
    }
  }

  public void detachGradients() {
    for (NDArray p : params) {
      p.setRequiresGradient(false);
    }
  }

  /** The global L2 norm of the current gradients (NaN or infinite when any gradient is). */
  public double gradientNorm() {
    double sum = 0;
    for (NDArray p : params) {
      float squares = p.getGradient().square().sum().getFloat();
      if (Float.isInfinite(squares)) {
        // Squares summed in float32 overflow above ~1.8e19 while every gradient is finite: such a step is clipped,
        // not a divergence, so its norm is taken on the gradient scaled by its largest magnitude.
        NDArray g = p.getGradient();
        float max = g.abs().max().getFloat();
        if (Float.isFinite(max)) {
          sum += (double) max * max * g.div(max).square().sum().getFloat();
          continue;
        }
      }
      sum += squares;
    }
    return Math.sqrt(sum);
  }

  /** The parameters whose gradient holds a NaN or an infinity, with their largest finite magnitude (diagnostics). */
  public List<String> nonFiniteGradients() {
    List<String> out = new ArrayList<>();
    for (int k = 0; k < params.size(); k++) {
      float[] g = params.get(k).getGradient().toFloatArray();
      int bad = 0;
      for (float x : g) {
        if (!Float.isFinite(x)) {
          bad++;
        }
      }
      if (bad > 0) {
        out.add(names.get(k) + " (" + bad + " of " + g.length + ")");
      }
    }
    return out;
  }

  /** One step with every gradient multiplied by {@code scale} (1, or less when clipped). */
  public void step(float scale) {
    t++;
    float c1 = 1f - (float) Math.pow(beta1, t);
    float c2 = 1f - (float) Math.pow(beta2, t);
    for (int k = 0; k < params.size(); k++) {
      NDArray g = params.get(k).getGradient();
      if (scale != 1f) {
        g = g.mul(scale);
      }
      m.get(k).muli(beta1).addi(g.mul(1f - beta1));
      v.get(k).muli(beta2).addi(g.square().muli(1f - beta2));
      NDArray update = m.get(k).div(c1).divi(v.get(k).div(c2).sqrt().addi(eps)).muli(lr);
      params.get(k).subi(update);
    }
    clearGradients();
  }

  public void step() {
    step(1f);
  }

  /** PyTorch accumulates gradients: zero them (by assignment, which also clears a NaN) for the next step. */
  public void clearGradients() {
    for (NDArray p : params) {
      p.getGradient().set(ALL, 0f);
    }
  }

  /** Moments and step count back to zero, and a new learning rate. */
  public void reset(float learningRate) {
    this.lr = learningRate;
    this.t = 0;
    for (int k = 0; k < params.size(); k++) {
      m.get(k).set(ALL, 0f);
      v.get(k).set(ALL, 0f);
    }
    clearGradients();
  }
}
