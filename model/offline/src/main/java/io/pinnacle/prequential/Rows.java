package io.pinnacle.prequential;

import io.pinnacle.feedback.Label;
import io.pinnacle.retention.RetentionStats;
import io.pinnacle.targeting.TargetingStats;
import io.pinnacle.tuning.ColdItemReplay;
import io.pinnacle.tuning.ColdItemUpdater.Update;
import io.pinnacle.tuning.ColdItemUpdater;
import io.pinnacle.tuning.ServedSource;
import io.pinnacle.tuning.ServingTable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The rows of the prequential evaluation: the methods and the diagnostic scorers that know nothing of taste. */
final class Rows {
  private Rows() {}

  static float dot(float[] a, float[] b) {
    if (a == null || b == null) {
      return 0f;
    }
    float z = 0;
    for (int k = 0; k < a.length; k++) {
      z += a[k] * b[k];
    }
    return z;
  }

  static boolean tunable(StreamState s, int item) {
    return s.group[item] != ItemGroup.WARM;
  }

  /** Item vectors dotted with user vectors (current ones, or the artifact's frozen ones). */
  static class Embeddings extends Row {
    final float[][] table;
    final boolean frozenUsers;

    Embeddings(String name, StreamState s, boolean frozenUsers) {
      super(name, true);
      this.frozenUsers = frozenUsers;
      this.table = new float[s.baseEmbedding.length][];
      for (int i = 1; i < table.length; i++) {
        table[i] = s.baseEmbedding[i];
      }
    }

    float[] user(StreamState s, int user) {
      return frozenUsers ? s.frozen[user] : s.current(user);
    }

    @Override
    float score(StreamState s, int user, int item) {
      return dot(user(s, user), table[item]);
    }
  }

  /**
   * A serving table made of the servable rows: each NEW or COLD item scored by the row of the source the table
   * gives its group and positives now (warm items as every servable row has them). The updater's state does not
   * depend on what it serves, so this is the table's replay without replaying it again: the serving fit measures
   * many tables at once this way, each on every other item served by the same table.
   */
  static final class TableOfServable extends Row {
    private final Map<ServedSource, ? extends Embeddings> bySource;
    private final ServingTable table;

    TableOfServable(String name, Map<ServedSource, ? extends Embeddings> bySource, ServingTable table) {
      super(name, true);
      this.bySource = bySource;
      this.table = table;
    }

    @Override
    float score(StreamState s, int user, int item) {
      ItemGroup g = s.group[item];
      ServedSource src = g == ItemGroup.WARM ? ServedSource.START
          : table.source(g == ItemGroup.NEW, s.positives[item]);
      return bySource.get(src).score(s, user, item);
    }
  }

  /** Every NEW and COLD item at the zero vector: where an item lands when nothing is known of it. */
  static Row zeroVector(StreamState s) {
    Embeddings r = new Embeddings("No information (NEW and COLD items at zero)", s, false);
    float[] zero = new float[s.baseEmbedding[1].length];
    for (int i = 1; i < r.table.length; i++) {
      if (tunable(s, i)) {
        r.table[i] = zero;
      }
    }
    return r;
  }

  /**
   * Placement without taste: every NEW and COLD item at the mean user direction, with the norm of its served
   * embedding (warm items as served). It ranks an item high for everyone in proportion to its norm, so a placement
   * that this row matches is won by norm alone.
   */
  static final class MeanUserDirection extends Row {
    private final Embeddings served;
    private final float[] direction;

    MeanUserDirection(StreamState s, Embeddings served) {
      super("Diagnostic: NEW and COLD items at the mean user direction, with the served norm", false);
      this.served = served;
      float[] mean = null;
      for (float[] u : s.frozen) {
        if (u == null) {
          continue;
        }
        if (mean == null) {
          mean = new float[u.length];
        }
        for (int k = 0; k < u.length; k++) {
          mean[k] += u[k];
        }
      }
      double norm = mean == null ? 0 : Math.sqrt(dot(mean, mean));
      direction = new float[s.baseEmbedding[1].length];
      for (int k = 0; norm > 0 && k < direction.length; k++) {
        direction[k] = (float) (mean[k] / norm);
      }
    }

    @Override
    float score(StreamState s, int user, int item) {
      float[] u = served.user(s, user);
      float[] e = served.table[item];
      if (!tunable(s, item)) {
        return dot(u, e);
      }
      return (float) Math.sqrt(dot(e, e)) * dot(u, direction);
    }
  }

  /** An item's vector is the mean of the vectors its positive users had when they liked it. */
  static final class MeanOfUsers extends Embeddings {
    private final float[][] sum;
    private final int[] count;

    MeanOfUsers(StreamState s) {
      super("Mean of its users' vectors", s, false);
      sum = new float[table.length][];
      count = new int[table.length];
    }

    @Override
    void observe(StreamState s, Event e) {
      if (!e.afterSplit() || !e.positive() || e.userVector() == null || !tunable(s, e.item())) {
        return;
      }
      float[] acc = sum[e.item()];
      if (acc == null) {
        acc = sum[e.item()] = new float[e.userVector().length];
      }
      for (int k = 0; k < acc.length; k++) {
        acc[k] += e.userVector()[k];
      }
      count[e.item()]++;
      float[] mean = new float[acc.length];
      for (int k = 0; k < acc.length; k++) {
        mean[k] = acc[k] / count[e.item()];
      }
      table[e.item()] = mean;
    }
  }

  /**
   * Co-liked items, in the embedding space: at each positive after T on a NEW or COLD item, the mean base embedding
   * of the items its liker recently liked (the liker's recent positives the base knows, the item itself left out);
   * the item's vector is the mean of those over its positives. {@code blended}: the same mixed with the item's static
   * embedding by positive count, (P h_i + n m_i) / (P + n) with P its positives before T and n after (a NEW item,
   * P = 0, is the co-liked mean alone). Servable by a dot product and parameter-free: a bar a learned update must clear.
   */
  static final class CoLiked extends Embeddings {
    private final boolean blended;
    private final float[][] base;
    private final float[][] sum;
    private final int[] count;
    /** Positives after T so far, whether or not the liker had co-liked items. */
    private final int[] after;

    CoLiked(StreamState s, boolean blended) {
      super(blended ? "Co-liked items' mean embedding, blended with the static one by positive count"
          : "Co-liked items' mean embedding", s, false);
      this.blended = blended;
      this.base = table.clone();
      sum = new float[table.length][];
      count = new int[table.length];
      after = new int[table.length];
    }

    @Override
    void observe(StreamState s, Event e) {
      if (!e.afterSplit() || !e.positive() || !tunable(s, e.item())) {
        return;
      }
      // Positives before T: every positive before this event (the shared count) less those after T.
      long prior = blended ? s.positives[e.item()] - after[e.item()]++ : 0;
      int d = base[1].length;
      float[] m = new float[d];
      int n = 0;
      for (int j : s.recentItems(e.user())) {
        if (j != e.item() && s.group[j] != ItemGroup.NEW) {
          for (int k = 0; k < d; k++) {
            m[k] += base[j][k];
          }
          n++;
        }
      }
      if (n == 0) {
        return;
      }
      float[] acc = sum[e.item()];
      if (acc == null) {
        acc = sum[e.item()] = new float[d];
      }
      for (int k = 0; k < d; k++) {
        acc[k] += m[k] / n;
      }
      int c = ++count[e.item()];
      float[] v = new float[d];
      for (int k = 0; k < d; k++) {
        v[k] = (prior * base[e.item()][k] + acc[k]) / (prior + c);
      }
      table[e.item()] = v;
    }
  }

  /** Online SGD of NEW and COLD item embeddings on every labelled event (BCE of sigmoid(h_u . e_i / tau)). */
  static final class OnlineSgd extends Embeddings {
    private final float lr;
    private final float tau;

    OnlineSgd(StreamState s, float lr, float tau) {
      super("Online SGD of item embeddings", s, false);
      this.lr = lr;
      this.tau = tau;
    }

    @Override
    void observe(StreamState s, Event e) {
      float[] h = e.userVector();
      if (!e.afterSplit() || h == null || !tunable(s, e.item())) {
        return;
      }
      float[] v = table[e.item()].clone();
      float g = (float) (1 / (1 + Math.exp(-dot(h, v) / tau))) - (e.positive() ? 1f : 0f);
      for (int k = 0; k < v.length; k++) {
        v[k] -= lr * g * h[k] / tau;
      }
      table[e.item()] = v;
    }
  }

  /**
   * PROMO-stream: the job's cold-item updater replayed on the events after the split (micro-batches of dirty
   * items, and a flush before each evaluation so that the state at t holds every event before t).
   */
  static final class PromoStream extends Embeddings {
    private final ColdItemReplay replay;
    private final Map<Long, Integer> dense;
    /** Each user's last positive after T, as the job's user stage knows it (-1: none). */
    private final long[] lastPositiveMs;

    PromoStream(String name, StreamState s, ColdItemUpdater updater, int batch, boolean frozenUsers,
                Map<Long, Integer> dense) {
      this(name, s, updater, batch, frozenUsers, dense, null, null);
    }

    /**
     * {@code live} and {@code retention}: collect the job's bounded targeting estimator and its retention measurement
     * on this replay (null: not measured).
     */
    PromoStream(String name, StreamState s, ColdItemUpdater updater, int batch, boolean frozenUsers,
                Map<Long, Integer> dense, TargetingStats live, RetentionStats retention) {
      super(name, s, frozenUsers);
      this.replay = new ColdItemReplay(updater, batch, retention, live);
      this.dense = dense;
      this.lastPositiveMs = new long[s.userIds.length];
      Arrays.fill(lastPositiveMs, -1L);
    }

    @Override
    void observe(StreamState s, Event e) {
      if (!e.afterSplit()) {
        return;
      }
      long last = lastPositiveMs[e.user()];
      if (e.positive()) {
        lastPositiveMs[e.user()] = Math.max(last, e.timeMs());
      }
      apply(replay.accept(new ColdItemUpdater.Observation(e.itemId(), e.userId(), frozenUsers ? null : e.userVector(),
          e.positive() ? Label.POSITIVE : Label.NEGATIVE, e.value(), e.timeMs(), last,
          e.positive() ? e.coLiked() : null)));
    }

    @Override
    void sync() {
      apply(replay.flush());
    }

    /** The item's catalog features, as the job's catalog input gives them to the same updater. */
    void describe(long itemId, int[] featureIds) {
      apply(replay.describe(itemId, featureIds));
    }

    private void apply(List<Update> updates) {
      for (Update u : updates) {
        table[dense.get(u.itemId())] = u.embedding();
      }
    }

    long updates() {
      return replay.updates();
    }
  }

  /**
   * Streaming item-kNN: cosine of co-occurrence over each user's recent positives, updated per event; a user's
   * score for an item is the sum of its similarities to the user's recent positives.
   */
  static final class ItemKnn extends Row {
    private final PairCounter pairs = new PairCounter();
    private final long[] count;

    ItemKnn(StreamState s) {
      super("Item-kNN (streaming co-occurrence)", true);
      count = new long[s.itemIds.length];
    }

    @Override
    float score(StreamState s, int user, int item) {
      if (count[item] == 0) {
        return 0f;
      }
      float z = 0;
      for (int j : s.recentItems(user)) {
        if (j != item && count[j] > 0) {
          int c = pairs.get(item, j);
          if (c > 0) {
            z += (float) (c / Math.sqrt((double) count[item] * count[j]));
          }
        }
      }
      return z;
    }

    @Override
    void observe(StreamState s, Event e) {
      if (!e.positive()) {
        return;
      }
      for (int j : s.recentItems(e.user())) {
        if (j != e.item()) {
          pairs.increment(e.item(), j);
        }
      }
      count[e.item()]++;
    }
  }

  /** Newest item first: knows the item's age and nothing else. */
  static Row itemAge() {
    return new Row("Diagnostic: item age (newest first)", true) {
      @Override
      float score(StreamState s, int user, int item) {
        return s.firstSeenMs[item];
      }
    };
  }

  /** A user's share of positive events: the same for every item, so every pair ties. */
  static Row userPositiveRate() {
    return new Row("Diagnostic: user's positive rate", true) {
      @Override
      float score(StreamState s, int user, int item) {
        return s.events[user] == 0 ? 0f : (float) s.userPositives[user] / s.events[user];
      }
    };
  }

  /** Closeness of the user's last activity to the item's last positive: timing only. */
  static Row timing() {
    return new Row("Diagnostic: timing only (last activity near the item's last positive)", true) {
      @Override
      float score(StreamState s, int user, int item) {
        if (s.lastPositiveMs[item] == Long.MIN_VALUE || s.lastActivityMs[user] == Long.MIN_VALUE) {
          return Float.NEGATIVE_INFINITY;
        }
        return -Math.abs((float) (s.lastActivityMs[user] - s.lastPositiveMs[item]));
      }
    };
  }

  /**
   * Placement only, and the taste-free row of the whole-catalogue reach: the item with the most positives so far
   * first (what a product serves when it knows nothing of taste).
   */
  static Row mostPositives() {
    return new Row("Diagnostic: most positives so far first", false) {
      @Override
      float score(StreamState s, int user, int item) {
        return s.positives[item];
      }
    };
  }

  /** Placement only: the item with the fewest positives so far first. */
  static Row fewestPositives() {
    return new Row("Diagnostic: fewest positives first", false) {
      @Override
      float score(StreamState s, int user, int item) {
        return -s.positives[item];
      }
    };
  }

  /**
   * A hybrid of two rows by Borda count: among the candidates each row ranks, an item's fused score is minus the
   * sum of its two ranks. No weight to choose, and neither row's score scale matters. Ranked by the evaluator, which
   * sees the candidates.
   */
  static final class Borda extends Row {
    final Row first;
    final Row second;

    Borda(String name, Row first, Row second) {
      super(name, true);
      this.first = first;
      this.second = second;
    }

    @Override
    float score(StreamState s, int user, int item) {
      throw new UnsupportedOperationException("a Borda hybrid is ranked over a candidate set, not scored alone");
    }
  }
}
