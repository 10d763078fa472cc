package io.pinnacle.prequential;

import io.pinnacle.users.UserTimeline;
import java.util.Arrays;
import java.util.BitSet;

/**
 * What the stream has shown up to the current event, for every row to read: per item its first sighting, positives
 * and last positive, per user their activity, positives, recent positive items and current vector. Dense ids:
 * items from 1 in order of first sighting (so "items seen before t" is a prefix), users from 0.
 */
final class StreamState {
  final long[] itemIds;
  final ItemGroup[] group;
  final float[][] baseEmbedding;
  final long[] firstSeenMs;
  final long[] positives;
  final long[] lastPositiveMs;
  final long[] userIds;
  final long[] lastActivityMs;
  final long[] events;
  final long[] userPositives;
  final boolean[] newUser;
  final int[][] recent;
  final int[] recentCount;
  final int[] version;
  final float[][] frozen;
  final BitSet[] touched;
  /** recentItems() per user, rebuilt only after the user's next positive (item-kNN reads it per candidate). */
  private final int[][] recentView;
  private final UserTimeline timeline;
  int itemsSeen;

  StreamState(long[] itemIds, ItemGroup[] group, float[][] baseEmbedding, long[] userIds, float[][] frozen,
              boolean[] newUser, UserTimeline timeline, int recentWindow) {
    this.itemIds = itemIds;
    this.group = group;
    this.baseEmbedding = baseEmbedding;
    int ni = itemIds.length;
    firstSeenMs = new long[ni];
    positives = new long[ni];
    lastPositiveMs = new long[ni];
    Arrays.fill(lastPositiveMs, Long.MIN_VALUE);
    this.userIds = userIds;
    int nu = userIds.length;
    lastActivityMs = new long[nu];
    Arrays.fill(lastActivityMs, Long.MIN_VALUE);
    events = new long[nu];
    userPositives = new long[nu];
    this.newUser = newUser;
    recent = new int[nu][recentWindow];
    recentCount = new int[nu];
    version = new int[nu];
    this.frozen = frozen;
    this.timeline = timeline;
    recentView = new int[nu][];
    touched = new BitSet[nu];
    for (int u = 0; u < nu; u++) {
      touched[u] = new BitSet();
    }
  }

  /**
   * The user's vector from their history up to now; as in the job's user stage, a history with no item the base
   * knows falls back to the artifact's frozen vector, else null.
   */
  float[] current(int user) {
    float[] v = timeline.at(user, version[user]);
    return v != null ? v : frozen[user];
  }

  /** The co-liked vector of the user's history up to now (null: no item the base knows). */
  float[] currentCoLiked(int user) {
    return timeline.coLikedAt(user, version[user]);
  }

  /** The user's recent positives, oldest first (shared: callers must not change it). */
  int[] recentItems(int user) {
    if (recentView[user] == null) {
      recentView[user] = buildRecent(user);
    }
    return recentView[user];
  }

  private int[] buildRecent(int user) {
    int n = Math.min(recentCount[user], recent[user].length);
    int[] out = new int[n];
    int w = recent[user].length;
    for (int k = 0; k < n; k++) {
      out[k] = recent[user][(recentCount[user] - n + k) % w];
    }
    return out;
  }

  /** Applies an event to the shared facts (after every row has seen it). */
  void apply(int user, int item, boolean positive, long timeMs, boolean afterSplit) {
    if (item > itemsSeen) {
      firstSeenMs[item] = timeMs;
      itemsSeen = item;
    }
    lastActivityMs[user] = timeMs;
    events[user]++;
    touched[user].set(item);
    if (positive) {
      positives[item]++;
      lastPositiveMs[item] = timeMs;
      userPositives[user]++;
      recent[user][recentCount[user]++ % recent[user].length] = item;
      recentView[user] = null;
      if (afterSplit) {
        version[user]++;
      }
    }
  }
}
