package io.pinnacle.training;

import io.pinnacle.base.NamedTensors;
import io.pinnacle.base.SasRecConfig;
import io.pinnacle.eval.SasRecRecommender;
import io.pinnacle.base.SasRec;
import io.pinnacle.base.Adam;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.IntPredicate;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a {@link SasRec} with its next-item loss ({@link SasRec#loss}) and Adam, evaluating on the validation stage
 * every few epochs and keeping the best parameters (early stopping). Every step passes a {@link DivergenceGuard}: the
 * gradient norm is clipped, and a non-finite loss, gradient or validation score restores the last good parameters
 * at a lower learning rate, or stops the run with {@link TrainingDivergedException}. The same loop fine-tunes all
 * parameters when given a target filter (only positions whose next item passes it count).
 */
public final class SasRecTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(SasRecTrainer.class);

  /** What training returns: the best validation result, its epoch, the loss curve and any recoveries. */
  public record Result(int bestEpoch, double bestValidation, int epochsRun, List<Double> losses, double seconds,
                       List<DivergenceGuard.Recovery> recoveries, int clippedSteps) {}

  private final SasRecConfig config;
  private final DivergenceGuard.Config guardConfig;

  public SasRecTrainer(SasRecConfig config) {
    this.config = config;
    this.guardConfig = DivergenceGuard.Config.defaults(config.clipNorm());
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
    boolean evaluates = evaluator != null;
    double initialScore = evaluates
        ? selection.applyAsDouble(evaluator.evaluate(task, new SasRecRecommender(model), Stage.VALIDATION))
        : Double.NaN;
    EpochLoop.Outcome<NamedTensors> out;
    try (NDManager state = model.manager().newSubManager()) {
      Adam adam = new Adam(state, model.parameters(), lr, 0.9f, 0.98f);
      AdamWork<NamedTensors> work = new AdamWork<>(adam) {
        @Override
        public int startEpoch() {
          Collections.shuffle(windows, rnd);
          return (windows.size() + config.batchSize() - 1) / config.batchSize();
        }

        @Override
        public double[] gradient(int slot) {
          Batch batch = batch(split, windows, slot * config.batchSize(), countsAsTarget, rnd);
          return batch == null ? null : forwardBackward(model, adam, batch);
        }

        @Override
        public NamedTensors snapshot(int epoch) {
          return model.snapshot();
        }

        @Override
        public double validate(NamedTensors snapshot) {
          return selection.applyAsDouble(evaluator.evaluate(task, new SasRecRecommender(model), Stage.VALIDATION));
        }

        @Override
        public void restore(NamedTensors snapshot) {
          SasRecTrainer.restore(model, snapshot);
        }
      };
      EpochLoop<NamedTensors> loop = new EpochLoop<>(
          new EpochLoop.Settings(task, maxEpochs, config.evalEvery(), config.patience(), evaluates),
          new DivergenceGuard(task, guardConfig, lr));
      out = work.run(loop, model.snapshot(), initialScore);
    }
    if (evaluates) {
      restore(model, out.best());
    }
    return new Result(out.bestEpoch(), out.bestScore(), out.epochsRun(), out.losses(), out.seconds(),
        out.recoveries(), out.clippedSteps());
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
      double norm = adam.gradientNorm();
      if (!Double.isFinite(norm)) {
        LOG.warn("non-finite gradient (loss {}) in {}", loss, adam.nonFiniteGradients());
      }
      return new double[] {loss, norm};
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
