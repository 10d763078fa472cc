package io.pinnacle.job.tuning;

import ai.djl.Device;
import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.data.LongIntMap;
import io.pinnacle.feedback.PinnacleEntry;
import io.pinnacle.feedback.PseudoPinnacle;
import io.pinnacle.job.config.JobConfiguration;
import io.pinnacle.job.config.PinnacleOptions;
import io.pinnacle.prompt.PromoArtifact;
import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.prompt.PromoGlobals;
import io.pinnacle.retention.RetentionTracker;
import io.pinnacle.tuning.PromptTuner;
import io.pinnacle.tuning.UpdaterConfig;
import io.pinnacle.tuning.UpdaterModels;
import io.pinnacle.tuning.WarmPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.Configuration;

/**
 * The frozen base model and PROMO globals as the job's {@link UpdaterModels}: loaded once per TaskManager JVM and
 * shared by its subtasks (reference counted; the native tuner is created on first use, on the operator's device,
 * and closed with the last user). Read-only after loading.
 */
public final class LoadedModels implements UpdaterModels, AutoCloseable {
  private static final Map<String, LoadedModels> SHARED = new ConcurrentHashMap<>();
  private static final int PSEUDO_CACHE_LIMIT = 1_000_000;

  private final String key;
  private final Device device;
  private int users;
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
  private final long[] popularItems;
  private final float[][] popularEmbeddings;
  private final RetentionTracker retention;
  private final Map<Long, List<PinnacleEntry>> pseudo = new ConcurrentHashMap<>();
  private PromptTuner tuner;

  private LoadedModels(String key, BaseModelArtifact base, PromoArtifact promo, Configuration conf, Device device) {
    if (!promo.metadata().baseModelVersion().equals(base.version())) {
      throw new IllegalArgumentException("PROMO artifact " + promo.metadata().version() + " was trained on base "
          + promo.metadata().baseModelVersion() + ", not on " + base.version());
    }
    this.key = key;
    this.device = device;
    this.base = base;
    this.promo = promo;
    PromoConfig trained = promo.metadata().config();
    this.updaterConfig = JobConfiguration.updaterConfig(conf, promo.metadata().coldThreshold(),
        trained.pinnacleMode());
    // The network's shape comes from the artifact; k, the losses and the tuning rate from the job's settings.
    this.tuningConfig = new PromoConfig(trained.dim(), updaterConfig.k(), updaterConfig.recentSamples(),
        trained.layers(), conf.get(PinnacleOptions.LAMBDA1), conf.get(PinnacleOptions.LAMBDA2),
        trained.learningRate(), conf.get(PinnacleOptions.LEARNING_RATE), trained.loggedNegativeShare(),
        trained.pinnacleMode(), trained.sharedPrompt(), trained.warmPool(), trained.promptEpochs(),
        trained.batchItems(), trained.evalEvery(), trained.patience(), trained.seed());
    this.promptInit = promo.globals().get(PromoGlobals.PROMPT_INIT).data();
    this.warmPool = new WarmPool(promo.warmPool(), promo.metadata().tau());
    this.userIds = base.userIds();
    this.userIndex = LongIntMap.indexOf(userIds);
    this.userRows = new float[userIds.length][];
    for (int u = 0; u < userIds.length; u++) {
      userRows[u] = base.userVector(userIds[u]);
    }
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
  }

  /** Loads (or shares) the models for this configuration's artifacts; call {@link #close()} when done. */
  public static LoadedModels acquire(Configuration conf, Device device) {
    String baseUri = conf.get(PinnacleOptions.ARTIFACT_BASE);
    String promoUri = conf.get(PinnacleOptions.ARTIFACT_PROMO);
    // Subtasks of one job pass equal settings; the key still includes them so that two jobs in one JVM can differ.
    String key = baseUri + "|" + promoUri + "|" + device + "|" + conf.toMap().hashCode();
    synchronized (SHARED) {
      LoadedModels m = SHARED.get(key);
      if (m == null) {
        PromoArtifact promo = PromoArtifact.load(ArtifactLocation.localDirectory(promoUri));
        BaseModelArtifact base = BaseModelArtifact.load(ArtifactLocation.localDirectory(baseUri));
        m = new LoadedModels(key, base, promo, conf, device);
        SHARED.put(key, m);
      }
      m.users++;
      return m;
    }
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
  public synchronized PromptTuner tuner() {
    if (tuner == null) {
      tuner = new PromptTuner(promo.globals(), tuningConfig, promo.metadata().tau(), device);
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
  public void close() {
    synchronized (SHARED) {
      if (--users == 0) {
        SHARED.remove(key);
        synchronized (this) {
          if (tuner != null) {
            tuner.close();
            tuner = null;
          }
        }
      }
    }
  }
}
