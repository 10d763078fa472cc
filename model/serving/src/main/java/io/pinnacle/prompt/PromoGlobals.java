package io.pinnacle.prompt;

import io.pinnacle.base.NamedTensors;
import java.util.Random;

/**
 * The global PROMO parameters learned in the prompt stage and frozen afterwards: the prompt generator, the fusion
 * maps over [base item embedding, pooled pinnacle output, prompt vector], and the initial prompt for items first
 * seen in the stream. Fusion starts as [I, 0, 0] so an untrained PROMO scores exactly like the base model.
 */
public final class PromoGlobals {
  public static final String GEN_WEIGHT = "generator.weight";
  public static final String GEN_BIAS = "generator.bias";
  public static final String FUSE_BASE = "fusion.base";
  public static final String FUSE_PINNACLE = "fusion.pinnacle";
  public static final String FUSE_PROMPT = "fusion.prompt";
  public static final String PROMPT_INIT = "prompt.init";
  /**
   * The base's mean user vector (frozen, never trained), present when PROMO keeps the item part of its scores
   * ({@link PromoConfig#itemPartKept}): the fused embedding's change is projected off this direction.
   */
  public static final String USER_MEAN = "user.mean";
  /**
   * The residual gate g (one number, never trained): the served embedding is h_i + g * (PROMO's embedding - h_i).
   * The prompt stage trains at g = 1 and then calibrates g on validation (the largest cold-item gain within the
   * all-user budget), because PROMO's change raises cold items for every user as well as for their fans and the
   * gate sets how much of it warm users pay for. Absent (artifacts before it): g = 1.
   */
  public static final String GATE = "fusion.gate";

  private PromoGlobals() {}

  /** The initial globals, with the base's mean user vector when the config keeps the item part of the scores. */
  public static NamedTensors initial(PromoConfig c, float[] userMean) {
    NamedTensors g = initial(c);
    if (c.itemPartKept()) {
      g.put(USER_MEAN, new long[] {userMean.length}, userMean.clone());
    }
    return g;
  }

  public static NamedTensors initial(PromoConfig c) {
    Random rnd = new Random(c.seed());
    int d = c.dim();
    int g = c.generatedSize();
    float[] w = new float[d * g];
    for (int k = 0; k < w.length; k++) {
      w[k] = (float) (rnd.nextGaussian() * 0.01);
    }
    // The generator's bias is the network every item starts from: Xavier-initialised layers, zero prompt vector.
    float[] b = new float[g];
    int off = d;
    float lim = (float) Math.sqrt(6.0 / (d + d));
    for (int l = 0; l < c.layers(); l++) {
      for (int k = 0; k < d * d; k++) {
        b[off + k] = (rnd.nextFloat() * 2 - 1) * lim;
      }
      off += d * d + d;
    }
    float[] eye = new float[d * d];
    for (int k = 0; k < d; k++) {
      eye[k * d + k] = 1f;
    }
    return new NamedTensors()
        .put(GEN_WEIGHT, new long[] {d, g}, w)
        .put(GEN_BIAS, new long[] {g}, b)
        .put(FUSE_BASE, new long[] {d, d}, eye)
        .put(FUSE_PINNACLE, new long[] {d, d}, new float[d * d])
        .put(FUSE_PROMPT, new long[] {d, d}, new float[d * d])
        .put(PROMPT_INIT, new long[] {d}, new float[d]);
  }
}
