package io.pinnacle.base;

import io.pinnacle.tuning.math.VectorMath;

/**
 * The frozen SASRec's user vector on the JVM: {@link SasRec#userVectors}'s forward pass (inference, no dropout) for
 * one history at a time over flat float arrays, with scratch space per thread and nothing allocated but the output.
 * Only the history's own positions are computed: in the batched pass a padded key gets -1e9 added to its score,
 * whose exponential is exactly 0 in float, and a padded row is masked out, so they change nothing. As in the
 * batched pass the last block runs for the last position only (attention is causal).
 *
 * <p>Layout as in {@link SasRec}: x W + b with W row-major (in x out); layer norm over d with eps 1e-8 and the
 * biased variance; a block is q = LN1(x), x' = q + softmax(q Wq (x Wk)^T / sqrt(d) + causal) (x Wv), h = LN2(x'),
 * x = h + relu(h W1 + b1) W2 + b2; the user vector is the final layer norm of the last position.
 */
public final class SasRecJvmEncoder {
  private final int d;
  private final int maxLen;
  private final int blocks;
  private final float scale;
  private final float[] items;
  private final float[] position;
  private final Block[] block;
  private final float[] finalGamma;
  private final float[] finalBeta;
  private final ThreadLocal<Scratch> scratch;

  private record Block(float[] ln1g, float[] ln1b, float[] wq, float[] bq, float[] wk, float[] bk, float[] wv,
                       float[] bv, float[] ln2g, float[] ln2b, float[] w1, float[] b1, float[] w2, float[] b2) {}

  /** Per-thread working memory, sized for the longest history. */
  private static final class Scratch {
    final float[] x;
    final float[] q;
    final float[] qq;
    final float[] kk;
    final float[] vv;
    final float[] h;
    final float[] ff;
    final float[] kt;
    final float[] scores;
    final float[] zeros;

    Scratch(int maxLen, int d) {
      x = new float[maxLen * d];
      q = new float[maxLen * d];
      qq = new float[maxLen * d];
      kk = new float[maxLen * d];
      vv = new float[maxLen * d];
      h = new float[maxLen * d];
      ff = new float[maxLen * d];
      kt = new float[d * maxLen];
      scores = new float[maxLen];
      zeros = new float[maxLen];
    }
  }

  public SasRecJvmEncoder(SasRecConfig config, NamedTensors params) {
    this.d = config.dim();
    this.maxLen = config.maxLen();
    this.blocks = config.blocks();
    this.scale = (float) Math.sqrt(d);
    this.items = params.get(SasRec.ITEM_EMBEDDING).data().clone();
    this.position = params.get("position").data().clone();
    this.block = new Block[blocks];
    for (int b = 0; b < blocks; b++) {
      String p = "block" + b + ".";
      block[b] = new Block(get(params, p + "ln1.gamma"), get(params, p + "ln1.beta"), get(params, p + "wq"),
          get(params, p + "wq.bias"), get(params, p + "wk"), get(params, p + "wk.bias"), get(params, p + "wv"),
          get(params, p + "wv.bias"), get(params, p + "ln2.gamma"), get(params, p + "ln2.beta"),
          get(params, p + "ff1"), get(params, p + "ff1.bias"), get(params, p + "ff2"), get(params, p + "ff2.bias"));
    }
    this.finalGamma = get(params, "final_ln.gamma");
    this.finalBeta = get(params, "final_ln.beta");
    this.scratch = ThreadLocal.withInitial(() -> new Scratch(maxLen, d));
  }

  private static float[] get(NamedTensors params, String name) {
    return params.get(name).data().clone();
  }

  public int maxLength() {
    return maxLen;
  }

  /**
   * The user vector of a history of dense item ids (oldest first, every id known to the base; the last
   * {@link #maxLength()} count), or null for an empty history.
   */
  public float[] encode(int[] history) {
    int n = Math.min(maxLen, history.length);
    if (n == 0) {
      return null;
    }
    Scratch s = scratch.get();
    int first = history.length - n;
    for (int j = 0; j < n; j++) {
      int io = history[first + j] * d;
      int po = (maxLen - n + j) * d;
      for (int k = 0; k < d; k++) {
        s.x[j * d + k] = items[io + k] * scale + position[po + k];
      }
    }
    for (int b = 0; b < blocks; b++) {
      Block w = block[b];
      boolean last = b == blocks - 1;
      int q0 = last ? n - 1 : 0; // the first query row: the last block needs the last position only
      int rows = n - q0;
      for (int r = 0; r < rows; r++) {
        layerNorm(s.x, (q0 + r) * d, w.ln1g, w.ln1b, s.q, r * d);
      }
      VectorMath.combineEach(rows, s.qq, 0, d, w.bq, 0, 0, s.q, 0, d, 1, d, w.wq, 0, d, false);
      VectorMath.combineEach(n, s.kk, 0, d, w.bk, 0, 0, s.x, 0, d, 1, d, w.wk, 0, d, false);
      VectorMath.combineEach(n, s.vv, 0, d, w.bv, 0, 0, s.x, 0, d, 1, d, w.wv, 0, d, false);
      // K transposed (d x n): a query's scores are then one vector-matrix product rather than n dot products, each
      // ending in a horizontal sum. The first block computes the masked half too; it costs less than the sums.
      for (int c = 0; c < n; c++) {
        for (int k = 0; k < d; k++) {
          s.kt[k * n + c] = s.kk[c * d + k];
        }
      }
      for (int r = 0; r < rows; r++) {
        int keys = q0 + r + 1; // causal: positions up to the query's own
        VectorMath.combine(s.scores, 0, s.zeros, 0, s.qq, r * d, 1, d, s.kt, 0, n, false);
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < keys; c++) {
          float z = s.scores[c] / scale;
          s.scores[c] = z;
          max = Math.max(max, z);
        }
        float sum = 0;
        for (int c = 0; c < keys; c++) {
          float e = (float) Math.exp(s.scores[c] - max);
          s.scores[c] = e;
          sum += e;
        }
        for (int c = 0; c < keys; c++) {
          s.scores[c] /= sum;
        }
        // h_r = q_r + the attention-weighted values: one vector-matrix product over the value rows
        VectorMath.combine(s.h, r * d, s.q, r * d, s.scores, 0, 1, keys, s.vv, 0, d, false);
      }
      for (int r = 0; r < rows; r++) {
        layerNorm(s.h, r * d, w.ln2g, w.ln2b, s.x, r * d);
      }
      // ff = relu(h W1 + b1) W2 + b2; x = h + ff
      VectorMath.combineEach(rows, s.ff, 0, d, w.b1, 0, 0, s.x, 0, d, 1, d, w.w1, 0, d, false);
      VectorMath.combineEach(rows, s.q, 0, d, w.b2, 0, 0, s.ff, 0, d, 1, d, w.w2, 0, d, true);
      for (int i = 0; i < rows * d; i++) {
        s.x[i] += s.q[i];
      }
    }
    float[] out = new float[d];
    layerNorm(s.x, 0, finalGamma, finalBeta, out, 0);
    return out;
  }

  /** out[oo..oo+d) = (v - mean) / sqrt(var + 1e-8) * gamma + beta over v[vo..vo+d), the biased variance. */
  private void layerNorm(float[] v, int vo, float[] gamma, float[] beta, float[] out, int oo) {
    float mean = 0;
    for (int k = 0; k < d; k++) {
      mean += v[vo + k];
    }
    mean /= d;
    float var = 0;
    for (int k = 0; k < d; k++) {
      float c = v[vo + k] - mean;
      var += c * c;
    }
    var /= d;
    float inv = (float) (1 / Math.sqrt(var + 1e-8f));
    for (int k = 0; k < d; k++) {
      out[oo + k] = (v[vo + k] - mean) * inv * gamma[k] + beta[k];
    }
  }
}
