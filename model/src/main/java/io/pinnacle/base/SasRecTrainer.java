package io.pinnacle.base;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import io.pinnacle.eval.Evaluation;
import io.pinnacle.eval.Evaluator;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.eval.Stage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.IntPredicate;
import java.util.function.ToDoubleFunction;

/**
 * Trains a {@link SasRec} with next-item BCE (one sampled negative per position) and Adam, evaluating on the
 * validation stage every few epochs and keeping the best parameters (early stopping). The same loop fine-tunes
 * all parameters when given a target filter (only positions whose next item passes it count).
 */
public final class SasRecTrainer {

  /** What training returns: the best validation result, its epoch, and the loss curve. */
  public record Result(int bestEpoch, double bestValidation, int epochsRun, List<Double> losses, double seconds) {}

  private final SasRecConfig config;

  public SasRecTrainer(SasRecConfig config) {
    this.config = config;
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
    int len = config.maxLen();
    TrainingProgress progress = new TrainingProgress(task);
    List<Double> losses = new ArrayList<>();
    NamedTensors best = model.snapshot();
    double bestMetric = evaluator == null ? Double.NaN
        : selection.applyAsDouble(evaluator.evaluate(task, new SasRecRecommender(model), Stage.VALIDATION));
    int bestEpoch = 0;
    int sinceBest = 0;
    int epoch = 0;
    try (NDManager state = model.manager().newSubManager()) {
      Adam adam = new Adam(state, model.parameters(), lr, 0.9f, 0.98f);
      adam.attachGradients();
      try {
        for (epoch = 1; epoch <= maxEpochs; epoch++) {
          Collections.shuffle(windows, rnd);
          double lossSum = 0;
          int batches = 0;
          for (int start = 0; start < windows.size(); start += config.batchSize()) {
            int b = Math.min(config.batchSize(), windows.size() - start);
            long[] seq = new long[b * len];
            long[] pos = new long[b * len];
            long[] neg = new long[b * len];
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
                neg[cell] = sampleNegative(split, user, target, rnd);
                if (countsAsTarget.test(target)) {
                  weight[cell] = 1f;
                  targets++;
                }
              }
            }
            if (targets == 0) {
              continue;
            }
            lossSum += step(model, adam, seq, pos, neg, weight, b);
            batches++;
          }
          losses.add(batches == 0 ? Double.NaN : lossSum / batches);
          if (evaluator != null && (epoch % config.evalEvery() == 0 || epoch == maxEpochs)) {
            double metric = selection.applyAsDouble(
                evaluator.evaluate(task, new SasRecRecommender(model), Stage.VALIDATION));
            boolean improved = metric > bestMetric;
            progress.epoch(epoch, maxEpochs, losses.get(losses.size() - 1), metric, improved);
            if (improved) {
              bestMetric = metric;
              bestEpoch = epoch;
              best = model.snapshot();
              sinceBest = 0;
            } else if (++sinceBest >= config.patience()) {
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
    return new Result(bestEpoch, bestMetric, Math.min(epoch, maxEpochs), losses, progress.seconds());
  }

  private double step(SasRec model, Adam adam, long[] seq, long[] pos, long[] neg, float[] weight, int b) {
    int len = config.maxLen();
    try (NDScope scope = new NDScope(); NDManager m = model.manager().newSubManager()) {
      scope.suppressNotUsedWarning();
      Shape shape = new Shape(b, len);
      NDArray seqA = m.create(seq, shape);
      NDArray posA = m.create(pos, shape);
      NDArray negA = m.create(neg, shape);
      NDArray w = m.create(weight, shape);
      float loss;
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray h = model.encode(seqA, true);
        NDArray pl = h.mul(model.itemVectors(posA)).sum(new int[] {2}).div(config.tau());
        NDArray nl = h.mul(model.itemVectors(negA)).sum(new int[] {2}).div(config.tau());
        NDArray l = Activation.softPlus(pl.neg()).add(Activation.softPlus(nl)).mul(w).sum().div(w.sum());
        gc.backward(l);
        loss = l.getFloat();
      }
      adam.step();
      return loss;
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
