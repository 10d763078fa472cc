package io.pinnacle.training;

import io.pinnacle.tuning.ItemTuningInput;
import io.pinnacle.tuning.ItemBatch;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Embedding;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.training.GradientCollector;
import io.pinnacle.base.Adam;
import io.pinnacle.base.NamedTensors;
import io.pinnacle.djl.DjlRuntime;
import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.prompt.PromoForward;
import io.pinnacle.prompt.PromoGlobals;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.function.ToDoubleFunction;

/**
 * The offline prompt stage: trains the global PROMO parameters and one prompt embedding per item (or a single shared
 * one for PROMO-M) on the training period, base model frozen. Model selection by a caller-supplied validation score
 * every few epochs; the best parameters are returned.
 */
public final class PromptStageTrainer {
  /** No clipping (the stage's results stay what they were); the guard still stops or recovers non-finite steps. */
  private static final float CLIP_NORM = 0f;

  /** Trained PROMO: frozen globals (with prompt.init = mean learned prompt) and the prompt table (rows x d). */
  public record Trained(NamedTensors globals, float[] prompts, int rows, int bestEpoch, double bestValidation,
                        List<Double> losses, double seconds, List<DivergenceGuard.Recovery> recoveries) {
    public float[] prompt(int row) {
      int d = globals.get(PromoGlobals.PROMPT_INIT).data().length;
      return Arrays.copyOfRange(prompts, row * d, (row + 1) * d);
    }

    /** The same with the residual gate set ({@link PromoGlobals#GATE}). */
    public Trained withGate(float gate) {
      NamedTensors g = new NamedTensors();
      for (var e : globals.all().entrySet()) {
        g.put(e.getKey(), e.getValue().shape(), e.getValue().data().clone());
      }
      g.put(PromoGlobals.GATE, new long[] {1}, new float[] {gate});
      return new Trained(g, prompts, rows, bestEpoch, bestValidation, losses, seconds, recoveries);
    }
  }

  private final PromoConfig config;
  private final float tau;
  private final float[] userMean;
  private int[] trainedRows = new int[0];

  public PromptStageTrainer(PromoConfig config, float tau) {
    this(config, tau, null);
  }

  /** {@code userMean}: the base's mean user vector, needed when the config keeps the item part of the scores. */
  public PromptStageTrainer(PromoConfig config, float tau, float[] userMean) {
    if (config.itemPartKept() && userMean == null) {
      throw new IllegalArgumentException("keeping the item part of the scores needs the base's mean user vector");
    }
    this.config = config;
    this.tau = tau;
    this.userMean = userMean;
  }

  /**
   * @param items        the items trained (dense ids, prompt table row = id unless shared)
   * @param inputs       builds an item's training input (fresh samples each call) from its id
   * @param promptRows   rows of the prompt table (max item id + 1)
   * @param validation   scores a candidate (higher is better) on the validation stage
   */
  public Trained train(int[] items, IntFunction<ItemTuningInput> inputs, int promptRows,
                       ToDoubleFunction<Trained> validation) {
    DjlRuntime.init();
    int d = config.dim();
    int rows = config.sharedPrompt() ? 1 : promptRows;
    trainedRows = config.sharedPrompt() ? new int[] {0} : items.clone();
    Random rnd = new Random(config.seed());
    float[] table = new float[rows * d];
    for (int k = 0; k < table.length; k++) {
      table[k] = (float) (rnd.nextGaussian() * 0.1);
    }
    NamedTensors init = PromoGlobals.initial(config, userMean);
    String task = config.sharedPrompt() ? "prompt stage (shared)" : "prompt stage";
    Trained initial = snapshot(init, table, rows, 0, Double.NEGATIVE_INFINITY, List.of(), 0);
    double initialScore = validation.applyAsDouble(initial);
    List<Integer> order = new ArrayList<>();
    for (int i : items) {
      order.add(i);
    }
    EpochLoop.Outcome<Trained> out;
    DjlRuntime.gradientLock().lock();
    try (NDManager manager = NDManager.newBaseManager()) {
      Map<String, NDArray> params = new LinkedHashMap<>();
      for (var e : init.all().entrySet()) {
        if (!e.getKey().equals(PromoGlobals.PROMPT_INIT)) {
          params.put(e.getKey(), manager.create(e.getValue().data().clone(), new Shape(e.getValue().shape())));
        }
      }
      params.put("prompts", manager.create(table, new Shape(rows, d)));
      // The mean user vector is an input the forward pass reads, not a parameter: Adam never sees it.
      Map<String, NDArray> trained = new LinkedHashMap<>(params);
      trained.remove(PromoGlobals.USER_MEAN);
      trained.remove(PromoGlobals.GATE);
      Adam adam = new Adam(manager, trained, config.learningRate(), 0.9f, 0.98f);
      AdamWork<Trained> work = new AdamWork<>(adam) {
        @Override
        public int startEpoch() {
          Collections.shuffle(order, rnd);
          return (order.size() + config.batchItems() - 1) / config.batchItems();
        }

        @Override
        public double[] gradient(int slot) {
          int start = slot * config.batchItems();
          int b = Math.min(config.batchItems(), order.size() - start);
          List<ItemTuningInput> batch = new ArrayList<>(b);
          long[] rowIdx = new long[b];
          for (int j = 0; j < b; j++) {
            int item = order.get(start + j);
            batch.add(inputs.apply(item));
            rowIdx[j] = config.sharedPrompt() ? 0 : item;
          }
          try (NDScope scope = new NDScope(); NDManager m = manager.newSubManager()) {
            scope.suppressNotUsedWarning();
            PromoForward.Inputs in = ItemBatch.pack(m, batch, d, config.k());
            NDArray idx = m.create(rowIdx);
            double loss;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
              NDArray prompts = Embedding.embedding(idx, params.get("prompts"), SparseFormat.DENSE)
                  .singletonOrThrow();
              PromoForward.Outputs o = PromoForward.run(params, prompts, in, config, tau);
              NDArray total = o.total().mean();
              gc.backward(total);
              loss = total.getFloat();
            }
            return new double[] {loss, adam.gradientNorm()};
          }
        }

        @Override
        public Trained snapshot(int epoch) {
          return PromptStageTrainer.this.snapshot(params, rows, epoch);
        }

        @Override
        public double validate(Trained candidate) {
          return validation.applyAsDouble(candidate);
        }

        @Override
        public void restore(Trained saved) {
          PromptStageTrainer.restore(params, saved);
        }
      };
      EpochLoop<Trained> loop = new EpochLoop<>(
          new EpochLoop.Settings(task, config.promptEpochs(), config.evalEvery(), config.patience(), true),
          new DivergenceGuard(task, DivergenceGuard.Config.defaults(CLIP_NORM), config.learningRate()));
      out = work.run(loop, initial, initialScore);
    } finally {
      DjlRuntime.gradientLock().unlock();
    }
    Trained best = out.best();
    return new Trained(best.globals(), best.prompts(), rows, best.bestEpoch(), out.bestScore(), out.losses(),
        out.seconds(), out.recoveries());
  }

  /** Parameters back to a snapshot's values (after a divergence). */
  private static void restore(Map<String, NDArray> params, Trained saved) {
    for (var e : params.entrySet()) {
      if (e.getKey().equals("prompts")) {
        e.getValue().set(saved.prompts());
      } else if (saved.globals().all().containsKey(e.getKey())) {
        e.getValue().set(saved.globals().get(e.getKey()).data());
      }
    }
  }

  private Trained snapshot(Map<String, NDArray> params, int rows, int epoch) {
    NamedTensors g = new NamedTensors();
    for (var e : params.entrySet()) {
      if (!e.getKey().equals("prompts")) {
        g.put(e.getKey(), e.getValue().getShape().getShape(), e.getValue().toFloatArray());
      }
    }
    return snapshot(g, params.get("prompts").toFloatArray(), rows, epoch, Double.NaN, List.of(), 0);
  }

  private Trained snapshot(NamedTensors globals, float[] table, int rows, int epoch, double score,
                           List<Double> losses, double seconds) {
    int d = config.dim();
    // Items first seen in the stream start from the mean prompt of the trained items.
    float[] mean = new float[d];
    for (int r : trainedRows) {
      for (int k = 0; k < d; k++) {
        mean[k] += table[r * d + k] / Math.max(1, trainedRows.length);
      }
    }
    NamedTensors g = new NamedTensors();
    for (var e : globals.all().entrySet()) {
      if (!e.getKey().equals(PromoGlobals.PROMPT_INIT)) {
        g.put(e.getKey(), e.getValue().shape(), e.getValue().data().clone());
      }
    }
    g.put(PromoGlobals.PROMPT_INIT, new long[] {d}, mean);
    return new Trained(g, table.clone(), rows, epoch, score, List.copyOf(losses), seconds, List.of());
  }
}
