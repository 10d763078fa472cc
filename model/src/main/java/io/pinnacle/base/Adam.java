package io.pinnacle.base;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Adam over a fixed set of parameter arrays. Moments live in the manager given at construction; call
 * {@link #step()} after the gradient collector closed (grad mode off), inside an NDScope so temporaries are freed.
 */
public final class Adam {
  private final List<NDArray> params = new ArrayList<>();
  private final List<NDArray> m = new ArrayList<>();
  private final List<NDArray> v = new ArrayList<>();
  private final float lr;
  private final float beta1;
  private final float beta2;
  private final float eps;
  private int t;

  public Adam(NDManager stateManager, Map<String, NDArray> parameters, float lr, float beta1, float beta2) {
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = 1e-8f;
    for (NDArray p : parameters.values()) {
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

  public void step() {
    t++;
    float c1 = 1f - (float) Math.pow(beta1, t);
    float c2 = 1f - (float) Math.pow(beta2, t);
    for (int k = 0; k < params.size(); k++) {
      NDArray g = params.get(k).getGradient();
      m.get(k).muli(beta1).addi(g.mul(1f - beta1));
      v.get(k).muli(beta2).addi(g.square().muli(1f - beta2));
      NDArray update = m.get(k).div(c1).divi(v.get(k).div(c2).sqrt().addi(eps)).muli(lr);
      params.get(k).subi(update);
      g.subi(g); // PyTorch accumulates gradients: clear them for the next step
    }
  }
}
