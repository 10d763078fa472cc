package io.pinnacle.prompt;

import io.pinnacle.feedback.PinnacleMode;

/**
 * PROMO hyper-parameters, one place. Defaults follow the PROMO authors where they published one (embedding 16,
 * two-layer prompt networks, lambda 0.01 for both prompt losses, Adam 1e-3 with betas 0.9/0.98) and the paper's
 * k = 10.
 *
 * @param k                pinnacle users and negative users per item
 * @param samples          labelled interactions per item per step (rec loss)
 * @param layers           layers of each personalized prompt network
 * @param loggedNegativeShare share of rec-loss negatives drawn from logged negative feedback (the rest are random
 *                         users who never interacted with the item)
 * @param sharedPrompt     PROMO-M: one prompt (hence one network) shared by all items
 * @param warmPool         warm items sampled per step as the negatives of the popularity-aware loss
 * @param promptEpochs     maximum prompt-stage epochs (chosen on validation)
 * @param batchItems       items per prompt-stage step
 * @param baseDropout      share of prompt-stage training inputs whose base embedding is zeroed, so the globals also
 *                         learn to build an embedding without one (0: on validation 0.5 cost ML-100K most of its
 *                         cold gain, and items first seen in the stream start from their content embedding;
 *                         model/README.md)
 * @param itemPartKept     PROMO changes only the user-specific part of an item's scores: its change of the embedding
 *                         is projected off the base's mean user vector, so the item's mean score over users stays
 *                         where the base put it (an experiment, off by default: model/README.md)
 * @param pairwiseRec      L_rec ranks each positive sample above each negative one of the same item by their margins
 *                         (the item's score less the user's mean score over the batch's items; softplus of the
 *                         negative difference) instead of BCE per sample: the stream task's objective, as the
 *                         targeting measure compares a liker's and a rejecter's placement of the item among other
 *                         items; the incremental tuner keeps BCE
 */
public record PromoConfig(int dim, int k, int samples, int layers, float lambda1, float lambda2, float learningRate,
                          float tuneLearningRate, float loggedNegativeShare, PinnacleMode pinnacleMode, boolean sharedPrompt, int warmPool,
                          int promptEpochs, int batchItems, int evalEvery, int patience, long seed,
                          float baseDropout, boolean itemPartKept, boolean pairwiseRec) {

  public static PromoConfig defaults(int dim) {
    return new PromoConfig(dim, 10, 16, 2, 0.01f, 0.1f, 1e-3f, 1e-3f, 0.5f, PinnacleMode.VALUE, false, 64, 200, 128,
        1, 10, 7L, 0f, false, false);
  }

  public int generatedSize() {
    return dim + layers * (dim * dim + dim);
  }

  public PromoConfig withLambdas(float l1, float l2) {
    return new PromoConfig(dim, k, samples, layers, l1, l2, learningRate, tuneLearningRate, loggedNegativeShare, pinnacleMode,
        sharedPrompt, warmPool, promptEpochs, batchItems, evalEvery, patience, seed, baseDropout, itemPartKept, pairwiseRec);
  }

  public PromoConfig withPinnacleMode(PinnacleMode mode) {
    return new PromoConfig(dim, k, samples, layers, lambda1, lambda2, learningRate, tuneLearningRate, loggedNegativeShare, mode,
        sharedPrompt, warmPool, promptEpochs, batchItems, evalEvery, patience, seed, baseDropout, itemPartKept, pairwiseRec);
  }

  public PromoConfig withSharedPrompt(boolean shared) {
    return new PromoConfig(dim, k, samples, layers, lambda1, lambda2, learningRate, tuneLearningRate, loggedNegativeShare, pinnacleMode,
        shared, warmPool, promptEpochs, batchItems, evalEvery, patience, seed, baseDropout, itemPartKept, pairwiseRec);
  }

  public PromoConfig withItemPartKept(boolean kept) {
    return new PromoConfig(dim, k, samples, layers, lambda1, lambda2, learningRate, tuneLearningRate, loggedNegativeShare, pinnacleMode,
        sharedPrompt, warmPool, promptEpochs, batchItems, evalEvery, patience, seed, baseDropout, kept, pairwiseRec);
  }

  public PromoConfig withBaseDropout(float dropout) {
    return new PromoConfig(dim, k, samples, layers, lambda1, lambda2, learningRate, tuneLearningRate, loggedNegativeShare, pinnacleMode,
        sharedPrompt, warmPool, promptEpochs, batchItems, evalEvery, patience, seed, dropout, itemPartKept, pairwiseRec);
  }

  public PromoConfig withLoggedNegativeShare(float share) {
    return new PromoConfig(dim, k, samples, layers, lambda1, lambda2, learningRate, tuneLearningRate, share, pinnacleMode,
        sharedPrompt, warmPool, promptEpochs, batchItems, evalEvery, patience, seed, baseDropout, itemPartKept, pairwiseRec);
  }

  public PromoConfig withPairwiseRec(boolean pairwise) {
    return new PromoConfig(dim, k, samples, layers, lambda1, lambda2, learningRate, tuneLearningRate, loggedNegativeShare, pinnacleMode,
        sharedPrompt, warmPool, promptEpochs, batchItems, evalEvery, patience, seed, baseDropout, itemPartKept, pairwise);
  }

  public PromoConfig withPromptEpochs(int epochs) {
    return new PromoConfig(dim, k, samples, layers, lambda1, lambda2, learningRate, tuneLearningRate, loggedNegativeShare, pinnacleMode,
        sharedPrompt, warmPool, epochs, batchItems, evalEvery, patience, seed, baseDropout, itemPartKept, pairwiseRec);
  }
}
