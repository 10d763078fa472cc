package io.pinnacle.tuning;

import io.pinnacle.feedback.PinnacleEntry;
import io.pinnacle.feedback.PseudoPinnacle;
import io.pinnacle.retention.RetentionTracker;
import io.pinnacle.targeting.TargetingEstimator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The artifacts' models plus PROMO's pseudo-pinnacle by content (Eq. 5): an item the base never saw borrows the
 * pinnacle users of the popular item whose content features are the most similar by Tanimoto. Items the base knows
 * are answered by the artifacts alone. (The other content path, the mapped starting embedding, needs no decorator:
 * it travels with the item's state, see {@code ColdItemUpdater#describe}.)
 */
public final class ContentModels implements UpdaterModels {
  private final ArtifactModels artifacts;
  private final Map<Long, float[]> content;
  private final long[] popularItems;
  private final float[][] popularContent;

  public ContentModels(ArtifactModels artifacts, Map<Long, float[]> content) {
    this.artifacts = artifacts;
    this.content = content;
    this.popularItems = artifacts.promo.popularItems();
    this.popularContent = new float[popularItems.length][];
    for (int p = 0; p < popularItems.length; p++) {
      popularContent[p] = content.get(popularItems[p]);
    }
  }

  @Override
  public float[] baseItemEmbedding(long itemId) {
    return artifacts.baseItemEmbedding(itemId);
  }

  @Override
  public float[] contentStart(int[] featureIds) {
    return artifacts.contentStart(featureIds);
  }

  @Override
  public List<PinnacleEntry> pseudoPinnacle(long itemId) {
    if (artifacts.baseItemEmbedding(itemId) != null || !content.containsKey(itemId)) {
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
  public PromptTuning tuner() {
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
  public TargetingEstimator targeting() {
    return artifacts.targeting();
  }

  @Override
  public RetentionTracker retention() {
    return artifacts.retention();
  }

  @Override
  public float[] coLikedCenter() {
    return artifacts.coLikedCenter();
  }

  @Override
  public float meanItemNorm() {
    return artifacts.meanItemNorm();
  }

  @Override
  public float[] meanUserVector() {
    return artifacts.meanUserVector();
  }
}
