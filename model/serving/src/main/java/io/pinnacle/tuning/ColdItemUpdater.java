package io.pinnacle.tuning;

import io.pinnacle.users.UserVectors;
import static io.pinnacle.util.Hashing.mix;

import io.pinnacle.feedback.Label;
import io.pinnacle.feedback.ItemFeedbackState;
import io.pinnacle.feedback.PinnacleEntry;
import io.pinnacle.retention.RetentionStats;
import io.pinnacle.retention.RetentionTracker;
import io.pinnacle.retention.TrackedPair;
import io.pinnacle.schema.Phase;
import io.pinnacle.targeting.TargetingEstimator;
import io.pinnacle.targeting.TargetingStats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole life of a cold item, with no Flink in it: a labelled event updates the item's pinnacle set and
 * negative reservoir (and makes it dirty), a micro-batch of dirty items is prompt-tuned together, an item that
 * reaches the cold threshold graduates (its final embedding is emitted once and its tuning state dropped), and
 * pinnacle pairs are followed for the retention measurement. The streaming operator and the offline replay both
 * drive this class; they differ only in when they call {@link #tune} and where they keep the states.
 */
public final class ColdItemUpdater {
  /** One tuned item: its new serving embedding and the phase it was emitted in (GRADUATED once). */
  public record Update(long itemId, ItemState state, float[] embedding, Phase phase, float rec, float pfpe,
                       float pape) {}

  private final UpdaterConfig config;
  private final UpdaterModels models;
  private final float[] zeros;

  private static final Logger LOG = LoggerFactory.getLogger(ColdItemUpdater.class);
  private long nonFinite;
  private long failed;

  public ColdItemUpdater(UpdaterConfig config, UpdaterModels models) {
    if (models.tuner().config().k() != config.k()) {
      throw new IllegalArgumentException("the tuner packs k = " + models.tuner().config().k()
          + " users per item but the updater keeps k = " + config.k());
    }
    this.config = config;
    this.models = models;
    this.zeros = new float[models.tuner().config().dim()];
  }

  public UpdaterConfig config() {
    return config;
  }

  /** True when the training period already gave the item enough positives: it is served by the base model. */
  public boolean warm(long itemId) {
    return models.basePositives(itemId) >= config.coldThreshold();
  }

  /** The state of an item seen for the first time. */
  public ItemState newItem(long itemId) {
    ItemState s = new ItemState();
    s.positiveCount = models.basePositives(itemId);
    s.baseVersion = models.baseVersion();
    s.promoVersion = models.promoVersion();
    s.eventHashes = new long[config.dedupCapacity()];
    if (s.positiveCount >= config.coldThreshold()) {
      s.phase = Phase.WARM;
    } else {
      s.phase = Phase.COLD;
      s.feedback = new ItemFeedbackState(config.k(), config.pinnacleMode(), config.recentSamples(),
          config.seed() * 31 + itemId);
      s.prompt = PromptState.initial(models.promptInit());
    }
    return s;
  }

  /**
   * Makes a state built with other artifacts usable with these: counters, feedback and {@code updateSeq} are kept,
   * the prompt restarts from the new globals' initial prompt, retention pairs and the last embedding (which belong
   * to the old vectors) are dropped. Returns true when anything changed; a changed cold item should be re-tuned.
   */
  public boolean adopt(ItemState s) {
    boolean changed = false;
    if (s.eventHashes.length != config.dedupCapacity()) {
      long[] h = new long[config.dedupCapacity()];
      int keep = Math.min(s.eventHashCount, h.length);
      for (int j = 0; j < keep; j++) {
        h[j] = s.eventHashes[Math.floorMod(s.eventHashNext - keep + j, Math.max(1, s.eventHashes.length))];
      }
      s.eventHashes = h;
      s.eventHashCount = keep;
      s.eventHashNext = h.length == 0 ? 0 : keep % h.length;
    }
    if (!s.baseVersion.equals(models.baseVersion()) || !s.promoVersion.equals(models.promoVersion())) {
      boolean newBase = !s.baseVersion.equals(models.baseVersion());
      s.baseVersion = models.baseVersion();
      s.promoVersion = models.promoVersion();
      if (s.cold()) {
        s.prompt = PromptState.initial(models.promptInit());
        s.tunedCount = 0;
        if (newBase) {
          s.feedback.dropUserVectors(); // they live in the old base's space: never mix them with the new one
        }
      }
      s.tracked = new ArrayList<>();
      s.probes = new ArrayList<>();
      s.lastEmbedding = null;
      changed = true;
    }
    return changed;
  }

  /**
   * Takes an item's catalog features. Only an item the base never saw keeps them (the base embedding of a known
   * item is better than anything content says). Returns true when the item's starting embedding changed: a cold
   * item should then be tuned, so that it has an embedding before its first feedback.
   */
  public boolean describe(ItemState s, long itemId, int[] featureIds) {
    if (!s.cold() || models.baseItemEmbedding(itemId) != null || Arrays.equals(s.content, featureIds)) {
      return false;
    }
    s.content = featureIds.clone();
    return s.cold();
  }

  /** Remembers the event's id hash; false when it was seen recently (a redelivery or a resent event). */
  public boolean firstSeen(ItemState s, long eventHash) {
    long[] ring = s.eventHashes;
    for (int j = 0; j < s.eventHashCount; j++) {
      if (ring[j] == eventHash) {
        return false;
      }
    }
    if (ring.length > 0) {
      ring[s.eventHashNext] = eventHash;
      s.eventHashNext = (s.eventHashNext + 1) % ring.length;
      s.eventHashCount = Math.min(s.eventHashCount + 1, ring.length);
    }
    return true;
  }

  public boolean observe(ItemState s, long itemId, long userId, Label label, float value, long eventTimeMs,
                         RetentionStats retention) {
    return observe(s, new Observation(itemId, userId, null, label, value, eventTimeMs, -1, null), retention, null);
  }

  /**
   * One labelled event as the updater sees it: the user's vector as of this event ({@code userVector}, from the user
   * encoder; null: the user is looked up in the models) and the time of the user's last positive in the stream before
   * it ({@code userLastPositiveMs}, below 0 when none or unknown; the targeting measure pairs only recently active
   * users), and for a positive the user's co-liked vector ({@code coLiked}: the mean base embedding of their recent
   * positives before this event, {@code UserEncoder#coLiked}; null when none or unknown).
   */
  public record Observation(long itemId, long userId, float[] userVector, Label label, float value, long eventTimeMs,
                            long userLastPositiveMs, float[] coLiked) {}

  /**
   * Applies one labelled event. Returns true when a cold item's feedback changed, i.e. the item needs tuning; warm
   * and graduated items only count. Before a cold item's feedback changes, the live targeting measure (when the
   * models have one) probes it with the embedding it has now; pairs go to {@code targeting} (null: not counted).
   */
  public boolean observe(ItemState s, Observation o, RetentionStats retention, TargetingStats targeting) {
    long itemId = o.itemId();
    long userId = o.userId();
    float[] userVector = o.userVector();
    Label label = o.label();
    long eventTimeMs = o.eventTimeMs();
    float value = o.value();
    s.lastEventTimeMs = Math.max(s.lastEventTimeMs, eventTimeMs);
    if (label == Label.IGNORED) {
      return false;
    }
    if (!s.cold()) {
      if (label == Label.POSITIVE) {
        s.positiveCount++;
      } else {
        s.negativeCount++;
      }
      return false;
    }
    probe(s, o, targeting);
    if (label == Label.POSITIVE) {
      s.feedback.positive(userId, userVector, value, eventTimeMs);
      s.feedback.coLiked(o.coLiked());
      s.feedback.liker(userVector != null ? userVector : models.get(userId));
      startTracking(s, itemId, userId, userVector, retention);
    } else {
      s.feedback.negative(userId, userVector, eventTimeMs);
    }
    return true;
  }

  /** The live targeting measure sees the event before it is applied, with the item's embedding as it is now. */
  private void probe(ItemState s, Observation o, TargetingStats targeting) {
    TargetingEstimator estimator = models.targeting();
    if (estimator == null) {
      return;
    }
    float[] user = o.userVector() != null ? o.userVector() : models.get(o.userId());
    if (o.label() == Label.POSITIVE) {
      estimator.positive(s.probes, o.itemId(), s.positives(), models.baseItemEmbedding(o.itemId()) == null,
          s.lastEmbedding != null ? s.lastEmbedding : start(o.itemId(), s), user, o.eventTimeMs(), o.userId());
    } else {
      estimator.negative(s.probes, o.itemId(), user, o.userLastPositiveMs(), o.eventTimeMs(), targeting);
    }
  }

  /** Follows (user, item) from now if the user just entered the pinnacle set and the pair is sampled. */
  private void startTracking(ItemState s, long itemId, long userId, float[] userVector, RetentionStats stats) {
    RetentionTracker tracker = models.retention();
    if (tracker == null || stats == null || !s.feedback.pinnacle().contains(userId)) {
      return;
    }
    for (TrackedPair p : s.tracked) {
      if (p.userId() == userId) {
        return;
      }
    }
    float[] user = userVector != null ? userVector : models.get(userId);
    if (user == null || !tracker.sampled(itemId, userId, s.tracked.size())) {
      return;
    }
    float[] current = s.lastEmbedding != null ? s.lastEmbedding : start(itemId, s);
    s.tracked.add(tracker.start(itemId, userId, user, s.negatives(), current, stats));
  }

  /**
   * Tunes the given cold items as one micro-batch and returns one update per item, in order, except for an item
   * whose tuned numbers are not finite ({@link #nonFiniteUpdates}). {@code clockMs} is the caller's clock
   * (processing time in the job, 0 offline) for {@link #nextSeq}.
   */
  public List<Update> tune(List<Long> itemIds, List<ItemState> states, long clockMs, RetentionStats retention) {
    List<ItemTuningInput> inputs = new ArrayList<>(states.size());
    List<Update> out = new ArrayList<>(states.size());
    PromptTuning.Result r;
    try {
      for (int j = 0; j < states.size(); j++) {
        inputs.add(tuningInput(itemIds.get(j), states.get(j)));
      }
      if (inputs.isEmpty()) {
        return out;
      }
      r = models.tuner().tune(inputs, config.adamSteps());
    } catch (RuntimeException e) {
      if (states.size() > 1) {
        // One item's inputs can fail the whole batch: tune them one by one, so only that item is held back.
        for (int j = 0; j < states.size(); j++) {
          out.addAll(tune(List.of(itemIds.get(j)), List.of(states.get(j)), clockMs, retention));
        }
        return out;
      }
      failed++;
      LOG.warn("item {} cannot be tuned and keeps its last embedding until its next event: {}", itemIds.get(0),
          e.toString());
      return out;
    }
    for (int j = 0; j < states.size(); j++) {
      long item = itemIds.get(j);
      ItemState s = states.get(j);
      float[] embedding = served(item, s, inputs.get(j).base(), r.embeddings()[j]);
      if (!finite(embedding) || !finite(r.states().get(j).prompt())) {
        // One item's numbers went bad (an extreme input, say): it keeps its last good prompt and publishes nothing
        // this time; the other items of the batch are not affected.
        nonFinite++;
        continue;
      }
      s.prompt = r.states().get(j);
      s.tunedCount++;
      s.updateSeq = nextSeq(s.updateSeq, clockMs);
      s.lastTunedMs = clockMs;
      if (!s.tracked.isEmpty() && models.retention() != null && retention != null) {
        models.retention().afterUpdate(item, s.tracked, embedding, s.negatives(), keptVectors(s), retention);
      }
      s.lastEmbedding = embedding;
      boolean graduating = s.positives() >= config.coldThreshold();
      if (graduating) {
        graduate(s);
      }
      out.add(new Update(item, s, embedding, graduating ? Phase.GRADUATED : Phase.COLD, r.rec(), r.pfpe(),
          r.pape()));
    }
    return out;
  }

  /** Items whose tuning failed (alone, after their batch failed): they keep their state and last embedding. */
  public long failedUpdates() {
    return failed;
  }

  /** Updates withheld because the tuned embedding or prompt was not finite. */
  public long nonFiniteUpdates() {
    return nonFinite;
  }

  private static boolean finite(float[] v) {
    for (float x : v) {
      if (!Float.isFinite(x)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The next {@code updateSeq}: a state's first update takes the clock, every later one the last number plus one.
   * An item's updates are thus gapless while its state lives, and after a loss of state (idle expiry, a start
   * without state) it continues above every number it had before: those started at an older clock and grew by
   * one per update, fewer updates than milliseconds have passed since.
   */
  public static long nextSeq(long previous, long clockMs) {
    return previous > 0 ? previous + 1 : Math.max(1, clockMs);
  }

  /** A user's vector as the item kept it with their pinnacle entry, else the models' lookup. */
  private UserVectors keptVectors(ItemState s) {
    return userId -> {
      for (PinnacleEntry e : s.feedback.pinnacle().entries()) {
        if (e.userId() == userId && e.vector() != null) {
          return e.vector();
        }
      }
      return models.get(userId);
    };
  }

  /** Counters only from here on: the final embedding has been emitted. */
  private static void graduate(ItemState s) {
    s.positiveCount = s.positives();
    s.negativeCount = s.negatives();
    s.feedback = null;
    s.prompt = null;
    s.tracked = new ArrayList<>();
    s.lastEmbedding = null;
    s.content = new int[0];
    s.probes = new ArrayList<>();
    s.phase = Phase.GRADUATED;
  }

  /**
   * What a cold item brings to its next update: its anchor (the serving rule's), pinnacle and negative users,
   * recent samples and prompt. The prompt stage's stream task builds its inputs here too, so it trains on what the
   * job tunes.
   */
  public ItemTuningInput tuningInput(long itemId, ItemState s) {
    if (!s.cold()) {
      throw new IllegalStateException("item " + itemId + " is " + s.phase + ", only cold items are tuned");
    }
    // Borrowing pinnacle users costs a scan of the popular items: only for items with none of their own.
    List<PinnacleEntry> pseudo = s.feedback.pinnacle().size() > 0 ? List.of() : models.pseudoPinnacle(itemId);
    return TuningInputs.fromState(itemId, start(itemId, s), s.feedback, pseudo, s.prompt, models,
        models.warmPool(), randomUsers(itemId, s.tunedCount));
  }

  private long[] randomUsers(long itemId, int tunedCount) {
    long[] pool = models.userPool();
    if (pool.length == 0 || config.randomNegatives() == 0) {
      return new long[0];
    }
    SplittableRandom rnd = new SplittableRandom(mix(config.seed() * 0x9E3779B97F4A7C15L + itemId) + tunedCount);
    long[] out = new long[config.randomNegatives()];
    for (int j = 0; j < out.length; j++) {
      out[j] = pool[rnd.nextInt(pool.length)];
    }
    return out;
  }

  /**
   * The embedding the item is served: the serving table's source for its group (NEW: the base never saw it) and its
   * positives now. {@code anchor} is the tuning input's base (the rule's anchor), {@code promo} the tuned output.
   */
  private float[] served(long itemId, ItemState s, float[] anchor, float[] promo) {
    ServingRule rule = config.serving();
    boolean fresh = models.baseItemEmbedding(itemId) == null;
    ItemFeedbackState f = s.feedback;
    ServedSource source = rule.table().source(fresh, s.positives());
    switch (source) {
      case PROMO:
        // The anchor until the item has the rule's stream positives: too little feedback to trust PROMO's change.
        return rule.promptServed(f.positiveCount()) ? promo : anchor.clone();
      case ANCHOR:
        return anchor.clone();
      case POSTERIOR:
        return PosteriorUpdate.of(anchor, models.basePositives(itemId) + (double) rule.prior(), models.meanItemNorm(),
            models.meanUserVector(), f, models);
      case START:
        return startEmbedding(itemId, s).clone();
      case CO_LIKED:
      case CO_LIKED_SCALED: {
        float[] a = startEmbedding(itemId, s);
        float[] c = f.coLikedSum();
        if (c == null) {
          return a.clone();
        }
        long p = models.basePositives(itemId);
        int n = f.coLikedCount();
        float[] out = new float[a.length];
        for (int k = 0; k < out.length; k++) {
          out[k] = (float) ((p * (double) a[k] + c[k]) / (p + n));
        }
        if (source == ServedSource.CO_LIKED_SCALED) {
          double startNorm = norm(a);
          rescale(out, startNorm > 0 ? startNorm : models.meanItemNorm());
        }
        return out;
      }
      case USERS:
      case USERS_SCALED: {
        float[] u = f.likerSum();
        if (u == null) {
          return startEmbedding(itemId, s).clone();
        }
        for (int k = 0; k < u.length; k++) {
          u[k] /= f.likerCount();
        }
        if (source == ServedSource.USERS_SCALED) {
          rescale(u, models.meanItemNorm());
        }
        return u;
      }
      default:
        throw new IllegalStateException("unknown served source");
    }
  }

  private static double norm(float[] v) {
    double sq = 0;
    for (float x : v) {
      sq += (double) x * x;
    }
    return Math.sqrt(sq);
  }

  /** Scales {@code v} in place to {@code target} norm (unchanged when it is zero or the target is not positive). */
  private static void rescale(float[] v, double target) {
    double n = norm(v);
    if (n > 0 && target > 0) {
      float k = (float) (target / n);
      for (int i = 0; i < v.length; i++) {
        v[i] *= k;
      }
    }
  }

  /** The item's starting embedding: the base embedding; for an item the base never saw, its content start, else zeros. */
  private float[] startEmbedding(long itemId, ItemState s) {
    float[] b = models.baseItemEmbedding(itemId);
    if (b == null && s.content.length > 0) {
      b = models.contentStart(s.content);
    }
    return b == null ? zeros : b;
  }

  /**
   * What the item is served from before and beside PROMO's change: its starting embedding moved toward its co-liked
   * mean by the serving rule (the anchor).
   */
  private float[] start(long itemId, ItemState s) {
    float[] b = startEmbedding(itemId, s);
    ItemFeedbackState f = s.feedback;
    if (f == null || f.coLikedCount() == 0 || !config.serving().coLiked()) {
      return b;
    }
    return config.serving().anchor(b, models.basePositives(itemId), f.coLikedSum(), f.coLikedCount(),
        models.coLikedCenter(), new float[b.length]);
  }
}
