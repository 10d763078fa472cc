package io.pinnacle.training;

/**
 * Keeps the best validation score and says when {@code patience} evaluations in a row brought no improvement. A
 * non-finite score never counts as an improvement.
 */
public final class EarlyStopping {
  private final int patience;
  private double best;
  private int bestEpoch;
  private int sinceBest;

  /** {@code initial}: the score before training (the untrained model's), at epoch 0. */
  public EarlyStopping(int patience, double initial) {
    this.patience = patience;
    this.best = initial;
  }

  /** Records an evaluation; true when it is the best so far. */
  public boolean offer(int epoch, double score) {
    if (Double.isFinite(score) && (Double.isNaN(best) || score > best)) {
      best = score;
      bestEpoch = epoch;
      sinceBest = 0;
      return true;
    }
    sinceBest++;
    return false;
  }

  public boolean shouldStop() {
    return sinceBest >= patience;
  }

  public double best() {
    return best;
  }

  public int bestEpoch() {
    return bestEpoch;
  }
}
