package io.pinnacle.base;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ordered named float32 tensors with a tiny binary format: magic {@code PNT1}, count, then per tensor its UTF name,
 * rank, dims and big-endian floats. Used for model parameters and for the vector tables of the artifact.
 */
public final class NamedTensors {
  private static final int MAGIC = 0x504E5431; // "PNT1"

  /** One tensor: shape and row-major data. */
  public record Tensor(long[] shape, float[] data) {
    public Tensor {
      long n = 1;
      for (long s : shape) {
        n *= s;
      }
      if (n != data.length) {
        throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold " + data.length);
      }
    }

    public int rows() {
      return (int) shape[0];
    }

    public int cols() {
      return shape.length > 1 ? (int) shape[1] : 1;
    }

    public float[] row(int r) {
      int c = cols();
      return Arrays.copyOfRange(data, r * c, (r + 1) * c);
    }
  }

  private final Map<String, Tensor> tensors = new LinkedHashMap<>();

  public NamedTensors put(String name, long[] shape, float[] data) {
    tensors.put(name, new Tensor(shape.clone(), data));
    return this;
  }

  public Tensor get(String name) {
    Tensor t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException("no tensor named " + name + "; have " + tensors.keySet());
    }
    return t;
  }

  public Map<String, Tensor> all() {
    return Collections.unmodifiableMap(tensors);
  }

  public void write(OutputStream os) throws IOException {
    DataOutputStream out = new DataOutputStream(os);
    out.writeInt(MAGIC);
    out.writeInt(tensors.size());
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      out.writeUTF(e.getKey());
      long[] shape = e.getValue().shape();
      out.writeInt(shape.length);
      for (long s : shape) {
        out.writeLong(s);
      }
      float[] d = e.getValue().data();
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(d.length * 4);
      buf.asFloatBuffer().put(d);
      out.write(buf.array());
    }
    out.flush();
  }

  public static NamedTensors read(InputStream is) throws IOException {
    DataInputStream in = new DataInputStream(is);
    if (in.readInt() != MAGIC) {
      throw new IOException("not a Pinnacle tensor file (bad magic)");
    }
    int n = in.readInt();
    NamedTensors out = new NamedTensors();
    for (int k = 0; k < n; k++) {
      String name = in.readUTF();
      int rank = in.readInt();
      if (rank < 0 || rank > 8) {
        throw new IOException("bad rank " + rank + " for " + name);
      }
      long[] shape = new long[rank];
      long size = 1;
      for (int r = 0; r < rank; r++) {
        shape[r] = in.readLong();
        size *= shape[r];
      }
      if (size < 0 || size > Integer.MAX_VALUE / 4) {
        throw new IOException("bad size for " + name);
      }
      byte[] bytes = new byte[(int) size * 4];
      in.readFully(bytes);
      float[] d = new float[(int) size];
      java.nio.ByteBuffer.wrap(bytes).asFloatBuffer().get(d);
      out.put(name, shape, d);
    }
    return out;
  }
}
