package io.pinnacle.prompt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns each item's prompt embedding into its prompt vector and the weights of its own prompt network: one global
 * linear map (d -> d + layers * (d*d + d)) whose output is split and reshaped. Items stacked on the first axis.
 */
public final class PromptGenerator {
  private PromptGenerator() {}

  /** The generated parts for a stack of B items. */
  public record Generated(NDArray promptVector, List<NDArray> weights, List<NDArray> biases) {}

  public static Generated generate(NDArray prompts, NDArray weight, NDArray bias, int dim, int layers) {
    long b = prompts.getShape().get(0);
    NDArray g = prompts.matMul(weight).add(bias);
    NDArray q = g.get(new NDIndex(":, 0:{}", dim));
    List<NDArray> ws = new ArrayList<>(layers);
    List<NDArray> bs = new ArrayList<>(layers);
    int off = dim;
    for (int l = 0; l < layers; l++) {
      ws.add(g.get(new NDIndex(":, {}:{}", off, off + dim * dim)).reshape(new Shape(b, dim, dim)));
      off += dim * dim;
      bs.add(g.get(new NDIndex(":, {}:{}", off, off + dim)).reshape(new Shape(b, 1, dim)));
      off += dim;
    }
    return new Generated(q, ws, bs);
  }
}
