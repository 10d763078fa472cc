package io.pinnacle.pipeline;

import ai.djl.Device;
import io.pinnacle.base.NamedTensors;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.feedback.ItemFeedbackState;
import io.pinnacle.feedback.Label;
import io.pinnacle.feedback.PinnacleEntry;
import io.pinnacle.feedback.PinnacleMode;
import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.prompt.PromoGlobals;
import io.pinnacle.retention.RetentionStats;
import io.pinnacle.retention.RetentionTracker;
import io.pinnacle.tuning.ColdItemReplay;
import io.pinnacle.tuning.ColdItemUpdater;
import io.pinnacle.tuning.ItemTuningInput;
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
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PROMO-stream on a split: the training period replayed in event time through {@link ColdItemUpdater}, the streaming
 * job's update code, with the split as the updater's models ({@link SplitModels}).
 */
final class StreamReplay {
  private static final Logger LOG = LoggerFactory.getLogger(StreamReplay.class);

  private final SplitContext x;
  private final PromoInputs inputs;

  StreamReplay(SplitContext context, PromoInputs inputs) {
    this.x = context;
    this.inputs = inputs;
  }

  /** The updater settings an offline replay uses by default (the job's defaults, this split's threshold). */
  UpdaterConfig updaterConfig(PromoConfig c, int steps) {
    return new UpdaterConfig(c.k(), c.pinnacleMode(), UpdaterConfig.RECENT_SAMPLES, UpdaterConfig.RANDOM_NEGATIVES,
        x.split.dataset.rules().coldThreshold(), steps, UpdaterConfig.DEDUP_CAPACITY, UpdaterConfig.SEED,
        UpdaterConfig.RETENTION_SAMPLE_RATE, UpdaterConfig.RETENTION_MAX_PER_ITEM, UpdaterConfig.TARGETING_PROBES,
        ServingRule.DEFAULTS);
  }

  /**
   * The replay, flushing whenever {@code batchSize} items are dirty. Warm items keep their base embeddings; cold
   * items start from no positives unless {@code countTrainingPositives} (then with their training positives, as the
   * streaming job does with the artifact's counts). Cold items the replay never tuned get pseudo-pinnacle embeddings.
   */
  float[][] run(PromoConfig c, NamedTensors globals, UpdaterConfig uc, int batchSize, RetentionTracker tracker,
                RetentionStats stats, boolean countTrainingPositives) {
    float[][] table = x.baseItems.clone();
    float[] init = globals.get(PromoGlobals.PROMPT_INIT).data();
    long started = System.nanoTime();
    long updates;
    try (PromptTuning tuner = PromptTuning.create(TuningEngine.AUTO, globals, c, x.tau, Device.cpu())) {
      SplitModels models = new SplitModels(tuner, init, c.pinnacleMode(), tracker, countTrainingPositives);
      ColdItemReplay replay = new ColdItemReplay(new ColdItemUpdater(uc, models), batchSize, stats);
      LeaveOneOutSplit.TrainingLog log = x.split.training;
      // Each positive carries its liker's co-liked vector, from their positives before it, as the job's user stage
      // attaches it (the log is in time order within each user).
      long[][] recent = new long[x.split.numUsers()][];
      for (int e = 0; e < log.size(); e++) {
        int user = log.user()[e];
        boolean positive = log.positive()[e];
        long[] h = recent[user] == null ? new long[0] : recent[user];
        float[] coLiked = positive ? UserEncoder.coLiked(x.artifact, h) : null;
        replay.accept(new ColdItemUpdater.Observation(log.item()[e], user, null,
            positive ? Label.POSITIVE : Label.NEGATIVE, log.value()[e], log.timeMs()[e], -1, coLiked));
        if (positive) {
          recent[user] = RecentItems.append(h, x.split.items.external(log.item()[e]), UserEncoder.CO_LIKED_WINDOW);
        }
      }
      replay.flush();
      updates = replay.updates();
      List<ItemTuningInput> rest = new ArrayList<>();
      for (int item : x.coldItems) {
        float[] e = replay.embeddings().get((long) item);
        if (e != null) {
          table[item] = e;
        } else {
          rest.add(TuningInputs.fromState(item, x.baseItems[item],
              new ItemFeedbackState(c.k(), c.pinnacleMode(), uc.recentSamples(), 0),
              inputs.pseudoPinnacle(c.pinnacleMode(), item), PromptState.initial(init), x::userVector, x.warmPool,
              new long[0]));
        }
      }
      PromoExperiment.apply(table, rest, tuner.embed(rest));
    }
    double secs = (System.nanoTime() - started) / 1e9;
    LOG.info(String.format("PROMO-stream replay: %d events, %d item-updates in %.1fs (%.0f item-updates/s)",
        x.split.training.size(), updates, secs, updates / secs));
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
      this.users = new long[x.usersTrain.length];
      for (int u = 0; u < users.length; u++) {
        users[u] = u;
      }
    }

    @Override
    public float[] get(long userId) {
      return x.userVector(userId);
    }

    @Override
    public String baseVersion() {
      return x.baseVersion;
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
      return itemId > 0 && itemId < x.baseItems.length ? x.baseItems[(int) itemId] : null;
    }

    @Override
    public float[] coLikedCenter() {
      return x.coLikedCenter;
    }

    @Override
    public long basePositives(long itemId) {
      int i = (int) itemId;
      if (!x.split.cold[i]) {
        return Long.MAX_VALUE / 2; // warm: served by the base model, never tuned
      }
      return countTrainingPositives ? x.split.itemTrainPositives[i] : 0;
    }

    @Override
    public List<PinnacleEntry> pseudoPinnacle(long itemId) {
      return inputs.pseudoPinnacle(mode, (int) itemId);
    }

    @Override
    public long[] userPool() {
      return users;
    }

    @Override
    public WarmPool warmPool() {
      return x.warmPool;
    }

    @Override
    public RetentionTracker retention() {
      return tracker;
    }
  }
}
