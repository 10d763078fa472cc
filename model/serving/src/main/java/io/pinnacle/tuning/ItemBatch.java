package io.pinnacle.tuning;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.pinnacle.prompt.PromoForward;
import java.util.List;

/** Packs a list of items into padded, stacked arrays (B, k, d) etc. and hands them to a manager. */
public final class ItemBatch {
  private ItemBatch() {}

  public static PromoForward.Inputs pack(NDManager m, List<ItemTuningInput> items, int dim, int k) {
    int b = items.size();
    int r = 1;
    for (ItemTuningInput it : items) {
      r = Math.max(r, it.samples());
    }
    float[] base = new float[b * dim];
    float[] pin = new float[b * k * dim];
    float[] pinMask = new float[b * k];
    float[] neg = new float[b * k * dim];
    float[] negMask = new float[b * k];
    float[] su = new float[b * r * dim];
    float[] labels = new float[b * r];
    float[] sMask = new float[b * r];
    float[] self = new float[b * r * k];
    float[] warm = new float[b * r];
    for (int i = 0; i < b; i++) {
      ItemTuningInput it = items.get(i);
      System.arraycopy(it.base(), 0, base, i * dim, dim);
      fill(it.pinnacle(), pin, pinMask, i, k, dim);
      fill(it.negatives(), neg, negMask, i, k, dim);
      for (int s = 0; s < it.samples(); s++) {
        System.arraycopy(it.sampleUsers()[s], 0, su, (i * r + s) * dim, dim);
        labels[i * r + s] = it.labels()[s];
        sMask[i * r + s] = 1f;
        warm[i * r + s] = it.warmScore()[s];
        int pos = it.sampleSelf()[s];
        if (pos >= 0 && pos < Math.min(k, it.pinnacle().length)) {
          self[(i * r + s) * k + pos] = 1f;
        }
      }
    }
    return new PromoForward.Inputs(
        m.create(base, new Shape(b, dim)),
        m.create(pin, new Shape(b, k, dim)), m.create(pinMask, new Shape(b, k)),
        m.create(neg, new Shape(b, k, dim)), m.create(negMask, new Shape(b, k)),
        m.create(su, new Shape(b, r, dim)), m.create(labels, new Shape(b, r)), m.create(sMask, new Shape(b, r)),
        m.create(self, new Shape(b, r, k)), m.create(warm, new Shape(b, r)));
  }

  private static void fill(float[][] users, float[] out, float[] mask, int i, int k, int dim) {
    int n = Math.min(k, users.length);
    for (int j = 0; j < n; j++) {
      System.arraycopy(users[j], 0, out, (i * k + j) * dim, dim);
      mask[i * k + j] = 1f;
    }
  }
}
