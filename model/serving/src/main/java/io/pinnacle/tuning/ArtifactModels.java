package io.pinnacle.tuning;

import ai.djl.Device;
import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.content.ContentMapper;
import io.pinnacle.util.LongIntMap;
import io.pinnacle.feedback.PinnacleEntry;
import io.pinnacle.feedback.PseudoPinnacle;
import io.pinnacle.prompt.PromoArtifact;
import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.prompt.PromoGlobals;
import io.pinnacle.retention.RetentionTracker;
import io.pinnacle.targeting.TargetingEstimator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The frozen base model and PROMO globals as {@link UpdaterModels}, keyed by external ids: what the streaming job
 * loads on each TaskManager and what the offline prequential evaluation uses, so both tune with the same lookups.
 * Read-only after loading, apart from the tuner, which is created on first use (on the given device for the DJL
 * engine).
 */
public class ArtifactModels implements UpdaterModels, AutoCloseable {
  private static final int PSEUDO_CACHE_LIMIT = 1_000_000;

  /** The incremental tuning's loss weights and Adam rate (the prompt stage's own live in the artifact). */
  public record TuningRates(float lambda1, float lambda2, float learningRate) {
    public static final TuningRates DEFAULTS = new TuningRates(0.01f, 0.1f, 0.001f);
  }

  private final Device device;
  private final TuningEngine engine;
  public final BaseModelArtifact base;
  public final PromoArtifact promo;
  private final UpdaterConfig updaterConfig;
  private final PromoConfig tuningConfig;
  private final float[] promptInit;
  private final WarmPool warmPool;
  private final long[] userIds;
  // Event-path lookups without boxing or copying: rows are shared and read-only.
  private final LongIntMap userIndex;
  private final float[][] userRows;
  private final LongIntMap itemIndex;
  private final float[][] itemRows;
  private final long[] itemTrainPositives;
  private final LongIntMap trainedItemIndex;
  private final float[] coLikedCenter;
  private final float meanItemNorm;
  private final float[] meanUserVector;
  private final long[] popularItems;
  private final float[][] popularEmbeddings;
  private final RetentionTracker retention;
  private final ContentMapper contentMapper;
  private final TargetingEstimator targeting;
  private final Map<Long, List<PinnacleEntry>> pseudo = new ConcurrentHashMap<>();
  private PromptTuning tuner;

  public ArtifactModels(BaseModelArtifact base, PromoArtifact promo, UpdaterConfig updaterConfig, TuningRates rates,
                        Device device, TuningEngine engine) {
    if (!promo.metadata().baseModelVersion().equals(base.version())) {
      throw new IllegalArgumentException("PROMO artifact " + promo.metadata().version() + " was trained on base "
          + promo.metadata().baseModelVersion() + ", not on " + base.version());
    }
    this.device = device;
    this.engine = engine.on(device);
    this.base = base;
    this.promo = promo;
    PromoConfig trained = promo.metadata().config();
    this.updaterConfig = updaterConfig;
    // The network's shape comes from the artifact; k, the losses and the tuning rate from the caller's settings.
    this.tuningConfig = new PromoConfig(trained.dim(), updaterConfig.k(), updaterConfig.recentSamples(),
        trained.layers(), rates.lambda1(), rates.lambda2(), trained.learningRate(), rates.learningRate(),
        trained.loggedNegativeShare(),
        trained.pinnacleMode(), trained.sharedPrompt(), trained.warmPool(), trained.promptEpochs(),
        trained.batchItems(), trained.evalEvery(), trained.patience(), trained.seed(), trained.baseDropout(),
        trained.itemPartKept(), false);
    this.promptInit = promo.globals().get(PromoGlobals.PROMPT_INIT).data();
    this.warmPool = new WarmPool(promo.warmPool(), promo.metadata().tau());
    this.userIds = base.userIds();
    this.userIndex = LongIntMap.indexOf(userIds);
    this.userRows = new float[userIds.length][];
    for (int u = 0; u < userIds.length; u++) {
      userRows[u] = base.userVector(userIds[u]);
    }
    this.meanUserVector = mean(userRows);
    long[] itemIds = base.itemIds();
    this.itemIndex = LongIntMap.indexOf(itemIds);
    this.itemRows = new float[itemIds.length][];
    for (int i = 0; i < itemIds.length; i++) {
      itemRows[i] = base.itemEmbedding(itemIds[i]);
    }
    long[] trainedItems = promo.trainedItems();
    this.trainedItemIndex = LongIntMap.indexOf(trainedItems);
    this.itemTrainPositives = new long[trainedItems.length];
    for (int i = 0; i < trainedItems.length; i++) {
      itemTrainPositives[i] = promo.trainPositives(trainedItems[i]);
    }
    float[][] trainedRows = new float[trainedItems.length][];
    for (int i = 0; i < trainedItems.length; i++) {
      trainedRows[i] = base.itemEmbedding(trainedItems[i]);
    }
    this.coLikedCenter = UpdaterModels.weightedMean(trainedRows, itemTrainPositives);
    double norms = 0;
    int counted = 0;
    for (float[] row : trainedRows) {
      if (row != null) {
        double sq = 0;
        for (float x : row) {
          sq += (double) x * x;
        }
        norms += Math.sqrt(sq);
        counted++;
      }
    }
    this.meanItemNorm = counted == 0 ? 0f : (float) (norms / counted);
    this.popularItems = promo.popularItems();
    this.popularEmbeddings = new float[popularItems.length][];
    for (int p = 0; p < popularItems.length; p++) {
      popularEmbeddings[p] = base.itemEmbedding(popularItems[p]);
    }
    long[] catalogueIds = base.itemIds();
    float[][] catalogue = new float[catalogueIds.length][];
    for (int i = 0; i < catalogueIds.length; i++) {
      catalogue[i] = base.itemEmbedding(catalogueIds[i]);
    }
    this.retention = new RetentionTracker(updaterConfig.retentionSampleRate(), updaterConfig.retentionMaxPerItem(),
        UpdaterConfig.RETENTION_TOP_K, UpdaterConfig.RETENTION_CANDIDATES, UpdaterConfig.RETENTION_SEED,
        catalogueIds, catalogue);
    this.contentMapper = ContentMapper.of(base);
    TargetingEstimator.Config t = TargetingEstimator.Config.DEFAULTS;
    this.targeting = updaterConfig.targetingProbes() == 0 ? null : new TargetingEstimator(new TargetingEstimator.Config(
        updaterConfig.targetingProbes(), t.negativesPerProbe(), t.candidates(), t.activeWindowMs(), t.seed()),
        catalogueIds, catalogue);
  }

  @Override
  public TargetingEstimator targeting() {
    return targeting;
  }

  public UpdaterConfig updaterConfig() {
    return updaterConfig;
  }

  /** True when the item is served by the base model (enough positives in the training period): never tuned. */
  public boolean warm(long itemId) {
    return basePositives(itemId) >= updaterConfig.coldThreshold();
  }

  @Override
  public float[] get(long userId) {
    int u = userIndex.get(userId);
    return u < 0 ? null : userRows[u];
  }

  @Override
  public String baseVersion() {
    return base.version();
  }

  @Override
  public String promoVersion() {
    return promo.metadata().version();
  }

  @Override
  public synchronized PromptTuning tuner() {
    if (tuner == null) {
      tuner = PromptTuning.create(engine, promo.globals(), tuningConfig, promo.metadata().tau(), device);
    }
    return tuner;
  }

  @Override
  public float[] promptInit() {
    return promptInit;
  }

  @Override
  public float[] baseItemEmbedding(long itemId) {
    int i = itemIndex.get(itemId);
    return i < 0 ? null : itemRows[i];
  }

  @Override
  public float meanItemNorm() {
    return meanItemNorm;
  }

  @Override
  public float[] meanUserVector() {
    return meanUserVector == null ? null : meanUserVector.clone();
  }

  private static float[] mean(float[][] rows) {
    double[] acc = null;
    int n = 0;
    for (float[] r : rows) {
      if (r == null) {
        continue;
      }
      if (acc == null) {
        acc = new double[r.length];
      }
      for (int k = 0; k < acc.length; k++) {
        acc[k] += r[k];
      }
      n++;
    }
    if (acc == null) {
      return null;
    }
    float[] out = new float[acc.length];
    for (int k = 0; k < out.length; k++) {
      out[k] = (float) (acc[k] / n);
    }
    return out;
  }

  @Override
  public float[] coLikedCenter() {
    return coLikedCenter;
  }

  @Override
  public float[] contentStart(int[] featureIds) {
    return contentMapper == null || featureIds.length == 0 ? null : contentMapper.map(featureIds);
  }

  @Override
  public long basePositives(long itemId) {
    int i = trainedItemIndex.get(itemId);
    return i < 0 ? 0 : itemTrainPositives[i];
  }

  /** The pinnacle users of the popular item closest to this item's base embedding (none for an unknown item). */
  @Override
  public List<PinnacleEntry> pseudoPinnacle(long itemId) {
    List<PinnacleEntry> cached = pseudo.get(itemId);
    if (cached != null) {
      return cached;
    }
    float[] e = baseItemEmbedding(itemId);
    int nearest = e == null ? -1 : PseudoPinnacle.nearest(e, popularEmbeddings);
    List<PinnacleEntry> out = new ArrayList<>();
    if (nearest >= 0) {
      for (long u : promo.popularPinnacle(nearest)) {
        out.add(new PinnacleEntry(u, 0f, 0L));
      }
    }
    if (pseudo.size() < PSEUDO_CACHE_LIMIT) {
      pseudo.put(itemId, List.copyOf(out));
    }
    return out;
  }

  @Override
  public long[] userPool() {
    return userIds;
  }

  @Override
  public WarmPool warmPool() {
    return warmPool;
  }

  @Override
  public RetentionTracker retention() {
    return retention;
  }

  @Override
  public synchronized void close() {
    if (tuner != null) {
      tuner.close();
      tuner = null;
    }
  }
}
