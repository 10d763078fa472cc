package io.pinnacle.base;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * Hyper-parameters of the frozen base model: a SASRec user tower over the last {@code maxLen} positive items and an
 * item table; score = h_u . h_i / tau. The serving contract does not depend on them: a user vector from the user's
 * recent items, an item embedding, a dot product.
 *
 * <p>{@code loss}: {@link Loss#SOFTMAX} is cross-entropy of the next item over the whole catalogue, or over
 * {@code negatives} uniformly sampled items shared by a batch when that is positive; {@link Loss#BCE} is the PROMO
 * authors' baseline (one sampled negative per position). {@code separateOutput}: the item embeddings that are scored
 * (and served) are a table of their own rather than the input table. {@code clipNorm}: the global gradient norm is
 * clipped to it (0: no clipping). Artifacts written before these fields existed read as BCE, shared table, no
 * clipping, which is what they were trained with.
 */
@JsonIgnoreProperties(ignoreUnknown = true) // "l2" of format-1 artifacts was never applied
public record SasRecConfig(int dim, int maxLen, int blocks, float dropout, float learningRate, int batchSize,
                           int maxEpochs, int patience, int evalEvery, float tau, long seed, Loss loss, int negatives,
                           boolean separateOutput, float clipNorm) {

  /** The next-item objective. */
  public enum Loss { BCE, SOFTMAX }

  public SasRecConfig {
    if (loss == null) {
      loss = Loss.BCE;
    }
    if (dim <= 0 || maxLen <= 0 || blocks <= 0 || batchSize <= 0) {
      throw new IllegalArgumentException("dim, maxLen, blocks and batchSize must be positive");
    }
    if (dropout < 0 || dropout >= 1) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }
  }

  /**
   * The defaults, chosen on the validation periods of ML-100K, KuaiRand and the synthetic stream (model/README.md,
   * "Base model"): full-softmax cross-entropy over the catalogue, the item table shared between input and output,
   * gradient norm clipped at 1.
   */
  public static SasRecConfig defaults() {
    return new SasRecConfig(16, 50, 2, 0.2f, 1e-3f, 128, 500, 10, 5, 1f, 42L, Loss.SOFTMAX, 0, false, 1f);
  }

  /**
   * What pre-training chooses between on validation when not told otherwise: the defaults with each loss. Neither
   * wins everywhere (softmax on ML-100K and KuaiRand, BCE on the synthetic stream), so the data set decides.
   */
  public static List<SasRecConfig> defaultCandidates() {
    return List.of(defaults(), defaults().toBuilder().loss(Loss.BCE).build());
  }

  /** The PROMO authors' baseline settings (the base before issue 22): d 16, BCE, shared table, no clipping. */
  public static SasRecConfig baseline() {
    return new SasRecConfig(16, 50, 2, 0.2f, 1e-3f, 128, 500, 10, 5, 1f, 42L, Loss.BCE, 0, false, 0f);
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  public SasRecConfig withMaxEpochs(int epochs) {
    return toBuilder().maxEpochs(epochs).build();
  }

  public SasRecConfig withDim(int d) {
    return toBuilder().dim(d).build();
  }

  public SasRecConfig withLearningRate(float lr) {
    return toBuilder().learningRate(lr).build();
  }

  public SasRecConfig withEvalEvery(int every) {
    return toBuilder().evalEvery(every).build();
  }

  /** A short label of the settings that selection varies, e.g. {@code softmax d32 len50 drop0.2 sep}. */
  public String label() {
    return (loss == Loss.BCE ? "bce" : negatives > 0 ? "sampled" + negatives : "softmax") + " d" + dim + " len"
        + maxLen + " drop" + dropout + (separateOutput ? " sep" : " shared");
  }

  /** Copies a config with some fields changed. */
  public static final class Builder {
    private int dim;
    private int maxLen;
    private int blocks;
    private float dropout;
    private float learningRate;
    private int batchSize;
    private int maxEpochs;
    private int patience;
    private int evalEvery;
    private float tau;
    private long seed;
    private Loss loss;
    private int negatives;
    private boolean separateOutput;
    private float clipNorm;

    private Builder(SasRecConfig c) {
      dim = c.dim;
      maxLen = c.maxLen;
      blocks = c.blocks;
      dropout = c.dropout;
      learningRate = c.learningRate;
      batchSize = c.batchSize;
      maxEpochs = c.maxEpochs;
      patience = c.patience;
      evalEvery = c.evalEvery;
      tau = c.tau;
      seed = c.seed;
      loss = c.loss;
      negatives = c.negatives;
      separateOutput = c.separateOutput;
      clipNorm = c.clipNorm;
    }

    public Builder dim(int v) {
      dim = v;
      return this;
    }

    public Builder maxLen(int v) {
      maxLen = v;
      return this;
    }

    public Builder dropout(float v) {
      dropout = v;
      return this;
    }

    public Builder learningRate(float v) {
      learningRate = v;
      return this;
    }

    public Builder batchSize(int v) {
      batchSize = v;
      return this;
    }

    public Builder maxEpochs(int v) {
      maxEpochs = v;
      return this;
    }

    public Builder patience(int v) {
      patience = v;
      return this;
    }

    public Builder evalEvery(int v) {
      evalEvery = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public Builder loss(Loss v) {
      loss = v;
      return this;
    }

    public Builder negatives(int v) {
      negatives = v;
      return this;
    }

    public Builder separateOutput(boolean v) {
      separateOutput = v;
      return this;
    }

    public Builder clipNorm(float v) {
      clipNorm = v;
      return this;
    }

    public SasRecConfig build() {
      return new SasRecConfig(dim, maxLen, blocks, dropout, learningRate, batchSize, maxEpochs, patience, evalEvery,
          tau, seed, loss, negatives, separateOutput, clipNorm);
    }
  }
}
