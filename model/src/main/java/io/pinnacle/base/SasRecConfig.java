package io.pinnacle.base;

/**
 * Hyper-parameters of the frozen base model: a SASRec user tower over the last {@code maxLen} positive items and
 * item ID embeddings shared between input and output; score = sigmoid(h_u . h_i / tau).
 */
public record SasRecConfig(int dim, int maxLen, int blocks, float dropout, float learningRate, int batchSize,
                           int maxEpochs, int patience, int evalEvery, float tau, float l2, long seed) {
  public static SasRecConfig defaults() {
    return new SasRecConfig(16, 50, 2, 0.2f, 1e-3f, 128, 500, 10, 5, 1f, 0f, 42L);
  }

  public SasRecConfig withMaxEpochs(int epochs) {
    return new SasRecConfig(dim, maxLen, blocks, dropout, learningRate, batchSize, epochs, patience, evalEvery, tau,
        l2, seed);
  }

  public SasRecConfig withDim(int d) {
    return new SasRecConfig(d, maxLen, blocks, dropout, learningRate, batchSize, maxEpochs, patience, evalEvery, tau,
        l2, seed);
  }

  public SasRecConfig withLearningRate(float lr) {
    return new SasRecConfig(dim, maxLen, blocks, dropout, lr, batchSize, maxEpochs, patience, evalEvery, tau, l2,
        seed);
  }

  public SasRecConfig withEvalEvery(int every) {
    return new SasRecConfig(dim, maxLen, blocks, dropout, learningRate, batchSize, maxEpochs, patience, every, tau,
        l2, seed);
  }
}
