package io.pinnacle.tuning;

import static io.pinnacle.tuning.math.VectorMath.combine;

import io.pinnacle.base.NamedTensors;
import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.prompt.PromoForward;
import io.pinnacle.prompt.PromoGlobals;
import io.pinnacle.tuning.math.VectorMath;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The incremental update as explicit arithmetic on the JVM: {@link PromoForward}'s forward pass, its three losses,
 * their gradient with respect to each item's prompt written out by hand, and the Adam step, item by item over flat
 * float arrays. No native call, no lock (each thread has its own scratch space), no padding: an item costs what
 * its own pinnacle users, negatives and samples cost. The autograd {@link PromptTuner} is the reference it is
 * tested against; the prompt stage keeps autograd because it trains the globals.
 *
 * <p>Shapes as in {@link PromoForward}: prompt p (d); the generator maps it to gv = p W + b (G = d + L(d d + d)),
 * split into the prompt vector q (d) and, per layer l, W_l (d x d, row-major: x W_l) and b_l (d). Fusion maps are
 * applied to row vectors (x F). An item's users are stacked as rows (pinnacle first, then negatives) so that each
 * layer, forward and backward, is a few vector-matrix products ({@link VectorMath#combine}). Two identities save
 * work: a sample's pool without its own user is (sum - own) / count, so the pinnacle map is applied to the sum once;
 * and the gradients of the logits only need sigmoids, so logarithms are taken only for the losses reported.
 */
public final class ClosedFormTuner implements PromptTuning {
  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.98f;
  private static final float EPS = 1e-8f;
  private static final float[] ONE = {1f};

  private final PromoConfig config;
  private final float tau;
  private final int d;
  private final int layers;
  private final int generated;
  private final float[] genWeight;    // d x G
  private final float[] genWeightT;   // G x d
  private final float[] genBias;      // G
  private final float[] fuseBase;     // d x d
  private final float[] fusePinnacle;
  private final float[] fusePinnacleT;
  private final float[] fusePrompt;
  private final float[] fusePromptT;
  private final float[] userMean;     // null: the item part is not kept
  private final float userMeanNorm2;
  private final float gate;
  private final ThreadLocal<Scratch> scratch;

  public ClosedFormTuner(NamedTensors frozenGlobals, PromoConfig config, float tau) {
    this.config = config;
    this.tau = tau;
    this.d = config.dim();
    this.layers = config.layers();
    this.generated = config.generatedSize();
    this.genWeight = frozenGlobals.get(PromoGlobals.GEN_WEIGHT).data().clone();
    this.genBias = frozenGlobals.get(PromoGlobals.GEN_BIAS).data().clone();
    if (genWeight.length != d * generated || genBias.length != generated) {
      throw new IllegalArgumentException("generator of " + genWeight.length + " weights does not fit d = " + d
          + " and " + layers + " layers");
    }
    this.genWeightT = transpose(genWeight, d, generated);
    this.fuseBase = frozenGlobals.get(PromoGlobals.FUSE_BASE).data().clone();
    this.fusePinnacle = frozenGlobals.get(PromoGlobals.FUSE_PINNACLE).data().clone();
    this.fusePinnacleT = transpose(fusePinnacle, d, d);
    this.fusePrompt = frozenGlobals.get(PromoGlobals.FUSE_PROMPT).data().clone();
    this.fusePromptT = transpose(fusePrompt, d, d);
    NamedTensors.Tensor mean = frozenGlobals.all().get(PromoGlobals.USER_MEAN);
    this.userMean = mean == null ? null : mean.data().clone();
    float n2 = 0;
    if (userMean != null) {
      for (float v : userMean) {
        n2 += v * v;
      }
    }
    this.userMeanNorm2 = n2 + 1e-12f;
    NamedTensors.Tensor g = frozenGlobals.all().get(PromoGlobals.GATE);
    this.gate = g == null ? 1f : g.data()[0];
    this.scratch = ThreadLocal.withInitial(() -> new Scratch(config.k(), d, layers, generated));
  }

  @Override
  public PromoConfig config() {
    return config;
  }

  @Override
  public Result tune(List<ItemTuningInput> items, int steps) {
    Scratch s = scratch.get();
    List<PromptState> states = new ArrayList<>(items.size());
    float[][] embeddings = new float[items.size()][];
    double rec = 0;
    double pfpe = 0;
    double pape = 0;
    for (int n = 0; n < items.size(); n++) {
      ItemTuningInput it = items.get(n);
      PromptState st = it.state();
      float[] p = st.prompt().clone();
      float[] m = st.m().clone();
      float[] v = st.v().clone();
      int t = st.step();
      for (int step = 0; step < steps; step++) {
        boolean last = step == steps - 1;
        forward(it, p, s, last);
        backward(it, s);
        adam(p, m, v, s.dPrompt, ++t);
        if (last) {
          rec += s.rec;
          pfpe += s.pfpe;
          pape += s.pape;
        }
      }
      states.add(new PromptState(p, m, v, t));
      float[] e = new float[d];
      embed(it, p, s, e);
      embeddings[n] = e;
    }
    if (items.isEmpty()) {
      return new Result(states, embeddings, 0, 0, 0);
    }
    int b = items.size();
    return steps == 0 ? new Result(states, embeddings, Float.NaN, Float.NaN, Float.NaN)
        : new Result(states, embeddings, (float) (rec / b), (float) (pfpe / b), (float) (pape / b));
  }

  @Override
  public void close() {
    // Nothing native to release.
  }

  /** The item's gradient of its total loss with respect to its current prompt, no step taken (for tests). */
  float[] gradient(ItemTuningInput it) {
    Scratch s = scratch.get();
    forward(it, it.state().prompt(), s, true);
    backward(it, s);
    return s.dPrompt.clone();
  }

  /** The serving embedding for prompt p into e: all pinnacle users pooled. */
  private void embed(ItemTuningInput it, float[] p, Scratch s, float[] e) {
    generate(p, s);
    int kp = Math.min(config.k(), it.pinnacle().length);
    network(it, kp, 0, s);
    poolAndFix(it, kp, s);
    float inv = 1f / Math.max(1, kp);
    float[] x = s.x;
    for (int i = 0; i < d; i++) {
      x[i] = s.fixed[i] + s.pinMapped[i] * inv;
    }
    serve(it.base(), x, e);
  }

  /** gv = p W + b. */
  private void generate(float[] p, Scratch s) {
    combine(s.gv, 0, genBias, 0, p, 0, 1, d, genWeight, 0, generated, false);
  }

  /** Stacks the item's first kp pinnacle and kn negative users and runs them through its network. */
  private void network(ItemTuningInput it, int kp, int kn, Scratch s) {
    float[] act = s.act;
    for (int j = 0; j < kp; j++) {
      System.arraycopy(it.pinnacle()[j], 0, act, j * d, d);
    }
    for (int j = 0; j < kn; j++) {
      System.arraycopy(it.negatives()[j], 0, act, (kp + j) * d, d);
    }
    int n = kp + kn;
    float[] gv = s.gv;
    for (int l = 0; l < layers; l++) {
      int off = d + l * (d * d + d);
      float[] in = l == 0 ? act : s.z[l - 1];
      VectorMath.combineEach(n, s.z[l], 0, d, gv, off + d * d, 0, in, 0, d, 1, d, gv, off, d, l > 0);
    }
  }

  /** pinSum, its image under the pinnacle map, and fixed = h F_b + q F_q. */
  private void poolAndFix(ItemTuningInput it, int kp, Scratch s) {
    combine(s.pinSum, 0, null, 0, ONE, 0, 0, kp, s.z[layers - 1], 0, d, false);
    combine(s.pinMapped, 0, null, 0, s.pinSum, 0, 1, d, fusePinnacle, 0, d, false);
    combine(s.fixed, 0, null, 0, it.base(), 0, 1, d, fuseBase, 0, d, false);
    combine(s.fixed, 0, s.fixed, 0, s.gv, 0, 1, d, fusePrompt, 0, d, false);
  }

  /** The served embedding of fused x: h + g * P(x - h), P the projection off the mean user (or identity). */
  private void serve(float[] h, float[] x, float[] out) {
    for (int i = 0; i < d; i++) {
      out[i] = x[i] - h[i];
    }
    project(out);
    for (int i = 0; i < d; i++) {
      out[i] = h[i] + gate * out[i];
    }
  }

  /** In place: v - (v . m / m . m) m; nothing without a mean user vector. P is symmetric, so it is its own adjoint. */
  private void project(float[] v) {
    if (userMean == null) {
      return;
    }
    float a = VectorMath.dot(v, 0, userMean, 0, d) / userMeanNorm2;
    for (int i = 0; i < d; i++) {
      v[i] -= a * userMean[i];
    }
  }

  /** Forward pass: the logits' gradient of the total loss, and the losses themselves when {@code losses}. */
  private void forward(ItemTuningInput it, float[] p, Scratch s, boolean losses) {
    int r = it.samples();
    s.prepare(r);
    generate(p, s);
    int kp = Math.min(config.k(), it.pinnacle().length);
    int kn = Math.min(config.k(), it.negatives().length);
    s.kp = kp;
    s.kn = kn;
    network(it, kp, kn, s);
    poolAndFix(it, kp, s);
    float[] out = s.z[layers - 1];
    float[] h = it.base();

    // Each sample is scored with its own user left out of the pinnacle pool: (sum - own) / (count - 1). The logit
    // u.e / tau with e = h + g P(fixed + (mapped sum - mapped own) / count - h) is linear in everything but u, so it
    // is a few dot products of u, with P u . v = u . v - (u . m)(m . v) / m . m.
    float[] c0 = s.x;
    for (int i = 0; i < d; i++) {
      c0[i] = s.fixed[i] - h[i];
    }
    float[] mapped = s.pinMapped;
    float[] own = s.own;
    float mC0 = userMean == null ? 0f : VectorMath.dot(userMean, 0, c0, 0, d) / userMeanNorm2;
    float mMapped = userMean == null ? 0f : VectorMath.dot(userMean, 0, mapped, 0, d) / userMeanNorm2;
    for (int q = 0; q < r; q++) {
      float[] u = it.sampleUsers()[q];
      float um = userMean == null ? 0f : VectorMath.dot(u, 0, userMean, 0, d);
      int self = selfIndex(it, q, kp);
      float inv = 1f / Math.max(1, kp - (self >= 0 ? 1 : 0));
      float pooled = VectorMath.dot(u, 0, mapped, 0, d) - um * mMapped;
      if (self >= 0) {
        combine(own, 0, null, 0, out, self * d, 1, d, fusePinnacle, 0, d, false);
        float mOwn = userMean == null ? 0f : VectorMath.dot(userMean, 0, own, 0, d) / userMeanNorm2;
        pooled -= VectorMath.dot(u, 0, own, 0, d) - um * mOwn;
      }
      float change = VectorMath.dot(u, 0, c0, 0, d) - um * mC0 + inv * pooled;
      s.logits[q] = (VectorMath.dot(u, 0, h, 0, d) + gate * change) / tau;
    }

    // L_rec (BCE, mean over samples) and L_pape (positives against the user's warm mean); their logit gradients.
    float[] y = it.labels();
    float posCount = 0;
    for (int q = 0; q < r; q++) {
      posCount += y[q];
    }
    float invR = 1f / Math.max(1, r);
    float invPos = 1f / Math.max(1f, posCount);
    double rec = 0;
    double pape = 0;
    for (int q = 0; q < r; q++) {
      float l = s.logits[q];
      float el = (float) Math.exp(-Math.abs(l));
      float sigmoid = l >= 0 ? 1f / (1f + el) : el / (1f + el);
      float grad = (sigmoid - y[q]) * invR;
      if (losses) {
        float softplus = Math.max(l, 0f) + (float) Math.log1p(el);
        rec += y[q] * (softplus - l) + (1 - y[q]) * softplus;
      }
      if (y[q] != 0f) {
        float margin = l - it.warmScore()[q];
        float em = (float) Math.exp(-Math.abs(margin));
        float sigmoidNeg = margin >= 0 ? em / (1f + em) : 1f / (1f + em);
        grad -= config.lambda2() * sigmoidNeg * y[q] * invPos;
        if (losses) {
          pape += y[q] * (Math.max(-margin, 0f) + Math.log1p(em));
        }
      }
      s.dLogit[q] = grad;
    }
    s.rec = (float) (rec * invR);
    s.pape = (float) (pape * invPos);

    // L_pfpe: softplus of minus the mean L1 distance per dimension over (pinnacle, negative) pairs.
    s.pfpe = 0f;
    s.pfpeScale = 0f;
    if (kp > 0 && kn > 0) {
      float mean = VectorMath.pairwiseL1(out, kp, kn, d) / ((float) d * kp * kn);
      float em = (float) Math.exp(-mean);
      if (losses) {
        s.pfpe = (float) Math.log1p(em);
      }
      // d(lambda1 * softplus(-mean)) / d|out_j - neg_n|_i, with mean >= 0.
      s.pfpeScale = -config.lambda1() * (em / (1f + em)) / (d * (float) (kp * kn));
    }
  }

  /** Gradient of the item's total loss with respect to its prompt, into s.dPrompt. */
  private void backward(ItemTuningInput it, Scratch s) {
    int kp = s.kp;
    int kn = s.kn;
    int n = kp + kn;
    float[] out = s.z[layers - 1];
    float[] dOut = s.dOut;
    Arrays.fill(dOut, 0, n * d, 0f);
    float[] dFixed = s.dFixed;
    float[] pooled = s.pooledGrad;
    Arrays.fill(dFixed, 0f);
    Arrays.fill(pooled, 0f);
    // d logit_q / d x = (g / tau) P u_q: the sums over samples are taken first and projected once.
    float[] scaled = s.e;
    int r = it.samples();
    for (int q = 0; q < r; q++) {
      float[] u = it.sampleUsers()[q];
      float c = s.dLogit[q] * gate / tau;
      int self = selfIndex(it, q, kp);
      float inv = 1f / Math.max(1, kp - (self >= 0 ? 1 : 0));
      float ci = c * inv;
      for (int i = 0; i < d; i++) {
        dFixed[i] += c * u[i];
        pooled[i] += ci * u[i];
      }
      if (self >= 0) {
        for (int i = 0; i < d; i++) {
          scaled[i] = -c * inv * u[i];
        }
        project(scaled);
        combine(dOut, self * d, dOut, self * d, scaled, 0, 1, d, fusePinnacleT, 0, d, false);
      }
    }
    project(dFixed);
    project(pooled);
    // Every pinnacle user's output enters the pinnacle sum.
    combine(s.pinGrad, 0, null, 0, pooled, 0, 1, d, fusePinnacleT, 0, d, false);
    for (int j = 0; j < kp; j++) {
      combine(dOut, j * d, dOut, j * d, ONE, 0, 0, 1, s.pinGrad, 0, d, false);
    }
    if (s.pfpeScale != 0f) {
      VectorMath.pairwiseL1Gradient(out, kp, kn, d, s.pfpeScale, dOut);
    }

    // Into the generated weights: q from the fixed part, each layer's W and b from its users, then the prompt.
    float[] dGv = s.dGv;
    combine(dGv, 0, null, 0, dFixed, 0, 1, d, fusePromptT, 0, d, false);
    float[] delta = dOut;
    for (int l = layers - 1; l >= 0; l--) {
      int off = d + l * (d * d + d);
      float[] in = l == 0 ? s.act : s.z[l - 1];
      VectorMath.combineEach(d, dGv, off, d, null, 0, 0, in, 0, 1, d, n, delta, 0, d, l > 0);
      combine(dGv, off + d * d, null, 0, ONE, 0, 0, n, delta, 0, d, false);
      if (l > 0) {
        float[] wT = s.wT;
        for (int i = 0; i < d; i++) {
          for (int j = 0; j < d; j++) {
            wT[j * d + i] = s.gv[off + i * d + j];
          }
        }
        float[] next = delta == s.deltaA ? s.deltaB : s.deltaA;
        float[] pre = s.z[l - 1];
        VectorMath.combineEach(n, next, 0, d, null, 0, 0, delta, 0, d, 1, d, wT, 0, d, false);
        VectorMath.zeroWhereNotPositive(next, pre, n * d);
        delta = next;
      }
    }
    combine(s.dPrompt, 0, null, 0, dGv, 0, 1, generated, genWeightT, 0, d, false);
  }

  private void adam(float[] p, float[] m, float[] v, float[] grad, int t) {
    float c1 = 1f - (float) Math.pow(BETA1, t);
    float c2 = 1f - (float) Math.pow(BETA2, t);
    float lr = config.tuneLearningRate();
    for (int i = 0; i < d; i++) {
      float g = grad[i];
      m[i] = BETA1 * m[i] + (1 - BETA1) * g;
      v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
      p[i] -= lr * (m[i] / c1) / ((float) Math.sqrt(v[i] / c2) + EPS);
    }
  }

  private static int selfIndex(ItemTuningInput it, int q, int kp) {
    int self = it.sampleSelf()[q];
    return self >= 0 && self < kp ? self : -1;
  }

  private static float[] transpose(float[] m, int rows, int cols) {
    float[] t = new float[m.length];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        t[j * rows + i] = m[i * cols + j];
      }
    }
    return t;
  }

  /** Per-thread work arrays, sized once for k users of each kind; grown only for an item with more samples. */
  private static final class Scratch {
    final float[] gv;
    final float[] dGv;
    final float[] act;
    final float[][] z;
    final float[] dOut;
    final float[] deltaA;
    final float[] deltaB;
    final float[] wT;
    final float[] pinSum;
    final float[] pinMapped;
    final float[] pooledGrad;
    final float[] pinGrad;
    final float[] fixed;
    final float[] dFixed;
    final float[] x;
    final float[] e;
    final float[] own;
    final float[] dPrompt;
    float[] logits = new float[16];
    float[] dLogit = new float[16];
    int kp;
    int kn;
    float rec;
    float pfpe;
    float pape;
    float pfpeScale;

    Scratch(int k, int d, int layers, int generated) {
      gv = new float[generated];
      dGv = new float[generated];
      act = new float[2 * k * d];
      z = new float[layers][2 * k * d];
      dOut = new float[2 * k * d];
      deltaA = new float[2 * k * d];
      deltaB = new float[2 * k * d];
      wT = new float[d * d];
      pinSum = new float[d];
      pinMapped = new float[d];
      pooledGrad = new float[d];
      pinGrad = new float[d];
      fixed = new float[d];
      dFixed = new float[d];
      x = new float[d];
      e = new float[d];
      own = new float[d];
      dPrompt = new float[d];
    }

    void prepare(int samples) {
      if (logits.length < samples) {
        logits = new float[samples];
        dLogit = new float[samples];
      }
    }
  }
}
