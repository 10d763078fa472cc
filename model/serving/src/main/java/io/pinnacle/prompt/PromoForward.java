package io.pinnacle.prompt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import io.pinnacle.djl.GraphScalars;
import java.util.Map;

/**
 * PROMO's forward pass and losses for a stack of B items, shared by the prompt stage and the incremental tuner.
 *
 * <p>Inputs per item: base embedding h_i (B, d); pinnacle users (B, k, d) with mask (B, k); negative users
 * (B, k, d) with mask; labelled samples: user vectors (B, r, d), labels, mask, the one-hot position of the sample's
 * user in the pinnacle set (B, r, k) and the sample user's mean score on warm items (B, r).
 *
 * <p>Each labelled sample is scored with its own user left out of the pinnacle pool, as a test user would be;
 * the serving embedding pools all pinnacle users.
 *
 * <p>Losses: L_rec is BCE. L_pfpe (Eq. 8-9) uses, per item, the mean over (pinnacle, negative) pairs of the L1
 * distance divided by d, through softplus(-x) = log(1 + exp(-x)); the paper's plain sum over pairs saturates the
 * log at once (no gradient) and grows with k and d, the mean per dimension stays O(1). L_pape (Eq. 11-12) is
 * the mean over the item's positive samples (u, i) of softplus(-(s(u, i) - s(u, warm))), where s(u, warm) is the
 * same user's mean logit over a fixed pool of warm items (frozen, hence an input): every cold positive is paired
 * with warm negatives of the same user, so cold items are pushed above popular ones user by user.
 */
public final class PromoForward {

  /** All inputs as arrays on one manager; see the class comment for shapes. */
  public record Inputs(NDArray base, NDArray pinnacle, NDArray pinnacleMask, NDArray negative,
                       NDArray negativeMask, NDArray sampleUsers, NDArray labels, NDArray sampleMask,
                       NDArray sampleSelf, NDArray warmScore) {}

  /**
   * Outputs: the serving embedding (B, d), sample logits (B, r), and per item (B) the three losses and their
   * weighted total. Losses are per item so that an item's gradient depends on its own data only: the tuner sums
   * them (each prompt is stepped as if alone), the prompt stage averages them.
   */
  public record Outputs(NDArray embedding, NDArray logits, NDArray rec, NDArray pfpe, NDArray pape, NDArray total) {}

  private PromoForward() {}

  /** Only the serving embedding (B, d): generator, pinnacle pooling and fusion; no samples, no losses. */
  public static NDArray embed(Map<String, NDArray> g, NDArray prompts, NDArray base, NDArray pinnacle,
                              NDArray pinnacleMask, PromoConfig c) {
    PromptGenerator.Generated net = PromptGenerator.generate(prompts, g.get(PromoGlobals.GEN_WEIGHT),
        g.get(PromoGlobals.GEN_BIAS), c.dim(), c.layers());
    NDArray pinOut = PersonalizedPromptNetwork.apply(net, pinnacle).mul(pinnacleMask.expandDims(2));
    NDArray pooled = pinOut.sum(new int[] {1})
        .div(NDArrays.maximum(1f, pinnacleMask.sum(new int[] {1}).expandDims(1)));
    NDArray fused = base.matMul(g.get(PromoGlobals.FUSE_BASE))
        .add(net.promptVector().matMul(g.get(PromoGlobals.FUSE_PROMPT)))
        .add(pooled.matMul(g.get(PromoGlobals.FUSE_PINNACLE)));
    return gated(g, base, keepItemPart(g, base, fused));
  }

  /** The residual gate ({@link PromoGlobals#GATE}): base + g * (embedding - base); absent, the embedding. */
  static NDArray gated(Map<String, NDArray> g, NDArray base, NDArray embedding) {
    NDArray gate = g.get(PromoGlobals.GATE);
    return gate == null ? embedding : base.add(embedding.sub(base).mul(gate));
  }

  /**
   * With the base's mean user vector among the globals: the change PROMO makes to an item's embedding loses its
   * component along that vector, so the item's mean score over users (its popularity-like part) stays the base's
   * and only the user-specific part moves. {@code base} broadcasts against {@code fused} ((B, d) or (B, r, d)).
   */
  static NDArray keepItemPart(Map<String, NDArray> g, NDArray base, NDArray fused) {
    NDArray mean = g.get(PromoGlobals.USER_MEAN);
    if (mean == null) {
      return fused;
    }
    NDArray delta = fused.sub(base);
    NDArray along = delta.matMul(mean.expandDims(1)).div(mean.dot(mean).add(1e-12f));
    return base.add(delta.sub(along.mul(mean)));
  }

  /**
   * Per item (B): the mean over its (positive, negative) sample pairs of softplus(-(m_pos - m_neg)), m the samples'
   * margins (B, r); 0 for an item without a pair.
   */
  static NDArray pairwise(NDArray margin, NDArray y, NDArray mask) {
    NDArray pos = y.mul(mask);
    NDArray neg = y.neg().add(1f).mul(mask);
    NDArray pairs = pos.expandDims(2).mul(neg.expandDims(1));
    NDArray diff = margin.expandDims(2).sub(margin.expandDims(1));
    return Activation.softPlus(diff.neg()).mul(pairs).sum(new int[] {1, 2})
        .div(NDArrays.maximum(1f, pairs.sum(new int[] {1, 2})));
  }

  public static Outputs run(Map<String, NDArray> g, NDArray prompts, Inputs in, PromoConfig c, float tau) {
    int d = c.dim();
    PromptGenerator.Generated net = PromptGenerator.generate(prompts, g.get(PromoGlobals.GEN_WEIGHT),
        g.get(PromoGlobals.GEN_BIAS), d, c.layers());
    NDArray pm = in.pinnacleMask().expandDims(2);
    // Pinnacle and negative users go through the item's network in one batched pass.
    long k = in.pinnacle().getShape().get(1);
    NDArray both = PersonalizedPromptNetwork.apply(net, in.pinnacle().concat(in.negative(), 1));
    NDArray pinOut = both.get(":, 0:{}, :", k).mul(pm);
    NDArray negOut = both.get(":, {}:, :", k);
    NDArray pinSum = pinOut.sum(new int[] {1});
    NDArray pinCount = in.pinnacleMask().sum(new int[] {1}).expandDims(1);
    NDArray pooled = pinSum.div(NDArrays.maximum(1f, pinCount));
    NDArray fixedPart = in.base().matMul(g.get(PromoGlobals.FUSE_BASE))
        .add(net.promptVector().matMul(g.get(PromoGlobals.FUSE_PROMPT)));
    NDArray embedding = gated(g, in.base(),
        keepItemPart(g, in.base(), fixedPart.add(pooled.matMul(g.get(PromoGlobals.FUSE_PINNACLE)))));

    // Per-sample pool without the sample's own user.
    NDArray selfOut = in.sampleSelf().batchMatMul(pinOut);
    NDArray selfCount = in.sampleSelf().sum(new int[] {2}).expandDims(2);
    NDArray samplePooled = pinSum.expandDims(1).sub(selfOut)
        .div(NDArrays.maximum(1f, pinCount.expandDims(1).sub(selfCount)));
    NDArray sampleBase = in.base().expandDims(1);
    NDArray sampleEmb = gated(g, sampleBase, keepItemPart(g, sampleBase,
        fixedPart.expandDims(1).add(samplePooled.matMul(g.get(PromoGlobals.FUSE_PINNACLE)))));
    // Scalars the backward pass reads are libtorch's own (GraphScalars): DJL frees a number's buffer too early.
    NDArray tauT = GraphScalars.of(in.labels().getManager(), tau);
    NDArray logits = in.sampleUsers().mul(sampleEmb).sum(new int[] {2}).div(tauT);

    NDArray mask = in.sampleMask();
    NDArray y = in.labels();
    NDArray bce = Activation.softPlus(logits.neg()).mul(y).add(Activation.softPlus(logits).mul(y.neg().add(1f)));
    NDArray rec;
    if (c.pairwiseRec()) {
      // A sample user's margin: the item's score less their mean score over the batch's items (served embeddings).
      // What moves every item of the batch alike (a shift of cold items as a class) cancels.
      NDArray others = in.sampleUsers().matMul(embedding.transpose()).mean(new int[] {2}).div(tauT);
      rec = pairwise(logits.sub(others), y, mask);
    } else {
      rec = bce.mul(mask).sum(new int[] {1}).div(NDArrays.maximum(1f, mask.sum(new int[] {1})));
    }

    NDArray dist = pinOut.expandDims(2).sub(negOut.expandDims(1)).abs().mean(new int[] {3});
    NDArray pairs = in.pinnacleMask().expandDims(2).mul(in.negativeMask().expandDims(1));
    NDArray pairCount = pairs.sum(new int[] {1, 2});
    NDArray perItem = dist.mul(pairs).sum(new int[] {1, 2}).div(NDArrays.maximum(1f, pairCount));
    NDArray pfpe = Activation.softPlus(perItem.neg()).mul(pairCount.gt(0f).toType(DataType.FLOAT32, false));

    NDArray pos = y.mul(mask);
    NDArray posCount = pos.sum(new int[] {1});
    NDArray margin = logits.sub(in.warmScore());
    NDArray pape = Activation.softPlus(margin.neg()).mul(pos).sum(new int[] {1})
        .div(NDArrays.maximum(1f, posCount));

    NDArray total = rec.add(pfpe.mul(GraphScalars.of(tauT.getManager(), c.lambda1())))
        .add(pape.mul(GraphScalars.of(tauT.getManager(), c.lambda2())));
    return new Outputs(embedding, logits, rec, pfpe, pape, total);
  }
}
