package io.pinnacle.prequential;

import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.users.RecentItems;
import io.pinnacle.users.UserEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every user's vector at every point of the stream after the split, computed up front with the user encoder: a
 * user starts from their recent positives at the split (kept in the base artifact; empty for a user first seen
 * after it) and each later positive is appended, which gives the next version. Version v is the vector after the
 * user's first v positives after the split. Null where the history holds no item the base knows.
 */
final class UserTimeline {
  private final int[] offset;
  private final float[][] vectors;

  /** {@code positivesAfter[u]} lists user u's positive items after the split in time order (external ids). */
  UserTimeline(UserEncoder encoder, BaseModelArtifact base, long[] userIds, List<long[]> positivesAfter) {
    offset = new int[userIds.length + 1];
    for (int u = 0; u < userIds.length; u++) {
      offset[u + 1] = offset[u] + positivesAfter.get(u).length + 1;
    }
    vectors = new float[offset[userIds.length]][];
    int chunk = 8192;
    List<long[]> pending = new ArrayList<>(chunk);
    int filled = 0;
    long started = System.nanoTime();
    for (int u = 0; u < userIds.length; u++) {
      long[] h = base.recentItems(userIds[u]);
      pending.add(h);
      for (long item : positivesAfter.get(u)) {
        h = RecentItems.append(h, item, encoder.maxLength());
        pending.add(h);
      }
      if (pending.size() >= chunk || u == userIds.length - 1) {
        float[][] v = encoder.encode(pending);
        System.arraycopy(v, 0, vectors, filled, v.length);
        filled += v.length;
        pending.clear();
        if ((System.nanoTime() - started) > 10_000_000_000L && u < userIds.length - 1) {
          System.out.printf(Locale.ROOT, "  user vectors: %,d of %,d histories encoded%n", filled, vectors.length);
          started = System.nanoTime();
        }
      }
    }
  }

  float[] at(int user, int version) {
    return vectors[offset[user] + version];
  }

  int encoded() {
    return vectors.length;
  }
}
