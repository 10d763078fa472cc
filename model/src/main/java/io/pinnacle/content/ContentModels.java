package io.pinnacle.content;

import io.pinnacle.feedback.PinnacleEntry;
import io.pinnacle.feedback.PseudoPinnacle;
import io.pinnacle.retention.RetentionTracker;
import io.pinnacle.tuning.ArtifactModels;
import io.pinnacle.tuning.PromptTuner;
import io.pinnacle.tuning.UpdaterModels;
import io.pinnacle.tuning.WarmPool;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The artifacts' models plus what content features say of an item the base never saw: a starting embedding from
 * the {@link ContentMapper} (when given one) and pinnacle users borrowed from the popular item whose features are the
 * most similar by Tanimoto (PROMO Eq. 5; when asked). Items the base knows are answered by the artifacts alone.
 */
public final class ContentModels implements UpdaterModels {
  private final ArtifactModels artifacts;
  private final Map<Long, float[]> content;
  private final ContentMapper mapper;
  private final boolean borrowByContent;
  private final long[] popularItems;
  private final float[][] popularContent;
  private final Map<Long, float[]> mapped = new HashMap<>();

  public ContentModels(ArtifactModels artifacts, Map<Long, float[]> content, ContentMapper mapper,
                       boolean borrowByContent) {
    this.artifacts = artifacts;
    this.content = content;
    this.mapper = mapper;
    this.borrowByContent = borrowByContent;
    this.popularItems = artifacts.promo.popularItems();
    this.popularContent = new float[popularItems.length][];
    for (int p = 0; p < popularItems.length; p++) {
      popularContent[p] = content.get(popularItems[p]);
    }
  }

  @Override
  public float[] baseItemEmbedding(long itemId) {
    float[] known = artifacts.baseItemEmbedding(itemId);
    if (known != null || mapper == null) {
      return known;
    }
    float[] x = content.get(itemId);
    return x == null ? null : mapped.computeIfAbsent(itemId, id -> mapper.map(x));
  }

  @Override
  public List<PinnacleEntry> pseudoPinnacle(long itemId) {
    if (artifacts.baseItemEmbedding(itemId) != null || !borrowByContent || !content.containsKey(itemId)) {
      return artifacts.pseudoPinnacle(itemId);
    }
    int nearest = PseudoPinnacle.nearest(content.get(itemId), popularContent);
    List<PinnacleEntry> out = new ArrayList<>();
    if (nearest >= 0) {
      for (long u : artifacts.promo.popularPinnacle(nearest)) {
        out.add(new PinnacleEntry(u, 0f, 0L));
      }
    }
    return out;
  }

  @Override
  public float[] get(long userId) {
    return artifacts.get(userId);
  }

  @Override
  public String baseVersion() {
    return artifacts.baseVersion();
  }

  @Override
  public String promoVersion() {
    return artifacts.promoVersion();
  }

  @Override
  public PromptTuner tuner() {
    return artifacts.tuner();
  }

  @Override
  public float[] promptInit() {
    return artifacts.promptInit();
  }

  @Override
  public long basePositives(long itemId) {
    return artifacts.basePositives(itemId);
  }

  @Override
  public long[] userPool() {
    return artifacts.userPool();
  }

  @Override
  public WarmPool warmPool() {
    return artifacts.warmPool();
  }

  @Override
  public RetentionTracker retention() {
    return artifacts.retention();
  }
}
