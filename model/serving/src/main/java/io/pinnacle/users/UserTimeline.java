package io.pinnacle.users;

import io.pinnacle.base.BaseModelArtifact;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every user's vector at every point of a replay, computed up front with the user encoder: a user starts from a
 * history (in the prequential evaluation their recent positives at the split, kept in the base artifact; empty for a
 * user first seen after it) and each later positive is appended, which gives the next version. Version v is the
 * vector after the user's first v positives of the replay. Null where the history holds no item the base knows.
 */
public final class UserTimeline {
  private final int[] offset;
  private final float[][] vectors;
  private final float[][] coLiked;

  /** {@code positivesAfter[u]} lists user u's positive items after the split in time order (external ids). */
  public UserTimeline(UserEncoder encoder, BaseModelArtifact base, long[] userIds, List<long[]> positivesAfter) {
    this(encoder, starts(base, userIds), positivesAfter);
  }

  /** Every user from a history of their own ({@code starts[u]}, external ids, oldest first; empty: none). */
  public UserTimeline(UserEncoder encoder, List<long[]> starts, List<long[]> positivesAfter) {
    int users = starts.size();
    offset = new int[users + 1];
    for (int u = 0; u < users; u++) {
      offset[u + 1] = offset[u] + positivesAfter.get(u).length + 1;
    }
    vectors = new float[offset[users]][];
    coLiked = new float[vectors.length][];
    int chunk = 8192;
    List<long[]> pending = new ArrayList<>(chunk);
    int filled = 0;
    long started = System.nanoTime();
    for (int u = 0; u < users; u++) {
      long[] h = starts.get(u);
      pending.add(h);
      coLiked[filled + pending.size() - 1] = encoder.coLiked(h);
      for (long item : positivesAfter.get(u)) {
        h = RecentItems.append(h, item, encoder.maxLength());
        pending.add(h);
        coLiked[filled + pending.size() - 1] = encoder.coLiked(h);
      }
      if (pending.size() >= chunk || u == users - 1) {
        float[][] v = encoder.encode(pending);
        System.arraycopy(v, 0, vectors, filled, v.length);
        filled += v.length;
        pending.clear();
        if ((System.nanoTime() - started) > 10_000_000_000L && u < users - 1) {
          System.out.printf(Locale.ROOT, "  user vectors: %,d of %,d histories encoded%n", filled, vectors.length);
          started = System.nanoTime();
        }
      }
    }
  }

  public float[] at(int user, int version) {
    return vectors[offset[user] + version];
  }

  public float[] coLikedAt(int user, int version) {
    return coLiked[offset[user] + version];
  }

  private static List<long[]> starts(BaseModelArtifact base, long[] userIds) {
    List<long[]> out = new ArrayList<>(userIds.length);
    for (long u : userIds) {
      out.add(base.recentItems(u));
    }
    return out;
  }

  public int encoded() {
    return vectors.length;
  }
}
