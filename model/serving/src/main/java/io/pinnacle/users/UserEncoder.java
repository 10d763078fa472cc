package io.pinnacle.users;

import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.base.SasRecJvmEncoder;
import java.util.List;

/**
 * Turns users' recent positive items into user vectors with the frozen base: SASRec encodes a sequence, so a user
 * first seen after training, or one whose taste moved, needs no retraining, only a forward pass. Items the base
 * never saw are skipped inside a sequence (it has no embedding for them). The forward pass runs on the JVM
 * ({@link SasRecJvmEncoder}, equal to DJL's batched pass to 1e-5): no native call, nothing shared between threads.
 * The streaming job's user stage and the offline evaluations call this class.
 */
public final class UserEncoder implements AutoCloseable {
  /** Recent items a co-liked vector averages (item-kNN's window in the prequential evaluation). */
  public static final int CO_LIKED_WINDOW = 20;

  private final BaseModelArtifact base;
  private final SasRecJvmEncoder model;

  public UserEncoder(BaseModelArtifact base) {
    this.base = base;
    this.model = new SasRecJvmEncoder(base.metadata().config(), base.parameters());
  }

  public String baseVersion() {
    return base.version();
  }

  /** How many recent items the base reads; older ones do not change the vector. */
  public int maxLength() {
    return model.maxLength();
  }

  public int dim() {
    return base.dim();
  }

  /** True when the base knows at least one of the items, i.e. {@link #encode} gives the user a vector. */
  public boolean usable(long[] recentItems) {
    for (long item : recentItems) {
      if (base.denseItem(item) > 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * One vector per history (external item ids, oldest first), or null for a history with no item the base knows
   * (the caller's fallback decides what such a user gets).
   */
  public float[][] encode(List<long[]> histories) {
    float[][] out = new float[histories.size()][];
    for (int r = 0; r < histories.size(); r++) {
      int[] d = known(histories.get(r));
      if (d.length > 0) {
        out[r] = model.encode(d);
      }
    }
    return out;
  }

  /**
   * The co-liked vector of a history: the mean base embedding of its last {@link #CO_LIKED_WINDOW} items the base
   * knows (external ids, oldest first), or null when it knows none. A positive's co-liked vector says which items
   * the liker likes, in the item embedding space; summed over an item's positives it is item-kNN's co-occurrence
   * signal in a form a dot product can serve. The job's user stage and the offline replay both call this.
   */
  public float[] coLiked(long[] history) {
    return coLiked(base, history);
  }

  /** {@link #coLiked(long[])} with a base artifact and no encoder (nothing native). */
  public static float[] coLiked(BaseModelArtifact base, long[] history) {
    float[] acc = new float[base.dim()];
    int n = 0;
    for (int k = history.length - 1; k >= 0 && n < CO_LIKED_WINDOW; k--) {
      if (base.addItemEmbedding(history[k], acc)) {
        n++;
      }
    }
    if (n == 0) {
      return null;
    }
    for (int k = 0; k < acc.length; k++) {
      acc[k] /= n;
    }
    return acc;
  }

  /** The last {@link #maxLength()} known items of the history, as the base's dense ids. */
  private int[] known(long[] history) {
    int len = maxLength();
    int[] buf = new int[Math.min(len, history.length)];
    int n = 0;
    for (int k = history.length - 1; k >= 0 && n < buf.length; k--) {
      int d = base.denseItem(history[k]);
      if (d > 0) {
        buf[buf.length - 1 - n++] = d;
      }
    }
    int[] out = new int[n];
    System.arraycopy(buf, buf.length - n, out, 0, n);
    return out;
  }

  @Override
  public void close() {
    // Nothing native to release.
  }
}
