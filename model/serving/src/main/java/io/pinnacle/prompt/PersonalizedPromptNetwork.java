package io.pinnacle.prompt;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * Each item's own small network, applied to its feedback users: {@code x -> W_l(...relu(W_1 x + b_1)...) + b_l},
 * with ReLU between layers and a linear last layer, as batched matrix products over the stacked items (B, n, d).
 */
public final class PersonalizedPromptNetwork {
  private PersonalizedPromptNetwork() {}

  public static NDArray apply(PromptGenerator.Generated net, NDArray users) {
    NDArray x = users;
    int layers = net.weights().size();
    for (int l = 0; l < layers; l++) {
      x = x.batchMatMul(net.weights().get(l)).add(net.biases().get(l));
      if (l < layers - 1) {
        x = Activation.relu(x);
      }
    }
    return x;
  }
}
