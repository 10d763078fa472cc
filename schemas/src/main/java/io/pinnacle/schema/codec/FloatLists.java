package io.pinnacle.schema.codec;

import java.util.ArrayList;
import java.util.List;

/** Between the float arrays the code computes with and the {@code array<float>} fields of the Avro records. */
public final class FloatLists {
  private FloatLists() {}

  public static List<Float> boxed(float[] v) {
    List<Float> out = new ArrayList<>(v.length);
    for (float x : v) {
      out.add(x);
    }
    return out;
  }

  public static float[] unboxed(List<Float> v) {
    float[] out = new float[v.size()];
    for (int k = 0; k < out.length; k++) {
      out[k] = v.get(k);
    }
    return out;
  }
}
