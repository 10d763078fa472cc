package io.pinnacle.tuning;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One item's trainable state in incremental tuning: its prompt embedding, Adam's two moments and the step count.
 * Serialized as compact bytes: format version (1 byte), dim (2 bytes), step (4 bytes), then 3 * dim float32.
 */
public record PromptState(float[] prompt, float[] m, float[] v, int step) {
  public static final byte FORMAT_VERSION = 1;

  public static PromptState initial(float[] promptInit) {
    int d = promptInit.length;
    return new PromptState(promptInit.clone(), new float[d], new float[d], 0);
  }

  public int dim() {
    return prompt.length;
  }

  public byte[] toBytes() {
    int d = dim();
    ByteBuffer b = ByteBuffer.allocate(serializedSize(d));
    b.put(FORMAT_VERSION).putShort((short) d).putInt(step);
    for (float[] a : new float[][] {prompt, m, v}) {
      for (float x : a) {
        b.putFloat(x);
      }
    }
    return b.array();
  }

  public static int serializedSize(int dim) {
    return 1 + 2 + 4 + 3 * 4 * dim;
  }

  public static PromptState fromBytes(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    byte version = b.get();
    if (version != FORMAT_VERSION) {
      throw new IllegalArgumentException("prompt state format " + version + " is not supported (expected "
          + FORMAT_VERSION + ")");
    }
    int d = b.getShort();
    if (bytes.length != serializedSize(d)) {
      throw new IllegalArgumentException("prompt state of " + bytes.length + " bytes does not match dim " + d);
    }
    int step = b.getInt();
    float[][] parts = new float[3][d];
    for (float[] a : parts) {
      for (int k = 0; k < d; k++) {
        a[k] = b.getFloat();
      }
    }
    return new PromptState(parts[0], parts[1], parts[2], step);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PromptState s && step == s.step && Arrays.equals(prompt, s.prompt)
        && Arrays.equals(m, s.m) && Arrays.equals(v, s.v);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(prompt) * 31 + step;
  }
}
