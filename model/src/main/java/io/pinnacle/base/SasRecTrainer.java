package io.pinnacle.base;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.pinnacle.eval.Evaluation;
import io.pinnacle.eval.Evaluator;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.eval.Stage;
import io.pinnacle.training.DivergenceGuard;
import io.pinnacle.training.EarlyStopping;
import io.pinnacle.training.TrainingDivergedException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.IntPredicate;
import java.util.function.ToDoubleFunction;

/**
 * Trains a {@link SasRec} with its next-item loss ({@link SasRec#loss}) and Adam, evaluating on the validation stage
 * every few epochs and keeping the best parameters (early stopping). Every step passes a {@link DivergenceGuard}: the
 * gradient norm is clipped, and a non-finite loss, gradient or validation score restores the last good parameters
 * at a lower learning rate, or stops the run with {@link TrainingDivergedException}. The same loop fine-tunes all
 * parameters when given a target filter (only positions whose next item passes it count).
 */
public final class SasRecTrainer {

  /** What training returns: the best validation result, its epoch, the loss curve and any recoveries. */
  public record Result(int bestEpoch, double bestValidation, int epochsRun, List<Double> losses, double seconds,
                       List<DivergenceGuard.Recovery> recoveries, int clippedSteps) {}

  private final SasRecConfig config;
  private final DivergenceGuard.Config guardConfig;

  public SasRecTrainer(SasRecConfig config) {
    this(config, DivergenceGuard.Config.defaults(config.clipNorm()));
  }

  public SasRecTrainer(SasRecConfig config, DivergenceGuard.Config guardConfig) {
    this.config = config;
    this.guardConfig = guardConfig;
  }

  /** Pre-training: every training position counts; model selection on validation NDCG@10 over all users. */
  public Result pretrain(SasRec model, LeaveOneOutSplit split, Evaluator evaluator) {
    return train(model, split, evaluator, item -> true, e -> e.all().ndcg10(), config.learningRate(),
        config.maxEpochs(), "pretrain");
  }

  public Result train(SasRec model, LeaveOneOutSplit split, Evaluator evaluator, IntPredicate countsAsTarget,
                      ToDoubleFunction<Evaluation> selection, float lr, int maxEpochs, String task) {
    List<int[]> windows = windows(split);
    Random rnd = new Random(config.seed() + 17);
    Engine.getEngine("PyTorch").setRandomSeed((int) config.seed()); // dropout masks
    TrainingProgress progress = new TrainingProgress(task);
    DivergenceGuard guard = new DivergenceGuard(task, guardConfig, lr);
    List<Double> losses = new ArrayList<>();
    NamedTensors best = model.snapshot();
    NamedTensors lastGood = best;
    EarlyStopping stopping = new EarlyStopping(config.patience(), evaluator == null ? Double.NaN
        : selection.applyAsDouble(evaluator.evaluate(task, new SasRecRecommender(model), Stage.VALIDATION)));
    int epoch = 0;
    try (NDManager state = model.manager().newSubManager()) {
      Adam adam = new Adam(state, model.parameters(), lr, 0.9f, 0.98f);
      adam.attachGradients();
      try {
        for (epoch = 1; epoch <= maxEpochs; epoch++) {
          Collections.shuffle(windows, rnd);
          double lossSum = 0;
          int batches = 0;
          String diverged = null;
          for (int start = 0; start < windows.size() && diverged == null; start += config.batchSize()) {
            Batch batch = batch(split, windows, start, countsAsTarget, rnd);
            if (batch == null) {
              continue;
            }
            double[] lossAndNorm = forwardBackward(model, adam, batch);
            float scale = guard.stepScale(lossAndNorm[0], lossAndNorm[1]);
            if (Float.isNaN(scale)) {
              diverged = DivergenceGuard.cause(lossAndNorm[0], lossAndNorm[1]);
              adam.clearGradients();
              break;
            }
            try (NDScope scope = new NDScope()) {
              scope.suppressNotUsedWarning();
              adam.step(scale);
            }
            lossSum += lossAndNorm[0];
            batches++;
          }
          double metric = Double.NaN;
          boolean evaluate = evaluator != null && diverged == null
              && (epoch % config.evalEvery() == 0 || epoch == maxEpochs);
          if (evaluate) {
            metric = selection.applyAsDouble(evaluator.evaluate(task, new SasRecRecommender(model), Stage.VALIDATION));
            if (!Double.isFinite(metric)) {
              diverged = "validation score " + metric;
            }
          }
          if (diverged != null) {
            // Back to the last good parameters, fresh moments, a lower rate; the epoch is run again.
            adam.reset(guard.recover(epoch, batches + 1, diverged));
            restore(model, lastGood);
            epoch--;
            continue;
          }
          losses.add(batches == 0 ? Double.NaN : lossSum / batches);
          if (evaluate) {
            boolean improved = stopping.offer(epoch, metric);
            progress.epoch(epoch, maxEpochs, losses.get(losses.size() - 1), metric, improved);
            lastGood = model.snapshot();
            if (improved) {
              best = lastGood;
            } else if (stopping.shouldStop()) {
              break;
            }
          }
        }
      } finally {
        adam.detachGradients();
      }
    }
    if (evaluator != null) {
      restore(model, best);
    }
    return new Result(stopping.bestEpoch(), stopping.best(), Math.min(epoch, maxEpochs), List.copyOf(losses),
        progress.seconds(), guard.recoveries(), guard.clippedSteps());
  }

  /** One batch of windows: histories, next items, negatives (as the loss wants them) and weights. */
  private record Batch(int rows, long[] seq, long[] targets, long[] negatives, float[] weight) {}

  private Batch batch(LeaveOneOutSplit split, List<int[]> windows, int start, IntPredicate countsAsTarget,
                      Random rnd) {
    int len = config.maxLen();
    int b = Math.min(config.batchSize(), windows.size() - start);
    long[] seq = new long[b * len];
    long[] pos = new long[b * len];
    boolean bce = config.loss() == SasRecConfig.Loss.BCE;
    long[] neg = bce ? new long[b * len] : null;
    float[] weight = new float[b * len];
    int targets = 0;
    for (int r = 0; r < b; r++) {
      int[] w = windows.get(start + r);
      int user = w[0];
      int end = w[1];
      int[] h = split.trainPositives[user];
      int n = Math.min(len, end - 1);
      for (int k = 0; k < n; k++) {
        int cell = r * len + (len - n + k);
        seq[cell] = h[end - 1 - n + k];
        int target = h[end - n + k];
        pos[cell] = target;
        if (bce) {
          neg[cell] = sampleNegative(split, user, target, rnd);
        }
        if (countsAsTarget.test(target)) {
          weight[cell] = 1f;
          targets++;
        }
      }
    }
    if (targets == 0) {
      return null;
    }
    if (!bce && config.negatives() > 0) {
      neg = new long[config.negatives()];
      for (int k = 0; k < neg.length; k++) {
        neg[k] = 1 + rnd.nextInt(split.numItems());
      }
    }
    return new Batch(b, seq, pos, neg, weight);
  }

  /** The loss's gradient into the parameters; returns the loss and the gradient norm (not yet applied). */
  private double[] forwardBackward(SasRec model, Adam adam, Batch batch) {
    try (NDScope scope = new NDScope(); NDManager m = model.manager().newSubManager()) {
      scope.suppressNotUsedWarning();
      Shape shape = new Shape(batch.rows(), config.maxLen());
      NDArray negatives = batch.negatives() == null ? null
          : batch.negatives().length == batch.seq().length ? m.create(batch.negatives(), shape)
          : m.create(batch.negatives());
      double loss;
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray l = model.loss(m.create(batch.seq(), shape), m.create(batch.targets(), shape), negatives,
            m.create(batch.weight(), shape));
        gc.backward(l);
        loss = l.getFloat();
      }
      return new double[] {loss, adam.gradientNorm()};
    }
  }

  /** Training windows (user, end): up to maxLen targets ending at {@code end}, non-overlapping, newest first. */
  List<int[]> windows(LeaveOneOutSplit split) {
    List<int[]> out = new ArrayList<>();
    for (int u = 0; u < split.numUsers(); u++) {
      for (int end = split.trainPositives[u].length; end >= 2; end -= config.maxLen()) {
        out.add(new int[] {u, end});
      }
    }
    return out;
  }

  private static int sampleNegative(LeaveOneOutSplit split, int user, int target, Random rnd) {
    int item = 1 + rnd.nextInt(split.numItems());
    for (int tries = 0; tries < 10 && (item == target || split.hasInteracted(user, item)); tries++) {
      item = 1 + rnd.nextInt(split.numItems());
    }
    return item;
  }

  static void restore(SasRec model, NamedTensors saved) {
    for (var e : model.parameters().entrySet()) {
      float[] data = saved.get(e.getKey()).data();
      e.getValue().set(data);
    }
  }
}
