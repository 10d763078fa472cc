package io.pinnacle.pipeline;

import static io.pinnacle.util.Hashing.mix;

import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.base.NamedTensors;
import io.pinnacle.content.ContentMapper;
import io.pinnacle.feedback.Label;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.feedback.PinnacleEntry;
import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.prompt.PromoGlobals;
import io.pinnacle.retention.RetentionTracker;
import io.pinnacle.tuning.ClosedFormTuner;
import io.pinnacle.tuning.ColdItemUpdater;
import io.pinnacle.tuning.ItemState;
import io.pinnacle.tuning.ItemTuningInput;
import io.pinnacle.training.PromptStageTrainer;
import io.pinnacle.tuning.PromptState;
import io.pinnacle.tuning.PromptTuning;
import io.pinnacle.tuning.UpdaterConfig;
import io.pinnacle.tuning.UpdaterModels;
import io.pinnacle.tuning.WarmPool;
import io.pinnacle.users.UserEncoder;
import io.pinnacle.users.UserTimeline;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The prompt stage's task as the job serves it: the training period replayed in time order through the job's own
 * {@link ColdItemUpdater} (pinnacle set, negative reservoir, co-liked sum, the serving rule's anchor), and at every
 * positive of an item in its cold life (before its cold-threshold-th positive) one example: the item's tuning input
 * as it was just before that positive, with the positive's user as the one sample labelled 1 and the item's next
 * rejecters (the users of its next negative events, each once) labelled 0. PROMO's losses then train the globals on
 * what the targeting measure asks of the job: the next liker above the next rejecters (L_rec), above the liker's warm
 * items (L_pape), with pinnacle and negative users apart (L_pfpe).
 *
 * <p>Which items: every item the base knows as cold (it starts from its base embedding and counts its training
 * positives, as in the job), and a seeded share of the warm items with their base embedding hidden, which start as an
 * item first seen in the stream does (content start or zero, no positives): the NEW items of the job. User vectors and
 * co-liked vectors are those of each user's history before the event, from the first event of the period on.
 *
 * <p>Selection: examples after the time by which {@code 1 - validationShare} of the period's events happened are the
 * validation set. A candidate's score is the mean over the two item kinds of the pair-weighted share of (liker,
 * rejecter) pairs it orders right by their margins (the item's score less the user's mean over the other examples'
 * items of a chunk of 256, served the same way; ties half), served at each gate of {@link #GATES}: 0 is the anchor itself, so the
 * stage is kept only where it beats what the job serves without it.
 */
public final class StreamTask {
  /** Gates the validation tries; 0 serves the anchor (the untrained stage's embedding is the anchor as well). */
  public static final float[] GATES = {1f, 0.75f, 0.5f, 0.25f, 0f};

  /**
   * @param validationShare share of the period's events (the latest) whose examples validate
   * @param hiddenShare     share of warm items replayed with their base embedding hidden, as NEW items
   * @param maxRejecters    next rejecters per example
   */
  public record Settings(double validationShare, double hiddenShare, int maxRejecters) {
    public static Settings defaults() {
      return new Settings(0.2, 0.5, 10);
    }
  }

  private record Example(ItemTuningInput input, boolean hidden) {}

  private final PromoConfig config;
  private final float tau;
  private final List<Example> train = new ArrayList<>();
  private final List<Example> validation = new ArrayList<>();
  private final Map<String, Object> description = new LinkedHashMap<>();

  /** Replays the split's training log and collects the examples. */
  StreamTask(LeaveOneOutSplit split, BaseModelArtifact base, WarmPool warm, PromoConfig config, UpdaterConfig uc,
             Settings settings) {
    this.config = config;
    this.tau = base.metadata().config().tau();
    LeaveOneOutSplit.TrainingLog log = split.training;
    int n = log.size();
    Integer[] order = new Integer[n];
    for (int k = 0; k < n; k++) {
      order[k] = k;
    }
    Arrays.sort(order, (a, b) -> Long.compare(log.timeMs()[a], log.timeMs()[b]));
    long validFrom = n == 0 ? Long.MAX_VALUE
        : log.timeMs()[order[(int) Math.min(n - 1, Math.floor(n * (1 - settings.validationShare())))]];

    // Every user's vector and co-liked vector before each of their positives, from an empty history.
    int nu = split.numUsers();
    List<List<Long>> liked = new ArrayList<>(nu);
    for (int u = 0; u < nu; u++) {
      liked.add(new ArrayList<>());
    }
    int[] version = new int[n];
    for (int k : order) {
      List<Long> h = liked.get(log.user()[k]);
      version[k] = h.size();
      if (log.positive()[k]) {
        h.add(split.items.external(log.item()[k]));
      }
    }
    List<long[]> starts = new ArrayList<>(nu);
    List<long[]> positives = new ArrayList<>(nu);
    for (int u = 0; u < nu; u++) {
      starts.add(new long[0]);
      positives.add(liked.get(u).stream().mapToLong(Long::longValue).toArray());
    }
    UserTimeline timeline;
    try (UserEncoder encoder = new UserEncoder(base)) {
      timeline = new UserTimeline(encoder, starts, positives);
    }

    // Each item's negative events in time order: the next rejecters of an example.
    int ni = split.numItems();
    List<List<Integer>> negatives = new ArrayList<>(ni + 1);
    for (int i = 0; i <= ni; i++) {
      negatives.add(new ArrayList<>());
    }
    for (int p = 0; p < n; p++) {
      int k = order[p];
      if (!log.positive()[k]) {
        negatives.get(log.item()[k]).add(p);
      }
    }
    int[] nextNegative = new int[ni + 1];

    boolean[] hidden = new boolean[ni + 1];
    int hiddenItems = 0;
    for (int i = 1; i <= ni; i++) {
      hidden[i] = !split.cold[i] && (mix(config.seed() * 0x9E3779B97F4A7C15L + i) >>> 11) * 0x1.0p-53
          < settings.hiddenShare();
      hiddenItems += hidden[i] ? 1 : 0;
    }
    ReplayModels models = new ReplayModels(split, base, warm, config, hidden);
    ColdItemUpdater updater = new ColdItemUpdater(uc, models);
    Map<Integer, int[]> content = contentIds(split, base);
    ItemState[] states = new ItemState[ni + 1];
    for (int p = 0; p < n; p++) {
      int k = order[p];
      int item = log.item()[k];
      int user = log.user()[k];
      ItemState s = states[item];
      if (s == null) {
        s = states[item] = updater.newItem(item);
        int[] ids = content.get(item);
        if (ids != null) {
          updater.describe(s, item, ids);
        }
      }
      if (!s.cold()) {
        continue;
      }
      float[] vector = timeline.at(user, version[k]);
      boolean positive = log.positive()[k];
      if (positive && vector != null && s.positives() < uc.coldThreshold()) {
        List<Integer> negs = negatives.get(item);
        while (nextNegative[item] < negs.size() && negs.get(nextNegative[item]) <= p) {
          nextNegative[item]++;
        }
        List<float[]> rejecters = new ArrayList<>();
        List<Integer> seen = new ArrayList<>();
        for (int j = nextNegative[item]; j < negs.size() && rejecters.size() < settings.maxRejecters(); j++) {
          int kr = order[negs.get(j)];
          int r = log.user()[kr];
          float[] rv = timeline.at(r, version[kr]);
          if (r != user && rv != null && !seen.contains(r)) {
            seen.add(r);
            rejecters.add(rv);
          }
        }
        if (!rejecters.isEmpty()) {
          Example e = new Example(example(updater.tuningInput(item, s), user, vector, rejecters, warm),
              hidden[item]);
          (log.timeMs()[k] >= validFrom ? validation : train).add(e);
        }
      }
      updater.observe(s, new ColdItemUpdater.Observation(item, user, vector,
          positive ? Label.POSITIVE : Label.NEGATIVE, log.value()[k], log.timeMs()[k], -1,
          positive ? timeline.coLikedAt(user, version[k]) : null), null, null);
    }
    description.put("events", n);
    description.put("validationFromMs", validFrom);
    description.put("hiddenItems", hiddenItems);
    description.put("trainingExamples", train.size());
    description.put("validationExamples", validation.size());
    description.put("validationExamplesHidden", validation.stream().filter(Example::hidden).count());
  }

  /** The item's input with the liker (label 1) and the rejecters (label 0) as its samples. */
  private static ItemTuningInput example(ItemTuningInput in, int liker, float[] likerVector, List<float[]> rejecters,
                                         WarmPool warm) {
    int r = rejecters.size() + 1;
    float[][] users = new float[r][];
    float[] labels = new float[r];
    int[] self = new int[r];
    float[] warmScore = new float[r];
    users[0] = likerVector;
    labels[0] = 1f;
    for (int j = 1; j < r; j++) {
      users[j] = rejecters.get(j - 1);
    }
    Arrays.fill(self, -1);
    for (int j = 0; j < r; j++) {
      warmScore[j] = warm.score(users[j]);
    }
    return new ItemTuningInput(in.itemId(), in.base(), in.pinnacle(), in.negatives(), users, labels, self, warmScore,
        in.state());
  }

  private static Map<Integer, int[]> contentIds(LeaveOneOutSplit split, BaseModelArtifact base) {
    Map<Long, float[]> features = split.dataset.itemFeatures();
    Map<Integer, int[]> out = new HashMap<>();
    if (features == null || features.isEmpty() || ContentMapper.of(base) == null) {
      return out;
    }
    for (int i = 1; i <= split.numItems(); i++) {
      float[] x = features.get(split.items.external(i));
      if (x != null) {
        out.put(i, ContentMapper.featureIds(x));
      }
    }
    return out;
  }

  public Map<String, Object> describe() {
    return description;
  }

  public int trainingExamples() {
    return train.size();
  }

  /**
   * Trains the globals on the examples (one prompt shared by all, which becomes every item's initial prompt) and
   * returns the best (epoch, gate) on validation; epoch 0 at any gate, and any epoch at gate 0, serve the anchor.
   */
  public PromptStageTrainer.Trained train() {
    PromoConfig shared = config.withSharedPrompt(true).withPairwiseRec(true);
    int[] items = new int[train.size()];
    for (int j = 0; j < items.length; j++) {
      items[j] = j;
    }
    Map<Integer, Float> gateOf = new HashMap<>();
    PromptStageTrainer trainer = new PromptStageTrainer(shared, tau);
    PromptStageTrainer.Trained t = trainer.train(items, j -> train.get(j).input(), 1, candidate -> {
      double[] byGate = score(candidate.globals(), candidate.prompt(0));
      int best = 0;
      for (int g = 1; g < byGate.length; g++) {
        if (byGate[g] > byGate[best]) {
          best = g;
        }
      }
      gateOf.put(candidate.bestEpoch(), GATES[best]);
      return byGate[best];
    });
    double[] anchor = score(PromoGlobals.initial(config), new float[config.dim()]);
    description.put("validationAnchor", anchor[GATES.length - 1]);
    description.put("validationBest", t.bestValidation());
    return t.withGate(gateOf.getOrDefault(t.bestEpoch(), 0f));
  }

  /** The validation score at each gate of {@link #GATES} for globals and an initial prompt. */
  double[] score(NamedTensors globals, float[] prompt) {
    NamedTensors ungated = new NamedTensors();
    for (var e : globals.all().entrySet()) {
      if (!e.getKey().equals(PromoGlobals.GATE)) {
        ungated.put(e.getKey(), e.getValue().shape(), e.getValue().data());
      }
    }
    // won, pairs per gate, for the hidden (NEW-like) and the cold examples apart
    double[][] won = new double[2][GATES.length];
    double[][] pairs = new double[2][GATES.length];
    ClosedFormTuner tuner = new ClosedFormTuner(ungated, config, tau);
    PromptState start = PromptState.initial(prompt);
    int chunk = 256;
    for (int from = 0; from < validation.size(); from += chunk) {
      List<Example> part = validation.subList(from, Math.min(validation.size(), from + chunk));
      List<ItemTuningInput> inputs = new ArrayList<>(part.size());
      for (Example x : part) {
        ItemTuningInput in = x.input();
        inputs.add(new ItemTuningInput(in.itemId(), in.base(), in.pinnacle(), in.negatives(), in.sampleUsers(),
            in.labels(), in.sampleSelf(), in.warmScore(), start));
      }
      float[][] embeddings = tuner.tune(inputs, 0).embeddings();
      int b = part.size();
      for (int j = 0; j < b; j++) {
        ItemTuningInput in = inputs.get(j);
        int kind = part.get(j).hidden() ? 0 : 1;
        float[][] users = in.sampleUsers();
        // Each sample user's margin at each gate: the item's score less their mean over the chunk's items, the
        // other items served the same way (as the measure ranks the item among other items).
        float[][] margin = new float[users.length][GATES.length];
        for (int r = 0; r < users.length; r++) {
          float ownA = dot(users[r], in.base());
          float ownE = dot(users[r], embeddings[j]);
          float meanA = 0;
          float meanE = 0;
          for (int o = 0; o < b; o++) {
            meanA += dot(users[r], inputs.get(o).base()) / b;
            meanE += dot(users[r], embeddings[o]) / b;
          }
          for (int g = 0; g < GATES.length; g++) {
            margin[r][g] = (ownA - meanA + GATES[g] * (ownE - ownA - meanE + meanA)) / tau;
          }
        }
        for (int r = 1; r < users.length; r++) {
          for (int g = 0; g < GATES.length; g++) {
            won[kind][g] += margin[0][g] > margin[r][g] ? 1 : margin[0][g] == margin[r][g] ? 0.5 : 0;
            pairs[kind][g]++;
          }
        }
      }
    }
    double[] out = new double[GATES.length];
    for (int g = 0; g < GATES.length; g++) {
      double sum = 0;
      int kinds = 0;
      for (int kind = 0; kind < 2; kind++) {
        if (pairs[kind][g] > 0) {
          sum += won[kind][g] / pairs[kind][g];
          kinds++;
        }
      }
      out[g] = kinds == 0 ? 0.5 : sum / kinds;
    }
    return out;
  }

  private static float dot(float[] a, float[] b) {
    float z = 0;
    for (int k = 0; k < a.length; k++) {
      z += a[k] * b[k];
    }
    return z;
  }

  /** What the replay's updater reads: the base, with hidden items unknown to it, and no pseudo-pinnacle users. */
  private static final class ReplayModels implements UpdaterModels {
    private final LeaveOneOutSplit split;
    private final BaseModelArtifact base;
    private final WarmPool warm;
    private final boolean[] hidden;
    private final ContentMapper mapper;
    private final PromptTuning tuner;
    private final float[] promptInit;
    private final float[] center;

    ReplayModels(LeaveOneOutSplit split, BaseModelArtifact base, WarmPool warm, PromoConfig config,
                 boolean[] hidden) {
      this.split = split;
      this.base = base;
      this.warm = warm;
      this.hidden = hidden;
      this.mapper = ContentMapper.of(base);
      NamedTensors initial = PromoGlobals.initial(config);
      this.tuner = new ClosedFormTuner(initial, config, base.metadata().config().tau());
      this.promptInit = initial.get(PromoGlobals.PROMPT_INIT).data();
      float[][] items = new float[split.numItems() + 1][];
      long[] positives = new long[items.length];
      for (int i = 1; i < items.length; i++) {
        items[i] = base.itemEmbedding(split.items.external(i));
        positives[i] = split.itemTrainPositives[i];
      }
      this.center = UpdaterModels.weightedMean(items, positives);
    }

    @Override
    public float[] get(long userId) {
      return base.userVector(split.users.external((int) userId));
    }

    @Override
    public String baseVersion() {
      return base.version();
    }

    @Override
    public String promoVersion() {
      return "stream-task";
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
      return hidden[(int) itemId] ? null : base.itemEmbedding(split.items.external((int) itemId));
    }

    @Override
    public float[] contentStart(int[] featureIds) {
      return mapper == null || featureIds.length == 0 ? null : mapper.map(featureIds);
    }

    @Override
    public float[] coLikedCenter() {
      return center;
    }

    @Override
    public long basePositives(long itemId) {
      int i = (int) itemId;
      if (hidden[i]) {
        return 0;
      }
      return split.cold[i] ? split.itemTrainPositives[i] : Long.MAX_VALUE / 2;
    }

    @Override
    public List<PinnacleEntry> pseudoPinnacle(long itemId) {
      return List.of();
    }

    @Override
    public long[] userPool() {
      return new long[0];
    }

    @Override
    public WarmPool warmPool() {
      return warm;
    }

    @Override
    public RetentionTracker retention() {
      return null;
    }
  }
}
