package io.pinnacle.base;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.ndarray.types.SparseFormat;
import io.pinnacle.djl.GraphScalars;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * SASRec written directly on NDArrays: item embeddings (row 0 is padding) plus learned positions, {@code blocks}
 * causal single-head self-attention blocks with layer norm and a ReLU feed-forward, and a final layer norm. The
 * user vector h_u is the output at the last position of the (right-aligned) history. Item vectors h_i are the rows
 * of the output table when the config keeps one ({@code separateOutput}), otherwise the input embedding rows. The
 * next-item loss lives here ({@link #loss}); the trainer owns the loop.
 */
public final class SasRec implements AutoCloseable {
  public static final String ITEM_EMBEDDING = "item_embedding";
  /** The scored item table of a config with {@code separateOutput} (row 0 padding, never scored). */
  public static final String OUTPUT_EMBEDDING = "output_embedding";

  private final SasRecConfig config;
  private final NDManager manager;
  private final Map<String, NDArray> params = new LinkedHashMap<>();
  private final int numItems;

  /** Fresh, randomly initialised (seeded) parameters for {@code numItems} items (dense ids 1..numItems). */
  public SasRec(NDManager parent, SasRecConfig config, int numItems) {
    this.config = config;
    this.numItems = numItems;
    this.manager = parent.newSubManager();
    Random rnd = new Random(config.seed());
    int d = config.dim();
    float[] emb = normal(rnd, (numItems + 1) * d, (float) (1.0 / Math.sqrt(d)));
    Arrays.fill(emb, 0, d, 0f);
    add(ITEM_EMBEDDING, new long[] {numItems + 1, d}, emb);
    add("position", new long[] {config.maxLen(), d}, normal(rnd, config.maxLen() * d, (float) (1.0 / Math.sqrt(d))));
    for (int b = 0; b < config.blocks(); b++) {
      String p = "block" + b + ".";
      add(p + "ln1.gamma", new long[] {d}, ones(d));
      add(p + "ln1.beta", new long[] {d}, new float[d]);
      for (String w : new String[] {"wq", "wk", "wv", "ff1", "ff2"}) {
        add(p + w, new long[] {d, d}, xavier(rnd, d, d));
        add(p + w + ".bias", new long[] {d}, new float[d]);
      }
      add(p + "ln2.gamma", new long[] {d}, ones(d));
      add(p + "ln2.beta", new long[] {d}, new float[d]);
    }
    add("final_ln.gamma", new long[] {d}, ones(d));
    add("final_ln.beta", new long[] {d}, new float[d]);
    if (config.separateOutput()) {
      float[] out = normal(rnd, (numItems + 1) * d, (float) (1.0 / Math.sqrt(d)));
      Arrays.fill(out, 0, d, 0f);
      add(OUTPUT_EMBEDDING, new long[] {numItems + 1, d}, out);
    }
  }

  /** Parameters from saved tensors (an artifact). */
  public SasRec(NDManager parent, SasRecConfig config, NamedTensors saved) {
    this.config = config;
    this.manager = parent.newSubManager();
    for (Map.Entry<String, NamedTensors.Tensor> e : saved.all().entrySet()) {
      add(e.getKey(), e.getValue().shape(), e.getValue().data());
    }
    this.numItems = (int) params.get(ITEM_EMBEDDING).getShape().get(0) - 1;
  }

  private void add(String name, long[] shape, float[] data) {
    NDArray a = manager.create(data, new Shape(shape));
    a.setName(name);
    params.put(name, a);
  }

  public Map<String, NDArray> parameters() {
    return params;
  }

  public SasRecConfig config() {
    return config;
  }

  public int numItems() {
    return numItems;
  }

  public NDManager manager() {
    return manager;
  }

  public NamedTensors snapshot() {
    NamedTensors out = new NamedTensors();
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      out.put(e.getKey(), e.getValue().getShape().getShape(), e.getValue().toFloatArray());
    }
    return out;
  }

  /**
   * Hidden states for right-aligned item sequences {@code seq} (B, L) of int64 ids, 0 = padding; returns (B, L, d).
   */
  public NDArray encode(NDArray seq, boolean training) {
    return forward(seq, training, false);
  }

  /**
   * User vectors (B, d): the hidden state at the last position, the same as {@code encode(seq, false)} there. The
   * last block is run for the last query only (attention is causal: no other position's output is needed), which
   * saves most of that block.
   */
  public NDArray userVectors(NDArray seq) {
    return forward(seq, false, true).squeeze(1);
  }

  /** The blocks over every position, or with {@code lastQueryOnly} the last block for the last position only. */
  private NDArray forward(NDArray seq, boolean training, boolean lastQueryOnly) {
    int d = config.dim();
    long len = seq.getShape().get(1);
    NDManager m = seq.getManager();
    NDArray mask = seq.neq(0).toType(DataType.FLOAT32, false).expandDims(2);
    // Scalars the backward pass reads are libtorch's own (GraphScalars): DJL frees a number's buffer too early.
    NDArray sqrtD = GraphScalars.of(m, (float) Math.sqrt(d));
    NDArray x = Embedding.embedding(seq, params.get(ITEM_EMBEDDING), SparseFormat.DENSE).singletonOrThrow()
        .mul(sqrtD);
    NDArray pos = params.get("position").get("{}:", config.maxLen() - len);
    x = x.add(pos);
    x = dropout(x, training).mul(mask);
    // Additive attention mask: future positions and padded keys get -1e9 (finite, so all-padding rows stay finite).
    NDArray causal = m.create(causalMask((int) len), new Shape(len, len));
    NDArray keyPad = mask.squeeze(2).sub(1f).mul(1e9f).expandDims(1);
    NDArray attnMask = causal.expandDims(0).add(keyPad);
    for (int b = 0; b < config.blocks(); b++) {
      String p = "block" + b + ".";
      boolean lastOnly = lastQueryOnly && b == config.blocks() - 1;
      NDArray q = layerNorm(lastOnly ? x.get(":, {}:, :", len - 1) : x, p + "ln1");
      NDArray qq = linear(q, p + "wq");
      NDArray kk = linear(x, p + "wk");
      NDArray vv = linear(x, p + "wv");
      NDArray scores = qq.batchMatMul(kk.transpose(0, 2, 1)).div(sqrtD)
          .add(lastOnly ? attnMask.get(":, {}:, :", len - 1) : attnMask);
      NDArray attn = dropout(scores.softmax(2), training);
      x = q.add(attn.batchMatMul(vv));
      NDArray h = layerNorm(x, p + "ln2");
      NDArray ff = linear(dropout(Activation.relu(linear(h, p + "ff1")), training), p + "ff2");
      x = h.add(dropout(ff, training)).mul(lastOnly ? mask.get(":, {}:, :", len - 1) : mask);
    }
    return layerNorm(x, "final_ln");
  }

  /** The scored item vectors h_i of dense ids {@code items} (any shape; a trailing dimension d is added). */
  public NDArray itemVectors(NDArray items) {
    return Embedding.embedding(items, scoredTable(), SparseFormat.DENSE).singletonOrThrow();
  }

  /** The table whose rows are the served item embeddings ((items + 1) x d, row 0 padding). */
  public NDArray scoredTable() {
    return params.get(config.separateOutput() ? OUTPUT_EMBEDDING : ITEM_EMBEDDING);
  }

  /**
   * The mean next-item loss over the positions whose {@code weight} is positive (weights are 0 or 1).
   *
   * @param seq       (B, L) right-aligned histories, 0 = padding
   * @param targets   (B, L) the next item at each position
   * @param negatives for BCE: (B, L) one sampled negative per position; for a sampled softmax: (S) items shared by
   *                  the batch; for the full softmax: unused (null)
   * @param weight    (B, L) 1 where the position counts, 0 elsewhere
   */
  public NDArray loss(NDArray seq, NDArray targets, NDArray negatives, NDArray weight) {
    NDArray h = encode(seq, true);
    NDArray tau = GraphScalars.of(seq.getManager(), config.tau());
    if (config.loss() == SasRecConfig.Loss.BCE) {
      NDArray pl = h.mul(itemVectors(targets)).sum(new int[] {2}).div(tau);
      NDArray nl = h.mul(itemVectors(negatives)).sum(new int[] {2}).div(tau);
      return Activation.softPlus(pl.neg()).add(Activation.softPlus(nl)).mul(weight).sum().div(weight.sum());
    }
    // Softmax: only the counted positions are scored, so padding costs no (positions x catalogue) logits.
    int d = config.dim();
    NDArray counted = weight.reshape(-1).gt(0f);
    NDArray hs = h.reshape(-1, d).booleanMask(counted.expandDims(1).repeat(1, d)).reshape(-1, d);
    NDArray target = targets.reshape(-1).booleanMask(counted);
    if (config.negatives() <= 0) {
      // Full: the whole catalogue but the padding row.
      float[] pad = new float[numItems + 1];
      pad[0] = 1e9f;
      NDArray all = hs.matMul(scoredTable().transpose()).div(tau).sub(seq.getManager().create(pad).expandDims(0));
      return all.logSoftmax(1).gather(target.expandDims(1), 1).neg().mean();
    }
    // Sampled: the target's logit competes with S items shared by the batch; a sampled item equal to the target is
    // masked out.
    NDArray positive = hs.mul(itemVectors(target)).sum(new int[] {1}).div(tau).expandDims(1);
    NDArray sampled = hs.matMul(itemVectors(negatives).transpose()).div(tau);
    NDArray hit = target.expandDims(1).eq(negatives.expandDims(0)).toType(DataType.FLOAT32, false);
    NDArray logits = positive.concat(sampled.sub(hit.mul(1e9f)), 1);
    return logits.logSoftmax(1).get(":, 0").neg().mean();
  }

  private NDArray linear(NDArray x, String name) {
    return x.matMul(params.get(name)).add(params.get(name + ".bias"));
  }

  private NDArray layerNorm(NDArray x, String name) {
    NDList out = LayerNorm.layerNorm(x, new Shape(config.dim()), params.get(name + ".gamma"),
        params.get(name + ".beta"), 1e-8f);
    return out.singletonOrThrow();
  }

  private NDArray dropout(NDArray x, boolean training) {
    if (!training || config.dropout() <= 0f) {
      return x;
    }
    return Dropout.dropout(x, config.dropout(), true).singletonOrThrow();
  }

  /** Right-aligns the last {@code maxLen} items of {@code history} into row {@code row} of {@code out}. */
  public static void fillRow(long[] out, int row, int maxLen, int[] history, int end) {
    int n = Math.min(maxLen, end);
    int base = row * maxLen + (maxLen - n);
    for (int k = 0; k < n; k++) {
      out[base + k] = history[end - n + k];
    }
  }

  private static float[] normal(Random rnd, int n, float std) {
    float[] a = new float[n];
    for (int k = 0; k < n; k++) {
      a[k] = (float) (rnd.nextGaussian() * std);
    }
    return a;
  }

  private static float[] xavier(Random rnd, int in, int out) {
    float lim = (float) Math.sqrt(6.0 / (in + out));
    float[] a = new float[in * out];
    for (int k = 0; k < a.length; k++) {
      a[k] = (rnd.nextFloat() * 2 - 1) * lim;
    }
    return a;
  }

  private static float[] causalMask(int len) {
    float[] a = new float[len * len];
    for (int r = 0; r < len; r++) {
      for (int c = r + 1; c < len; c++) {
        a[r * len + c] = -1e9f;
      }
    }
    return a;
  }

  private static float[] ones(int n) {
    float[] a = new float[n];
    Arrays.fill(a, 1f);
    return a;
  }

  @Override
  public void close() {
    manager.close();
  }
}
