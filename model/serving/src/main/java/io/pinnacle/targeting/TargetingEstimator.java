package io.pinnacle.targeting;

import static io.pinnacle.util.Hashing.dot;
import static io.pinnacle.util.Hashing.mix;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The paired placement AUC estimated live, without looking ahead and in bounded memory. At each of an item's latest
 * {@link Config#probesPerItem} positives, before it is applied, the item keeps a {@link TargetingProbe}: its embedding
 * as it was, the seed of a candidate set drawn from the base catalogue and the liking user's rank of the item among
 * those candidates. Each of the item's next {@link Config#negativesPerProbe} negatives is ranked against the same
 * candidates with the kept embedding, before it is applied; a negative from a recently active user (a positive in
 * the stream in the {@link Config#activeWindowMs} before it) makes a pair. The candidates are base items scored with
 * their frozen embeddings (every subtask has them), the rejecter's vector is the one of their negative: the bounds
 * that make it cheap, and the offline twin applies the same ones. A score made of a user part plus an item part (popularity,
 * age, a user's taste for everything) wins exactly half of the pairs; what is left is whether the embedding finds its
 * users. Read-only: one instance serves every item.
 */
public final class TargetingEstimator {
  /** The estimator's bounds. */
  public record Config(int probesPerItem, int negativesPerProbe, int candidates, long activeWindowMs, long seed) {
    public static final Config DEFAULTS = new Config(3, 10, 100, 7L * 24 * 3600 * 1000, 0x7A26E7L);
  }

  private final Config config;
  private final long[] catalogueIds;
  private final float[][] catalogue;

  /** {@code catalogue[c]} is the base embedding of {@code catalogueIds[c]} (null rows are skipped). */
  public TargetingEstimator(Config config, long[] catalogueIds, float[][] catalogue) {
    this.config = config;
    this.catalogueIds = catalogueIds;
    this.catalogue = catalogue;
  }

  public Config config() {
    return config;
  }

  /**
   * A positive on the item, before it is applied: keeps a probe of the item's current embedding (the oldest probe
   * makes room). Nothing is kept without a user vector or an embedding.
   */
  public void positive(List<TargetingProbe> probes, long itemId, long positivesBefore, boolean newItem,
                       float[] embedding, float[] likerVector, long eventTimeMs, long eventSalt) {
    if (likerVector == null || embedding == null || catalogue.length == 0) {
      return;
    }
    long seed = mix(config.seed() ^ mix(itemId * 0x9E3779B97F4A7C15L + eventSalt));
    float rank = rank(seed, itemId, embedding, likerVector);
    while (probes.size() >= config.probesPerItem() && !probes.isEmpty()) {
      probes.remove(0);
    }
    if (config.probesPerItem() > 0) {
      probes.add(new TargetingProbe(embedding.clone(), seed, rank, TargetingStats.bucket(positivesBefore), newItem,
          eventTimeMs, config.negativesPerProbe()));
    }
  }

  /**
   * A negative on the item, before it is applied: paired with every probe that still takes negatives, when the user
   * was active recently ({@code userLastPositiveMs}: the user's last positive in the stream before this event; below
   * 0 when none or unknown, which makes no pair). Probes with no negatives left are dropped.
   */
  public void negative(List<TargetingProbe> probes, long itemId, float[] rejecterVector, long userLastPositiveMs,
                       long eventTimeMs, TargetingStats stats) {
    boolean active = rejecterVector != null && userLastPositiveMs >= 0
        && eventTimeMs - userLastPositiveMs <= config.activeWindowMs();
    for (int j = 0; j < probes.size(); j++) {
      TargetingProbe p = probes.get(j);
      if (active && stats != null) {
        stats.pair(TargetingStats.group(p.newItem), p.bucket, p.likerRank,
            rank(p.seed, itemId, p.embedding, rejecterVector));
      }
      p.negativesLeft--;
    }
    probes.removeIf(p -> p.negativesLeft <= 0);
  }

  /** Share of the seed's candidates the user scores above the item; ties count half. */
  float rank(long seed, long itemId, float[] item, float[] user) {
    float score = dot(user, item);
    SplittableRandom rnd = new SplittableRandom(seed);
    int drawn = 0;
    double above = 0;
    for (int attempts = 0; drawn < config.candidates() && attempts < config.candidates() * 4; attempts++) {
      int c = rnd.nextInt(catalogue.length);
      if (catalogueIds[c] == itemId || catalogue[c] == null) {
        continue;
      }
      float s = dot(user, catalogue[c]);
      above += s > score ? 1 : s == score ? 0.5 : 0;
      drawn++;
    }
    return drawn == 0 ? 0.5f : (float) (above / drawn);
  }
}
