package io.pinnacle.pipeline;

import ai.djl.Device;
import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.base.NamedTensors;
import io.pinnacle.eval.Evaluation;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.eval.Stage;
import io.pinnacle.prompt.PromoArtifact;
import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.retention.RetentionStats;
import io.pinnacle.retention.RetentionTracker;
import io.pinnacle.training.PromptStageTrainer;
import io.pinnacle.tuning.ItemTuningInput;
import io.pinnacle.tuning.PromptState;
import io.pinnacle.tuning.PromptTuning;
import io.pinnacle.tuning.TuningEngine;
import io.pinnacle.tuning.UpdaterConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * PROMO on a leave-one-out split with a frozen base: the prompt stage, its ablations, and PROMO-stream (the training
 * period replayed in event-time order through {@link PromptTuning} micro-batches, the streaming job's code path).
 * Cold items get PROMO embeddings, warm items keep their base embeddings; user vectors are the frozen base's (from
 * training positives for validation, plus the validation item for test).
 *
 * <p>This class orchestrates; each concern is its own class on the shared {@link SplitContext}: the prompt stage's
 * examples ({@link PromoInputs}), the selection rule ({@link ValidationSelection}), the taste-free rows
 * ({@link TasteFreeBaselines}), PROMO-stream ({@link StreamReplay}), the online-SGD baseline
 * ({@link SgdReplayBaseline}) and the artifact ({@link PromoArtifactWriter}).
 */
public final class PromoExperiment {
  /** See {@link ValidationSelection#ALL_USER_BUDGET}. */
  public static final double ALL_USER_BUDGET = ValidationSelection.ALL_USER_BUDGET;
  /** See {@link ValidationSelection#GATES}. */
  public static final float[] GATES = ValidationSelection.GATES;

  private final SplitContext x;
  private final PromoInputs inputs;
  private final TasteFreeBaselines tasteFree;
  private final StreamReplay replay;
  private final SgdReplayBaseline sgd;
  private final PromoArtifactWriter writer;

  public PromoExperiment(LeaveOneOutSplit split, BaseModelArtifact artifact, int k, int warmPoolSize, long seed) {
    this.x = new SplitContext(split, artifact, k, warmPoolSize, seed);
    this.inputs = new PromoInputs(x);
    this.tasteFree = new TasteFreeBaselines(x);
    this.replay = new StreamReplay(x, inputs);
    this.sgd = new SgdReplayBaseline(x);
    this.writer = new PromoArtifactWriter(x);
  }

  public Evaluation evaluate(String name, float[][] itemTable, Stage stage) {
    return x.evaluate(name, itemTable, null, stage);
  }

  /** As above with a per-item score offset, the same for every user (null: none). */
  public Evaluation evaluate(String name, float[][] itemTable, float[] offset, Stage stage) {
    return x.evaluate(name, itemTable, offset, stage);
  }

  /** Whether a dense item is cold in this split. */
  public boolean cold(int item) {
    return x.split.cold[item];
  }

  /** See {@link ValidationSelection#rule}. */
  public static ToDoubleFunction<Evaluation> selection(Evaluation base) {
    return ValidationSelection.rule(base);
  }

  /** The base's validation result, which {@link #selection} measures the budget from. */
  public Evaluation baseValidation() {
    return evaluate("Pre-train", x.baseItems, Stage.VALIDATION);
  }

  public float[][] baseItemTable() {
    return x.baseItems.clone();
  }

  /**
   * The base table with the given embeddings (by external item id) for the split's cold items; returns the
   * number of cold items that got one.
   */
  public int overrideColdItems(float[][] table, Map<Long, float[]> byExternalId) {
    int n = 0;
    for (int item : x.coldItems) {
      float[] e = byExternalId.get(x.split.items.external(item));
      if (e != null) {
        table[item] = e;
        n++;
      }
    }
    return n;
  }

  /** Prompt stage, with the residual gate calibrated on validation ({@link #GATES}). */
  public PromptStageTrainer.Trained promptStage(PromoConfig c) {
    return promptStage(c, GATES, e -> { });
  }

  /**
   * The prompt stage: every candidate (epoch) is served at each of {@code gates} and scored by {@link #selection};
   * the best candidate is returned with its best gate. {@code onValidation} sees each candidate's best result.
   */
  public PromptStageTrainer.Trained promptStage(PromoConfig c, float[] gates, Consumer<Evaluation> onValidation) {
    ToDoubleFunction<Evaluation> rule = selection(baseValidation());
    Map<Integer, Float> gateOf = new HashMap<>();
    PromptStageTrainer.Trained t = promptStage(c, candidate -> {
      float[][] full = itemTable(c, candidate);
      double best = Double.NEGATIVE_INFINITY;
      Evaluation bestEval = null;
      for (float gate : gates) {
        Evaluation e = evaluate("validation", ValidationSelection.gated(x.baseItems, full, gate), Stage.VALIDATION);
        double score = rule.applyAsDouble(e);
        if (score > best) {
          best = score;
          bestEval = e;
          gateOf.put(candidate.bestEpoch(), gate);
        }
      }
      onValidation.accept(bestEval);
      return best;
    });
    return t.withGate(gateOf.getOrDefault(t.bestEpoch(), 1f));
  }

  /** The prompt stage with a caller's score of each candidate (higher is better; the best is kept). */
  public PromptStageTrainer.Trained promptStage(PromoConfig c, ToDoubleFunction<PromptStageTrainer.Trained> score) {
    Random rnd = new Random(c.seed() + 1);
    PromptStageTrainer trainer = new PromptStageTrainer(c, x.tau, x.meanUserVector());
    return trainer.train(x.coldWithPositives, item -> inputs.training(c, item, rnd), x.split.numItems() + 1, score);
  }

  /** A row that knows nothing of taste: its setting, chosen on validation by {@link #selection}, and both stages. */
  public record TasteFree(double setting, Evaluation validation, Evaluation test) {}

  /** See {@link TasteFreeBaselines#coldOffset}. */
  public TasteFree coldOffset(String name) {
    return tasteFree.coldOffset(name);
  }

  /** See {@link TasteFreeBaselines#popularity}. */
  public TasteFree popularity(String name) {
    return tasteFree.popularity(name);
  }

  /**
   * The prompt stage's examples on the task the job serves ({@link StreamTask}): this split's training log replayed
   * through the job's updater with {@code uc}'s settings.
   */
  public StreamTask streamTask(PromoConfig c, BaseModelArtifact base, UpdaterConfig uc, StreamTask.Settings s) {
    return new StreamTask(x.split, base, x.warmPool, c, uc, s);
  }

  /** The base's mean user vector over the training period's users (the vectors the prompt stage scores with). */
  public float[] meanUserVector() {
    return x.meanUserVector();
  }

  /** Base table with cold rows replaced by PROMO embeddings from a trained prompt stage. */
  public float[][] itemTable(PromoConfig c, PromptStageTrainer.Trained t) {
    float[][] table = x.baseItems.clone();
    try (PromptTuning tuner = PromptTuning.create(TuningEngine.AUTO, t.globals(), c, x.tau, Device.cpu())) {
      List<ItemTuningInput> batch = new ArrayList<>();
      for (int item : x.coldItems) {
        int row = c.sharedPrompt() ? 0 : item;
        PromptState st = new PromptState(t.prompt(row), new float[x.dim], new float[x.dim], 0);
        batch.add(inputs.serving(c, item, st));
        if (batch.size() == 512) {
          apply(table, batch, tuner.embed(batch));
          batch.clear();
        }
      }
      apply(table, batch, tuner.embed(batch));
    }
    return table;
  }

  /** PROMO-stream from a trained prompt stage ({@link StreamReplay}): cold items start from no positives. */
  public float[][] streamReplay(PromoConfig c, PromptStageTrainer.Trained t, int batchSize, int steps) {
    return streamReplay(c, t.globals(), batchSize, steps, null, null, false);
  }

  /**
   * As above, from frozen globals (for example those of a PROMO artifact). {@code countTrainingPositives} starts
   * each cold item with its training-period positives, as the streaming job does with the artifact's counts.
   */
  public float[][] streamReplay(PromoConfig c, NamedTensors globals, int batchSize, int steps,
                                RetentionTracker tracker, RetentionStats stats, boolean countTrainingPositives) {
    return streamReplay(c, globals, updaterConfig(c, steps), batchSize, tracker, stats, countTrainingPositives);
  }

  /** The updater settings an offline replay uses by default (the job's defaults, this split's threshold). */
  public UpdaterConfig updaterConfig(PromoConfig c, int steps) {
    return replay.updaterConfig(c, steps);
  }

  /** The replay with explicit updater settings. */
  public float[][] streamReplay(PromoConfig c, NamedTensors globals, UpdaterConfig uc, int batchSize,
                                RetentionTracker tracker, RetentionStats stats, boolean countTrainingPositives) {
    return replay.run(c, globals, uc, batchSize, tracker, stats, countTrainingPositives);
  }

  /** See {@link SgdReplayBaseline#retentionTracker}. */
  public RetentionTracker retentionTracker(double rate, int maxPerItem, long seed) {
    return sgd.retentionTracker(rate, maxPerItem, seed);
  }

  /** See {@link SgdReplayBaseline}. */
  public float[][] sgdReplay(float lr, RetentionTracker tracker, RetentionStats stats, int k) {
    return sgd.run(lr, tracker, stats, k);
  }

  static void apply(float[][] table, List<ItemTuningInput> batch, float[][] emb) {
    for (int j = 0; j < batch.size(); j++) {
      table[(int) batch.get(j).itemId()] = emb[j];
    }
  }

  /** Writes the prompt stage's result as the artifact the streaming job loads. */
  public PromoArtifact.Metadata saveArtifact(Path dir, PromoConfig c, PromptStageTrainer.Trained t)
      throws IOException {
    return saveArtifact(dir, c, t, Map.of());
  }

  /** The same, with more to record about how the stage was trained ({@code about}, kept under "training"). */
  public PromoArtifact.Metadata saveArtifact(Path dir, PromoConfig c, PromptStageTrainer.Trained t,
                                             Map<String, Object> about) throws IOException {
    return writer.save(dir, c, t, about);
  }

  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("coldItems", x.coldItems.length);
    m.put("coldItemsWithTrainingPositives", x.coldWithPositives.length);
    m.put("warmItems", x.warmItems.length);
    m.put("k", x.k);
    return m;
  }
}
