package io.pinnacle.pipeline;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.base.NamedTensors;
import io.pinnacle.base.SasRec;
import io.pinnacle.eval.SasRecRecommender;
import io.pinnacle.feedback.Label;
import io.pinnacle.djl.DjlRuntime;
import io.pinnacle.eval.Evaluation;
import io.pinnacle.eval.Evaluator;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.eval.Stage;
import io.pinnacle.feedback.ItemFeedbackState;
import io.pinnacle.feedback.PinnacleEntry;
import io.pinnacle.feedback.PinnacleMode;
import io.pinnacle.feedback.PseudoPinnacle;
import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.prompt.PromoGlobals;
import io.pinnacle.retention.RetentionStats;
import io.pinnacle.retention.RetentionTracker;
import io.pinnacle.retention.TrackedPair;
import io.pinnacle.tuning.ColdItemReplay;
import io.pinnacle.tuning.ColdItemUpdater;
import io.pinnacle.tuning.ItemTuningInput;
import io.pinnacle.training.PromptStageTrainer;
import io.pinnacle.tuning.PromptState;
import io.pinnacle.tuning.PromptTuning;
import io.pinnacle.tuning.ServingRule;
import io.pinnacle.tuning.TuningEngine;
import io.pinnacle.tuning.TuningInputs;
import io.pinnacle.tuning.UpdaterConfig;
import io.pinnacle.tuning.UpdaterModels;
import io.pinnacle.tuning.WarmPool;
import io.pinnacle.users.RecentItems;
import io.pinnacle.users.UserEncoder;
import java.util.ArrayList;
import java.util.HashMap;
import io.pinnacle.training.DivergenceGuard;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PROMO on a leave-one-out split with a frozen base: the prompt stage, its ablations, and PROMO-stream (the training
 * period replayed in event-time order through {@link PromptTuning} micro-batches, the streaming job's code path).
 * Cold items get PROMO embeddings, warm items keep their base embeddings; user vectors are the frozen base's (from
 * training positives for validation, plus the validation item for test).
 */
public final class PromoExperiment {
  private static final Logger LOG = LoggerFactory.getLogger(PromoExperiment.class);

  private final LeaveOneOutSplit split;
  private final Evaluator evaluator;
  private final float tau;
  private final int dim;
  private final float[][] usersTrain;
  private final float[][] usersTest;
  private final float[][] baseItems;
  private final int[] coldItems;
  private final int[] coldWithPositives;
  private final int[] warmItems;
  private final List<List<Integer>> positives = new ArrayList<>();
  private final List<List<Integer>> loggedNegatives = new ArrayList<>();
  private final WarmPool warmPool;
  private final float[][] warmPoolVectors;
  private final String baseVersion;
  private final float[] warmScore;
  private final Map<PinnacleMode, ItemFeedbackState[]> feedback = new HashMap<>();
  private final int k;
  private final BaseModelArtifact artifact;
  /** The popularity-weighted mean base item embedding (the serving rule's co-liked center). */
  private final float[] coLikedCenter;

  public PromoExperiment(LeaveOneOutSplit split, BaseModelArtifact artifact, int k, int warmPoolSize, long seed) {
    DjlRuntime.init();
    this.split = split;
    this.artifact = artifact;
    this.evaluator = new Evaluator(split);
    this.tau = artifact.metadata().config().tau();
    this.dim = artifact.dim();
    this.k = k;
    int nu = split.numUsers();
    int ni = split.numItems();
    List<int[]> histories = new ArrayList<>(nu);
    for (int u = 0; u < nu; u++) {
      histories.add(split.trainPositives[u]);
    }
    try (NDManager m = NDManager.newBaseManager();
         SasRec base = new SasRec(m, artifact.metadata().config(), artifact.parameters())) {
      usersTrain = SasRecRecommender.userVectors(base, histories);
    }
    usersTest = new float[nu][];
    for (int u = 0; u < nu; u++) {
      usersTest[u] = artifact.userVector(split.users.external(u));
    }
    baseItems = new float[ni + 1][];
    baseItems[0] = new float[dim];
    for (int i = 1; i <= ni; i++) {
      baseItems[i] = artifact.itemEmbedding(split.items.external(i));
    }
    List<Integer> cold = new ArrayList<>();
    List<Integer> coldPos = new ArrayList<>();
    List<Integer> warm = new ArrayList<>();
    for (int i = 1; i <= ni; i++) {
      if (split.cold[i]) {
        cold.add(i);
        if (split.itemTrainPositives[i] > 0) {
          coldPos.add(i);
        }
      } else {
        warm.add(i);
      }
    }
    long[] trainPositives = new long[ni + 1];
    for (int i = 1; i <= ni; i++) {
      trainPositives[i] = split.itemTrainPositives[i];
    }
    coLikedCenter = UpdaterModels.weightedMean(baseItems, trainPositives);
    coldItems = cold.stream().mapToInt(Integer::intValue).toArray();
    coldWithPositives = coldPos.stream().mapToInt(Integer::intValue).toArray();
    warmItems = warm.stream().mapToInt(Integer::intValue).toArray();
    Random rnd = new Random(seed);
    float[][] pool = new float[Math.min(warmPoolSize, warmItems.length)][];
    for (int w = 0; w < pool.length; w++) {
      pool[w] = baseItems[warmItems[rnd.nextInt(warmItems.length)]];
    }
    warmPool = new WarmPool(pool, tau);
    warmPoolVectors = pool;
    baseVersion = artifact.version();
    warmScore = new float[nu];
    for (int u = 0; u < nu; u++) {
      warmScore[u] = warmPool.score(usersTrain[u]);
    }
    for (int i = 0; i <= ni; i++) {
      positives.add(new ArrayList<>());
      loggedNegatives.add(new ArrayList<>());
    }
    LeaveOneOutSplit.TrainingLog log = split.training;
    for (int e = 0; e < log.size(); e++) {
      (log.positive()[e] ? positives : loggedNegatives).get(log.item()[e]).add(log.user()[e]);
    }
    for (PinnacleMode mode : PinnacleMode.values()) {
      ItemFeedbackState[] states = new ItemFeedbackState[ni + 1];
      for (int i = 1; i <= ni; i++) {
        states[i] = new ItemFeedbackState(k, mode, 16, seed * 31 + i);
      }
      for (int e = 0; e < log.size(); e++) {
        ItemFeedbackState s = states[log.item()[e]];
        if (log.positive()[e]) {
          s.positive(log.user()[e], log.value()[e], log.timeMs()[e]);
        } else {
          s.negative(log.user()[e], log.timeMs()[e]);
        }
      }
      feedback.put(mode, states);
    }
  }

  public Evaluation evaluate(String name, float[][] itemTable, Stage stage) {
    return evaluate(name, itemTable, null, stage);
  }

  /** As above with a per-item score offset, the same for every user (null: none). */
  public Evaluation evaluate(String name, float[][] itemTable, float[] offset, Stage stage) {
    return evaluator.evaluate(name, new EmbeddingRecommender(stage == Stage.TEST ? usersTest : usersTrain,
        itemTable, tau, offset), stage);
  }

  /** Whether a dense item is cold in this split. */
  public boolean cold(int item) {
    return split.cold[item];
  }

  /**
   * All-user HR@10 on validation that adaptation may spend for cold items: one point, the budget a platform gives
   * a cold-start method (the KuaiRand issue's target).
   */
  public static final double ALL_USER_BUDGET = 0.01;

  /** The residual gates the prompt stage calibrates over, largest first (ties keep the larger). */
  public static final float[] GATES = {1f, 0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f, 0.3f, 0.2f, 0.1f};

  /**
   * Model selection on validation, the same rule for every adaptation method and the taste-free rows: the highest
   * cold-user HR@10 among candidates whose all-user HR@10 stays within {@link #ALL_USER_BUDGET} of the base's
   * (ties to the higher all-user HR@10); a candidate over budget ranks below every one within it. The base itself
   * is always within budget, so a method that cannot lift cold items without the cost keeps the base.
   */
  public static ToDoubleFunction<Evaluation> selection(Evaluation base) {
    double floor = base.all().hr10() - ALL_USER_BUDGET - 1e-9;
    return v -> v.all().hr10() >= floor ? v.cold().hr10() + 1e-3 * v.all().hr10() : v.all().hr10() - 1;
  }

  /** The base's validation result, which {@link #selection} measures the budget from. */
  public Evaluation baseValidation() {
    return evaluate("Pre-train", baseItems, Stage.VALIDATION);
  }

  public float[][] baseItemTable() {
    return baseItems.clone();
  }

  /**
   * The base table with the given embeddings (by external item id) for the split's cold items; returns the
   * number of cold items that got one.
   */
  public int overrideColdItems(float[][] table, Map<Long, float[]> byExternalId) {
    int n = 0;
    for (int item : coldItems) {
      float[] e = byExternalId.get(split.items.external(item));
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
        Evaluation e = evaluate("validation", gated(full, gate), Stage.VALIDATION);
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

  /** A row that knows nothing of taste: its setting, chosen on validation by {@link #selection}, and both stages. */
  public record TasteFree(double setting, Evaluation validation, Evaluation test) {}

  /** Cold-item offsets the taste-free row tries, in logits (the base scores u.i / tau). */
  private static final float[] COLD_OFFSETS = {0f, 0.25f, 0.5f, 0.75f, 1f, 1.5f, 2f, 3f};

  /**
   * The base plus one score offset for every cold item, the same for every user: what raising cold items buys
   * without knowing who likes them. An adaptation method that lands on this row's trade-off adds no taste.
   */
  public TasteFree coldOffset(String name) {
    ToDoubleFunction<Evaluation> rule = selection(baseValidation());
    double best = Double.NEGATIVE_INFINITY;
    float[] bestOffsets = null;
    float setting = 0;
    Evaluation bestValidation = null;
    for (float b : COLD_OFFSETS) {
      float[] offsets = new float[baseItems.length];
      for (int i = 1; i < offsets.length; i++) {
        offsets[i] = split.cold[i] ? b : 0f;
      }
      Evaluation v = evaluate(name, baseItems, offsets, Stage.VALIDATION);
      double score = rule.applyAsDouble(v);
      if (score > best) {
        best = score;
        bestOffsets = offsets;
        setting = b;
        bestValidation = v;
      }
    }
    return new TasteFree(setting, bestValidation, evaluate(name, baseItems, bestOffsets, Stage.TEST));
  }

  /** Items ranked by their training-period positives alone (log scale), the same for every user. */
  public TasteFree popularity(String name) {
    float[][] none = new float[baseItems.length][dim];
    float[] offsets = new float[baseItems.length];
    for (int i = 1; i < offsets.length; i++) {
      offsets[i] = (float) Math.log1p(split.itemTrainPositives[i]);
    }
    return new TasteFree(0, evaluate(name, none, offsets, Stage.VALIDATION),
        evaluate(name, none, offsets, Stage.TEST));
  }

  /** base + gate * (table - base), row by row (warm rows are the base's, so they stay). */
  private float[][] gated(float[][] table, float gate) {
    float[][] out = new float[table.length][];
    for (int i = 0; i < table.length; i++) {
      out[i] = new float[dim];
      for (int j = 0; j < dim; j++) {
        out[i][j] = baseItems[i][j] + gate * (table[i][j] - baseItems[i][j]);
      }
    }
    return out;
  }

  /**
   * The prompt stage's examples on the task the job serves ({@link StreamTask}): this split's training log replayed
   * through the job's updater with {@code uc}'s settings.
   */
  public StreamTask streamTask(PromoConfig c, BaseModelArtifact base, UpdaterConfig uc, StreamTask.Settings s) {
    return new StreamTask(split, base, warmPool, c, uc, s);
  }

  /** The prompt stage with a caller's score of each candidate (higher is better; the best is kept). */
  public PromptStageTrainer.Trained promptStage(PromoConfig c, ToDoubleFunction<PromptStageTrainer.Trained> score) {
    Random rnd = new Random(c.seed() + 1);
    PromptStageTrainer trainer = new PromptStageTrainer(c, tau, meanUserVector());
    return trainer.train(coldWithPositives, item -> trainingInput(c, item, rnd), split.numItems() + 1, score);
  }

  /** The base's mean user vector over the training period's users (the vectors the prompt stage scores with). */
  public float[] meanUserVector() {
    float[] mean = new float[dim];
    int n = 0;
    for (float[] v : usersTrain) {
      if (v != null) {
        for (int j = 0; j < dim; j++) {
          mean[j] += v[j];
        }
        n++;
      }
    }
    for (int j = 0; j < dim; j++) {
      mean[j] /= Math.max(1, n);
    }
    return mean;
  }

  /** Base table with cold rows replaced by PROMO embeddings from a trained prompt stage. */
  public float[][] itemTable(PromoConfig c, PromptStageTrainer.Trained t) {
    float[][] table = baseItems.clone();
    try (PromptTuning tuner = PromptTuning.create(TuningEngine.AUTO, t.globals(), c, tau, Device.cpu())) {
      List<ItemTuningInput> batch = new ArrayList<>();
      for (int item : coldItems) {
        int row = c.sharedPrompt() ? 0 : item;
        PromptState st = new PromptState(t.prompt(row), new float[dim], new float[dim], 0);
        batch.add(servingInput(c, item, st));
        if (batch.size() == 512) {
          apply(table, batch, tuner.embed(batch));
          batch.clear();
        }
      }
      apply(table, batch, tuner.embed(batch));
    }
    return table;
  }

  /**
   * PROMO-stream: the training period replayed in event time through {@link ColdItemUpdater}, the streaming job's
   * update code, flushing whenever {@code batchSize} items are dirty. Warm items keep their base embeddings; cold
   * items start from no positives (their training positives are what is replayed).
   */
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
    return new UpdaterConfig(c.k(), c.pinnacleMode(), UpdaterConfig.RECENT_SAMPLES, UpdaterConfig.RANDOM_NEGATIVES,
        split.dataset.rules().coldThreshold(), steps, UpdaterConfig.DEDUP_CAPACITY, UpdaterConfig.SEED,
        UpdaterConfig.RETENTION_SAMPLE_RATE, UpdaterConfig.RETENTION_MAX_PER_ITEM, UpdaterConfig.TARGETING_PROBES,
        ServingRule.DEFAULTS);
  }

  /** The replay with explicit updater settings. */
  public float[][] streamReplay(PromoConfig c, NamedTensors globals, UpdaterConfig uc, int batchSize,
                                RetentionTracker tracker, RetentionStats stats, boolean countTrainingPositives) {
    float[][] table = baseItems.clone();
    float[] init = globals.get(PromoGlobals.PROMPT_INIT).data();
    long started = System.nanoTime();
    long updates;
    try (PromptTuning tuner = PromptTuning.create(TuningEngine.AUTO, globals, c, tau, Device.cpu())) {
      SplitModels models = new SplitModels(tuner, init, c.pinnacleMode(), tracker, countTrainingPositives);
      ColdItemReplay replay = new ColdItemReplay(new ColdItemUpdater(uc, models), batchSize, stats);
      LeaveOneOutSplit.TrainingLog log = split.training;
      // Each positive carries its liker's co-liked vector, from their positives before it, as the job's user stage
      // attaches it (the log is in time order within each user).
      long[][] recent = new long[split.numUsers()][];
      for (int e = 0; e < log.size(); e++) {
        int user = log.user()[e];
        boolean positive = log.positive()[e];
        long[] h = recent[user] == null ? new long[0] : recent[user];
        float[] coLiked = positive ? UserEncoder.coLiked(artifact, h) : null;
        replay.accept(new ColdItemUpdater.Observation(log.item()[e], user, null,
            positive ? Label.POSITIVE : Label.NEGATIVE, log.value()[e], log.timeMs()[e], -1, coLiked));
        if (positive) {
          recent[user] = RecentItems.append(h, split.items.external(log.item()[e]), UserEncoder.CO_LIKED_WINDOW);
        }
      }
      replay.flush();
      updates = replay.updates();
      // Cold items the replay never tuned (no training feedback) get pseudo-pinnacle embeddings.
      List<ItemTuningInput> rest = new ArrayList<>();
      for (int item : coldItems) {
        float[] e = replay.embeddings().get((long) item);
        if (e != null) {
          table[item] = e;
        } else {
          rest.add(TuningInputs.fromState(item, baseItems[item],
              new ItemFeedbackState(c.k(), c.pinnacleMode(), uc.recentSamples(), 0),
              pseudoPinnacle(c.pinnacleMode(), item), PromptState.initial(init), this::userVector, warmPool,
              new long[0]));
        }
      }
      apply(table, rest, tuner.embed(rest));
    }
    double secs = (System.nanoTime() - started) / 1e9;
    LOG.info(String.format("PROMO-stream replay: %d events, %d item-updates in %.1fs (%.0f item-updates/s)",
        split.training.size(), updates, secs, updates / secs));
    return table;
  }

  /** The split as the updater sees it: dense ids, training-period user vectors, this split's warm items. */
  private final class SplitModels implements UpdaterModels {
    private final PromptTuning tuner;
    private final float[] promptInit;
    private final PinnacleMode mode;
    private final RetentionTracker tracker;
    private final boolean countTrainingPositives;
    private final long[] users;

    SplitModels(PromptTuning tuner, float[] promptInit, PinnacleMode mode, RetentionTracker tracker,
                boolean countTrainingPositives) {
      this.tuner = tuner;
      this.promptInit = promptInit;
      this.mode = mode;
      this.tracker = tracker;
      this.countTrainingPositives = countTrainingPositives;
      this.users = new long[usersTrain.length];
      for (int u = 0; u < users.length; u++) {
        users[u] = u;
      }
    }

    @Override
    public float[] get(long userId) {
      return userVector(userId);
    }

    @Override
    public String baseVersion() {
      return baseVersion;
    }

    @Override
    public String promoVersion() {
      return "offline";
    }

    @Override
    public PromptTuning tuner() {
      return tuner;
    }

    @Override
    public float[] promptInit() {
      return promptInit;
    }

    @Override
    public float[] baseItemEmbedding(long itemId) {
      return itemId > 0 && itemId < baseItems.length ? baseItems[(int) itemId] : null;
    }

    @Override
    public float[] coLikedCenter() {
      return coLikedCenter;
    }

    @Override
    public long basePositives(long itemId) {
      int i = (int) itemId;
      if (!split.cold[i]) {
        return Long.MAX_VALUE / 2; // warm: served by the base model, never tuned
      }
      return countTrainingPositives ? split.itemTrainPositives[i] : 0;
    }

    @Override
    public List<PinnacleEntry> pseudoPinnacle(long itemId) {
      return PromoExperiment.this.pseudoPinnacle(mode, (int) itemId);
    }

    @Override
    public long[] userPool() {
      return users;
    }

    @Override
    public WarmPool warmPool() {
      return warmPool;
    }

    @Override
    public RetentionTracker retention() {
      return tracker;
    }
  }

  /** Starts following (user, item) if the user just entered the item's pinnacle set and the pair is sampled. */
  private void track(RetentionTracker tracker, RetentionStats stats, List<TrackedPair>[] pairs,
                     ItemFeedbackState state, int item, int user, float[] currentEmbedding) {
    // Like the stream, which knows from the artifact which items are popular, only the split's cold items count.
    if (tracker == null || !split.cold[item] || !state.pinnacle().contains(user)) {
      return;
    }
    if (pairs[item] == null) {
      pairs[item] = new ArrayList<>();
    }
    for (TrackedPair p : pairs[item]) {
      if (p.userId() == user) {
        return;
      }
    }
    if (tracker.sampled(item, user, pairs[item].size())) {
      pairs[item].add(tracker.start(item, user, usersTrain[user], state.negativeCount(), currentEmbedding, stats));
    }
  }

  /** The retention tracker over this split's catalogue (base item embeddings, dense ids). */
  public RetentionTracker retentionTracker(double rate, int maxPerItem, long seed) {
    long[] ids = new long[baseItems.length];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i;
    }
    float[][] cat = baseItems.clone();
    cat[0] = null;
    return new RetentionTracker(rate, maxPerItem, 10, 100, seed, ids, cat);
  }

  /**
   * The forgetting baseline: the same replay, but each cold item's embedding (starting from its base embedding) is
   * updated by online SGD on every labelled event (BCE of sigmoid(h_u . e_i / tau)), as a CF model trained online
   * would; retention is tracked exactly as for PROMO-stream.
   */
  public float[][] sgdReplay(float lr, RetentionTracker tracker, RetentionStats stats, int k) {
    float[][] table = baseItems.clone();
    int ni = split.numItems();
    @SuppressWarnings("unchecked")
    List<TrackedPair>[] pairs = new List[ni + 1];
    ItemFeedbackState[] states = new ItemFeedbackState[ni + 1];
    long[] positivesSoFar = new long[ni + 1];
    int threshold = split.dataset.rules().coldThreshold();
    LeaveOneOutSplit.TrainingLog log = split.training;
    for (int e = 0; e < log.size(); e++) {
      int item = log.item()[e];
      if (positivesSoFar[item] >= threshold) {
        continue;
      }
      if (states[item] == null) {
        states[item] = new ItemFeedbackState(k, PinnacleMode.VALUE, 16, 31L * item);
        table[item] = baseItems[item].clone();
      }
      int u = log.user()[e];
      float y = log.positive()[e] ? 1f : 0f;
      if (log.positive()[e]) {
        positivesSoFar[item]++;
        states[item].positive(u, log.value()[e], log.timeMs()[e]);
        track(tracker, stats, pairs, states[item], item, u, table[item]);
      } else {
        states[item].negative(u, log.timeMs()[e]);
      }
      float[] h = usersTrain[u];
      float[] v = table[item].clone();
      float z = 0;
      for (int d = 0; d < v.length; d++) {
        z += h[d] * v[d];
      }
      float g = (float) (1 / (1 + Math.exp(-z / tau))) - y;
      for (int d = 0; d < v.length; d++) {
        v[d] -= lr * g * h[d] / tau;
      }
      table[item] = v;
      if (pairs[item] != null) {
        tracker.afterUpdate(item, pairs[item], v, states[item].negativeCount(), this::userVector, stats);
      }
    }
    for (int item : warmItems) {
      table[item] = baseItems[item];
    }
    return table;
  }

  private float[] userVector(long user) {
    return user >= 0 && user < usersTrain.length ? usersTrain[(int) user] : null;
  }

  private long[] randomUsers(Random rnd, int n) {
    long[] out = new long[n];
    for (int j = 0; j < n; j++) {
      out[j] = rnd.nextInt(usersTrain.length);
    }
    return out;
  }

  private static void apply(float[][] table, List<ItemTuningInput> batch, float[][] emb) {
    for (int j = 0; j < batch.size(); j++) {
      table[(int) batch.get(j).itemId()] = emb[j];
    }
  }

  /** Serving input: the item's pinnacle (or pseudo-pinnacle) users and negatives; no samples. */
  private ItemTuningInput servingInput(PromoConfig c, int item, PromptState st) {
    ItemFeedbackState s = feedback.get(c.pinnacleMode())[item];
    ItemFeedbackState noRecent = new ItemFeedbackState(s.pinnacle(), s.negatives(), List.of(), 16,
        s.positiveCount(), s.negativeCount(), s.lastEventTimeMs());
    return TuningInputs.fromState(item, baseItems[item], noRecent, pseudoPinnacle(c.pinnacleMode(), item), st,
        this::userVector, warmPool, new long[0]);
  }

  /** A fresh training input: pinnacle and negatives as in serving, plus samples drawn from the item's history. */
  private ItemTuningInput trainingInput(PromoConfig c, int item, Random rnd) {
    ItemFeedbackState s = feedback.get(c.pinnacleMode())[item];
    List<PinnacleEntry> pin = s.pinnacle().entries();
    float[][] pinVec = new float[pin.size()][];
    List<Long> pinIds = new ArrayList<>();
    for (int j = 0; j < pin.size(); j++) {
      pinVec[j] = usersTrain[(int) pin.get(j).userId()];
      pinIds.add(pin.get(j).userId());
    }
    List<float[]> neg = new ArrayList<>();
    for (long u : s.negatives().users()) {
      neg.add(usersTrain[(int) u]);
    }
    while (neg.size() < c.k()) {
      neg.add(usersTrain[nonInteracting(item, rnd)]);
    }
    int r = c.samples();
    float[][] su = new float[r][];
    float[] labels = new float[r];
    int[] self = new int[r];
    float[] warm = new float[r];
    List<Integer> pos = positives.get(item);
    List<Integer> logged = loggedNegatives.get(item);
    for (int j = 0; j < r; j++) {
      int u;
      if (j < r / 2) {
        u = pos.get(rnd.nextInt(pos.size()));
        labels[j] = 1f;
      } else {
        u = !logged.isEmpty() && rnd.nextDouble() < c.loggedNegativeShare() ? logged.get(rnd.nextInt(logged.size()))
            : nonInteracting(item, rnd);
      }
      su[j] = usersTrain[u];
      self[j] = pinIds.indexOf((long) u);
      warm[j] = warmScore[u];
    }
    boolean dropBase = c.baseDropout() > 0 && rnd.nextDouble() < c.baseDropout();
    return new ItemTuningInput(item, dropBase ? new float[dim] : baseItems[item], pinVec,
        neg.toArray(new float[0][]), su, labels, self, warm, null);
  }

  private int nonInteracting(int item, Random rnd) {
    for (int tries = 0; tries < 20; tries++) {
      int u = rnd.nextInt(usersTrain.length);
      if (!split.hasInteracted(u, item)) {
        return u;
      }
    }
    return rnd.nextInt(usersTrain.length);
  }

  private final Map<Long, List<PinnacleEntry>> pseudoCache = new HashMap<>();

  /** Pinnacle users borrowed from the most similar popular item (Tanimoto of base embeddings). */
  private List<PinnacleEntry> pseudoPinnacle(PinnacleMode mode, int item) {
    long key = mode.ordinal() * 10_000_000L + item;
    return pseudoCache.computeIfAbsent(key, x -> {
      float[][] cands = new float[warmItems.length][];
      for (int w = 0; w < warmItems.length; w++) {
        cands[w] = baseItems[warmItems[w]];
      }
      int nearest = PseudoPinnacle.nearest(baseItems[item], cands);
      return nearest < 0 ? List.of() : feedback.get(mode)[warmItems[nearest]].pinnacle().entries();
    });
  }

  /** Writes the prompt stage's result as the artifact the streaming job loads. */
  public io.pinnacle.prompt.PromoArtifact.Metadata saveArtifact(java.nio.file.Path dir, PromoConfig c,
                                                               PromptStageTrainer.Trained t) throws java.io.IOException {
    return saveArtifact(dir, c, t, Map.of());
  }

  /** The same, with more to record about how the stage was trained ({@code about}, kept under "training"). */
  public io.pinnacle.prompt.PromoArtifact.Metadata saveArtifact(java.nio.file.Path dir, PromoConfig c,
                                                               PromptStageTrainer.Trained t, Map<String, Object> about)
      throws java.io.IOException {
    int ni = split.numItems();
    long[] ids = split.items.externalIds();
    long[] counts = new long[ni];
    for (int i = 1; i <= ni; i++) {
      counts[i - 1] = split.itemTrainPositives[i];
    }
    long[] popular = new long[warmItems.length];
    long[][] pin = new long[warmItems.length][];
    for (int w = 0; w < warmItems.length; w++) {
      popular[w] = split.items.external(warmItems[w]);
      pin[w] = feedback.get(c.pinnacleMode())[warmItems[w]].pinnacle().entries().stream()
          .mapToLong(e -> split.users.external((int) e.userId())).toArray();
    }
    Map<String, Object> training = new LinkedHashMap<>();
    training.put("bestEpoch", t.bestEpoch());
    training.put("validationScore", t.bestValidation());
    training.put("seconds", t.seconds());
    training.put("losses", t.losses());
    training.put("recoveries", t.recoveries().stream().map(DivergenceGuard.Recovery::toMap).toList());
    training.put("gate", t.globals().all().containsKey(PromoGlobals.GATE)
        ? t.globals().get(PromoGlobals.GATE).data()[0] : 1f);
    training.putAll(about);
    return io.pinnacle.prompt.PromoArtifact.save(dir, baseVersion, split.dataset.name(), tau,
        split.dataset.rules().coldThreshold(), c, t.globals(), warmPoolVectors, ids, counts, popular, pin, training);
  }

  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("coldItems", coldItems.length);
    m.put("coldItemsWithTrainingPositives", coldWithPositives.length);
    m.put("warmItems", warmItems.length);
    m.put("k", k);
    return m;
  }
}
