package io.pinnacle.job.tuning;

import ai.djl.Device;
import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.feedback.PinnacleEntry;
import io.pinnacle.feedback.PseudoPinnacle;
import io.pinnacle.prompt.PromoArtifact;
import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.tuning.PromptTuner;
import io.pinnacle.tuning.WarmPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The frozen base model and PROMO globals, loaded once per TaskManager JVM and shared by its subtasks (reference
 * counted; the native tuner closes with the last user). Read-only after loading.
 */
public final class LoadedModels implements AutoCloseable {
  private static final Map<String, LoadedModels> SHARED = new ConcurrentHashMap<>();

  private final String key;
  private int users;
  public final BaseModelArtifact base;
  public final PromoArtifact promo;
  public final PromptTuner tuner;
  public final WarmPool warmPool;
  public final long[] userIds;
  private final float[][] popularEmbeddings;
  /** Every item known to the base model with its embedding: the retention measurement's candidates. */
  public final long[] catalogueIds;
  public final float[][] catalogue;
  private final long[] popularItems;

  private LoadedModels(String key, BaseModelArtifact base, PromoArtifact promo, PromoConfig config, Device device) {
    this.key = key;
    this.base = base;
    this.promo = promo;
    if (!promo.metadata().baseModelVersion().equals(base.version())) {
      throw new IllegalArgumentException("PROMO artifact " + promo.metadata().version() + " was trained on base "
          + promo.metadata().baseModelVersion() + ", not on " + base.version());
    }
    this.tuner = new PromptTuner(promo.globals(), config, promo.metadata().tau(), device);
    this.warmPool = new WarmPool(promo.warmPool(), promo.metadata().tau());
    this.userIds = base.userIds();
    this.popularItems = promo.popularItems();
    this.popularEmbeddings = new float[popularItems.length][];
    for (int p = 0; p < popularItems.length; p++) {
      popularEmbeddings[p] = base.itemEmbedding(popularItems[p]);
    }
    this.catalogueIds = base.itemIds();
    this.catalogue = new float[catalogueIds.length][];
    for (int i = 0; i < catalogueIds.length; i++) {
      catalogue[i] = base.itemEmbedding(catalogueIds[i]);
    }
  }

  /** Loads (or shares) the models for these artifact locations; call {@link #close()} when done. */
  public static LoadedModels acquire(String baseUri, String promoUri,
                                     java.util.function.UnaryOperator<PromoConfig> tuningConfig, Device device) {
    // Subtasks of one job pass equal settings, so the key need not include them.
    String key = baseUri + "|" + promoUri + "|" + device;
    synchronized (SHARED) {
      LoadedModels m = SHARED.get(key);
      if (m == null) {
        PromoArtifact promo = PromoArtifact.load(ArtifactLocation.localDirectory(promoUri));
        m = new LoadedModels(key, BaseModelArtifact.load(ArtifactLocation.localDirectory(baseUri)), promo,
            tuningConfig.apply(promo.metadata().config()), device);
        SHARED.put(key, m);
      }
      m.users++;
      return m;
    }
  }

  /** Pinnacle users borrowed from the most similar popular item, for an item with no positive feedback yet. */
  public List<PinnacleEntry> pseudoPinnacle(float[] itemEmbedding) {
    if (itemEmbedding == null) {
      return List.of();
    }
    int nearest = PseudoPinnacle.nearest(itemEmbedding, popularEmbeddings);
    if (nearest < 0) {
      return List.of();
    }
    List<PinnacleEntry> out = new ArrayList<>();
    for (long u : promo.popularPinnacle(nearest)) {
      out.add(new PinnacleEntry(u, 0f, 0L));
    }
    return out;
  }

  @Override
  public void close() {
    synchronized (SHARED) {
      if (--users == 0) {
        SHARED.remove(key);
        tuner.close();
      }
    }
  }
}
