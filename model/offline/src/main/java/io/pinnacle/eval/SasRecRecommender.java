package io.pinnacle.eval;

import io.pinnacle.base.SasRecJvmEncoder;
import io.pinnacle.base.SasRec;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Scores ranking queries with a SASRec: user vector from the history, dot product with item vectors / tau. */
public final class SasRecRecommender implements Recommender {
  // Measured: per history, batches of 64 cost about half of 256 (the attention tensors stay in cache).
  private static final int BATCH = 64;
  private final SasRec model;

  public SasRecRecommender(SasRec model) {
    this.model = model;
  }

  @Override
  public float[][] score(List<RankingQuery> queries) {
    int d = model.config().dim();
    float[] items = model.scoredTable().toFloatArray();
    float[][] users = userVectors(model, queries.stream().map(RankingQuery::history).toList());
    float[][] out = new float[queries.size()][];
    for (int q = 0; q < queries.size(); q++) {
      int[] cand = queries.get(q).candidates();
      out[q] = new float[cand.length];
      for (int c = 0; c < cand.length; c++) {
        float s = 0;
        int off = cand[c] * d;
        for (int k = 0; k < d; k++) {
          s += users[q][k] * items[off + k];
        }
        out[q][c] = s / model.config().tau();
      }
    }
    return out;
  }

  /**
   * User vectors for histories of dense item ids: the frozen model's forward pass on the JVM
   * ({@link SasRecJvmEncoder}), the one the job's user stage and the prequential replay run. An empty history gets
   * the vector of the padding row alone, as in the batched pass.
   */
  public static float[][] userVectors(SasRec model, List<int[]> histories) {
    SasRecJvmEncoder encoder = new SasRecJvmEncoder(model.config(), model.snapshot());
    float[][] out = new float[histories.size()][];
    List<Integer> empty = new ArrayList<>();
    for (int r = 0; r < out.length; r++) {
      out[r] = encoder.encode(histories.get(r));
      if (out[r] == null) {
        empty.add(r);
      }
    }
    if (!empty.isEmpty()) {
      float[][] padded = batchedUserVectors(model, empty.stream().map(r -> new int[0]).toList());
      for (int k = 0; k < empty.size(); k++) {
        out[empty.get(k)] = padded[k];
      }
    }
    return out;
  }

  /**
   * The same user vectors from DJL's batched pass (the reference the JVM encoder is tested and benchmarked
   * against): batches by length, each only as long as its longest history (padding changes nothing, it costs).
   */
  public static float[][] batchedUserVectors(SasRec model, List<int[]> histories) {
    int d = model.config().dim();
    int maxLen = model.config().maxLen();
    Integer[] order = new Integer[histories.size()];
    for (int r = 0; r < order.length; r++) {
      order[r] = r;
    }
    Arrays.sort(order, Comparator.comparingInt(r -> Math.min(maxLen, histories.get(r).length)));
    float[][] out = new float[histories.size()][];
    for (int start = 0; start < order.length; start += BATCH) {
      int b = Math.min(BATCH, order.length - start);
      int len = Math.max(1, Math.min(maxLen, histories.get(order[start + b - 1]).length));
      long[] seq = new long[b * len];
      for (int r = 0; r < b; r++) {
        int[] h = histories.get(order[start + r]);
        SasRec.fillRow(seq, r, len, h, h.length);
      }
      // The scope frees every temporary, including results that DJL attaches to the parameters' manager.
      try (NDScope scope = new NDScope(); NDManager m = model.manager().newSubManager()) {
        scope.suppressNotUsedWarning();
        NDArray u = model.userVectors(m.create(seq, new Shape(b, len)));
        float[] flat = u.toFloatArray();
        for (int r = 0; r < b; r++) {
          out[order[start + r]] = Arrays.copyOfRange(flat, r * d, (r + 1) * d);
        }
      }
    }
    return out;
  }
}
