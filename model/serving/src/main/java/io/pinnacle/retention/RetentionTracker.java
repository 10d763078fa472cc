package io.pinnacle.retention;

import static io.pinnacle.util.Hashing.dot;
import static io.pinnacle.util.Hashing.mix;

import io.pinnacle.users.UserVectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The retention measurement, shared by the streaming operator and the offline comparison:
 * <ul>
 *   <li>a pair (u, i) is tracked when u enters i's pinnacle set and a deterministic hash of (u, i) falls under the
 *       sample rate, at most {@code maxPerItem} pairs per item;</li>
 *   <li>at t0 it is correct if the item's embedding at that moment ranks i within the top K for u among m candidate
 *       items (scored with their base embeddings), drawn from the catalogue with a seed of the pair, so every
 *       re-evaluation uses the same candidates; the catalogue stands in for "items u never interacted with"
 *       because the stream does not know each user's full history;</li>
 *   <li>at every later update of i, each pair correct at t0 is re-evaluated and counted memorized or forgotten in
 *       the bucket of negatives i received since t0.</li>
 * </ul>
 */
public final class RetentionTracker {
  private final double sampleRate;
  private final int maxPerItem;
  private final int topK;
  private final int candidates;
  private final long seed;
  private final float[][] catalogue;
  private final long[] catalogueIds;

  public RetentionTracker(double sampleRate, int maxPerItem, int topK, int candidates, long seed, long[] catalogueIds,
                          float[][] catalogue) {
    this.sampleRate = sampleRate;
    this.maxPerItem = maxPerItem;
    this.topK = topK;
    this.candidates = candidates;
    this.seed = seed;
    this.catalogueIds = catalogueIds;
    this.catalogue = catalogue;
  }

  public boolean sampled(long itemId, long userId, int alreadyTracked) {
    if (alreadyTracked >= maxPerItem) {
      return false;
    }
    long h = mix(itemId * 0x9E3779B97F4A7C15L ^ userId ^ seed);
    return (h >>> 11) * 0x1.0p-53 < sampleRate;
  }

  /** Evaluates at t0 with the item's embedding at that moment (base or last emitted). */
  public TrackedPair start(long itemId, long userId, float[] userVector, long negativesNow, float[] itemEmbedding,
                           RetentionStats stats) {
    stats.tracked();
    float score = dot(userVector, itemEmbedding);
    float threshold = threshold(itemId, userId, userVector);
    boolean correct = score > threshold;
    stats.atT0(correct);
    return new TrackedPair(userId, negativesNow, TrackedPair.PENDING, score, threshold).withT0(correct, score);
  }

  /** Re-evaluates the item's pairs that were correct at t0 after an update of its embedding. */
  public void afterUpdate(long itemId, List<TrackedPair> pairs, float[] itemEmbedding, long negativesNow,
                          UserVectors users, RetentionStats stats) {
    for (TrackedPair p : pairs) {
      float[] user = p.state() == TrackedPair.CORRECT ? users.get(p.userId()) : null;
      if (user == null) {
        continue;
      }
      stats.later(negativesNow - p.negativesAtT0(), dot(user, itemEmbedding) > p.threshold());
    }
  }

  /**
   * The score of the pair's K-th best candidate (negative infinity with fewer than K): an item scoring above it has
   * fewer than K candidates at or above its score, i.e. ranks within the top K (ties count against the item).
   */
  float threshold(long itemId, long userId, float[] user) {
    SplittableRandom rnd = new SplittableRandom(mix(itemId * 31 + userId * 1_000_003L + seed));
    float[] scores = new float[candidates];
    int drawn = 0;
    for (int tries = 0; drawn < candidates && tries < candidates * 4; tries++) {
      int c = rnd.nextInt(catalogue.length);
      if (catalogueIds[c] == itemId || catalogue[c] == null) {
        continue;
      }
      scores[drawn++] = dot(user, catalogue[c]);
    }
    if (drawn < topK) {
      return Float.NEGATIVE_INFINITY;
    }
    float[] drawnScores = Arrays.copyOf(scores, drawn);
    Arrays.sort(drawnScores);
    return drawnScores[drawn - topK];
  }

  /** Number of candidates scoring at least {@code score} (ties count against the item). */
  int rank(long itemId, long userId, float[] user, float score) {
    SplittableRandom rnd = new SplittableRandom(mix(itemId * 31 + userId * 1_000_003L + seed));
    int rank = 0;
    int drawn = 0;
    for (int tries = 0; drawn < candidates && tries < candidates * 4; tries++) {
      int c = rnd.nextInt(catalogue.length);
      if (catalogueIds[c] == itemId || catalogue[c] == null) {
        continue;
      }
      drawn++;
      if (dot(user, catalogue[c]) >= score) {
        rank++;
      }
    }
    return rank;
  }

  public static List<TrackedPair> copy(List<TrackedPair> pairs) {
    return new ArrayList<>(pairs);
  }
}
