package io.pinnacle.training;

import java.util.ArrayList;
import java.util.List;

/**
 * The epoch loop every trainer here shares: batches, the {@link DivergenceGuard} before every step, an evaluation
 * every few epochs with {@link EarlyStopping}, the last good and the best snapshots, and recovery from a divergence
 * (back to the last good snapshot, fresh optimizer moments at a lower rate, the epoch run again). A trainer supplies
 * its model, batches and optimizer through {@link Work}; the loop owns the order of things.
 *
 * @param <S> a snapshot of the trained parameters
 */
public final class EpochLoop<S> {

  /** What a trainer does at each point of the loop. */
  public interface Work<S> {
    /** Starts an epoch (shuffles) and returns its number of batch slots. */
    int startEpoch();

    /** Forward and backward pass of one slot: {loss, global gradient norm}, or null when it has nothing to learn. */
    double[] gradient(int slot);

    /** Applies the gradient, scaled (clipped) by {@code scale}. */
    void step(float scale);

    /** Drops the gradient of a step that is not applied. */
    void clearGradients();

    /** Optimizer moments back to zero, at a new learning rate. */
    void resetOptimizer(float learningRate);

    /** The current parameters, after the epoch just ended. */
    S snapshot(int epoch);

    /** The validation score of a snapshot taken of the current parameters. */
    double validate(S snapshot);

    /** The parameters back to a snapshot. */
    void restore(S snapshot);
  }

  /** How long and how often: {@code evaluates} false trains {@code maxEpochs} without looking at validation. */
  public record Settings(String task, int maxEpochs, int evalEvery, int patience, boolean evaluates) {}

  /** The best snapshot (the initial one when nothing beat it), its epoch and score, and the run's record. */
  public record Outcome<S>(S best, int bestEpoch, double bestScore, int epochsRun, List<Double> losses,
                           List<DivergenceGuard.Recovery> recoveries, int clippedSteps, double seconds) {}

  private final Settings settings;
  private final DivergenceGuard guard;

  public EpochLoop(Settings settings, DivergenceGuard guard) {
    this.settings = settings;
    this.guard = guard;
  }

  /**
   * Runs the loop from {@code initial} (a snapshot of the starting parameters) whose validation score is
   * {@code initialScore} (NaN when not evaluated).
   */
  public Outcome<S> run(Work<S> work, S initial, double initialScore) {
    TrainingProgress progress = new TrainingProgress(settings.task());
    EarlyStopping stopping = new EarlyStopping(settings.patience(), initialScore);
    List<Double> losses = new ArrayList<>();
    S best = initial;
    S lastGood = initial;
    int epoch;
    for (epoch = 1; epoch <= settings.maxEpochs(); epoch++) {
      int slots = work.startEpoch();
      double lossSum = 0;
      int batches = 0;
      String diverged = null;
      for (int slot = 0; slot < slots && diverged == null; slot++) {
        double[] lossAndNorm = work.gradient(slot);
        if (lossAndNorm == null) {
          continue;
        }
        float scale = guard.stepScale(lossAndNorm[0], lossAndNorm[1]);
        if (Float.isNaN(scale)) {
          diverged = DivergenceGuard.cause(lossAndNorm[0], lossAndNorm[1]);
          work.clearGradients();
          break;
        }
        work.step(scale);
        lossSum += lossAndNorm[0];
        batches++;
      }
      boolean evaluate = settings.evaluates() && diverged == null
          && (epoch % settings.evalEvery() == 0 || epoch == settings.maxEpochs());
      S candidate = null;
      double score = Double.NaN;
      if (evaluate) {
        candidate = work.snapshot(epoch);
        score = work.validate(candidate);
        if (!Double.isFinite(score)) {
          diverged = "validation score " + score;
        }
      }
      if (diverged != null) {
        work.resetOptimizer(guard.recover(epoch, batches + 1, diverged));
        work.restore(lastGood);
        epoch--;
        continue;
      }
      losses.add(batches == 0 ? Double.NaN : lossSum / batches);
      if (evaluate) {
        boolean improved = stopping.offer(epoch, score);
        progress.epoch(epoch, settings.maxEpochs(), losses.get(losses.size() - 1), score, improved);
        lastGood = candidate;
        if (improved) {
          best = candidate;
        } else if (stopping.shouldStop()) {
          break;
        }
      }
    }
    return new Outcome<>(best, stopping.bestEpoch(), stopping.best(), Math.min(epoch, settings.maxEpochs()),
        List.copyOf(losses), guard.recoveries(), guard.clippedSteps(), progress.seconds());
  }
}
