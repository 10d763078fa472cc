package io.pinnacle.content;

import io.pinnacle.base.BaseModelArtifact;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Content features to base embedding, fitted on the items the base knows (ridge regression, closed form, with a
 * bias): in the spirit of DropoutNet and ALDI, it gives an item the base never saw a starting embedding before its
 * first feedback, in the space the base's users live in.
 */
public final class ContentMapper {
  /** Ridge used when the base artifact fits its mapper (fixed, not tuned). */
  public static final double DEFAULT_RIDGE = 1.0;
  private static final int MAGIC = 0x434d4150; // "CMAP"

  private final int features;
  private final int dim;
  /** (features + 1) x dim, the last row is the bias. */
  private final double[][] weights;

  private ContentMapper(int features, int dim, double[][] weights) {
    this.features = features;
    this.dim = dim;
    this.weights = weights;
  }

  /** Fits on every item that has both content features and a base embedding; null when there are none. */
  public static ContentMapper fit(Map<Long, float[]> content, BaseModelArtifact base, double ridge) {
    return fit(content, base.itemIds(), base::itemEmbedding, base.dim(), ridge);
  }

  /**
   * Fits on {@code itemIds} that have content features, each with {@code embedding.apply(id)}; null when none has
   * features.
   */
  public static ContentMapper fit(Map<Long, float[]> content, long[] itemIds, LongFunction<float[]> embedding,
                                  int dim, double ridge) {
    List<float[]> xs = new ArrayList<>();
    List<float[]> ys = new ArrayList<>();
    for (long item : itemIds) {
      float[] x = content.get(item);
      if (x != null) {
        xs.add(x);
        ys.add(embedding.apply(item));
      }
    }
    if (xs.isEmpty()) {
      return null;
    }
    int f = xs.get(0).length;
    int d = dim;
    int p = f + 1;
    double[][] a = new double[p][p];
    double[][] b = new double[p][d];
    double[] row = new double[p];
    for (int n = 0; n < xs.size(); n++) {
      float[] x = xs.get(n);
      for (int i = 0; i < f; i++) {
        row[i] = x[i];
      }
      row[f] = 1;
      for (int i = 0; i < p; i++) {
        if (row[i] == 0) {
          continue;
        }
        for (int j = 0; j < p; j++) {
          a[i][j] += row[i] * row[j];
        }
        for (int k = 0; k < d; k++) {
          b[i][k] += row[i] * ys.get(n)[k];
        }
      }
    }
    for (int i = 0; i < f; i++) {
      a[i][i] += ridge; // the bias is not shrunk
    }
    return new ContentMapper(f, d, solve(a, b));
  }

  /** Number of feature ids the mapper knows (ids 0 .. width - 1). */
  public int width() {
    return features;
  }

  /** The starting embedding of an item with these features (a dense multi-hot vector). */
  public float[] map(float[] x) {
    if (x.length != features) {
      throw new IllegalArgumentException("expected " + features + " content features, got " + x.length);
    }
    float[] out = new float[dim];
    for (int k = 0; k < dim; k++) {
      double s = weights[features][k];
      for (int i = 0; i < features; i++) {
        if (x[i] != 0) {
          s += x[i] * weights[i][k];
        }
      }
      out[k] = (float) s;
    }
    return out;
  }

  /**
   * The starting embedding of an item described by categorical feature ids (the catalog's form); ids the mapper
   * does not know and repeated ids count nothing. Null when no id is known: the features say nothing it learned.
   */
  public float[] map(int[] featureIds) {
    double[] s = new double[dim];
    boolean any = false;
    boolean[] seen = new boolean[features];
    for (int id : featureIds) {
      if (id < 0 || id >= features || seen[id]) {
        continue;
      }
      seen[id] = true;
      any = true;
      for (int k = 0; k < dim; k++) {
        s[k] += weights[id][k];
      }
    }
    if (!any) {
      return null;
    }
    float[] out = new float[dim];
    for (int k = 0; k < dim; k++) {
      out[k] = (float) (s[k] + weights[features][k]);
    }
    return out;
  }

  /** The ids of a multi-hot vector's non-zero entries: a data set's features as the catalog carries them. */
  public static int[] featureIds(float[] multiHot) {
    int n = 0;
    for (float v : multiHot) {
      if (v != 0) {
        n++;
      }
    }
    int[] out = new int[n];
    n = 0;
    for (int i = 0; i < multiHot.length; i++) {
      if (multiHot[i] != 0) {
        out[n++] = i;
      }
    }
    return out;
  }

  public byte[] toBytes() {
    try {
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bos);
      out.writeInt(MAGIC);
      out.writeInt(features);
      out.writeInt(dim);
      for (double[] row : weights) {
        for (double w : row) {
          out.writeDouble(w);
        }
      }
      out.flush();
      return bos.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ContentMapper fromBytes(byte[] bytes) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    if (in.readInt() != MAGIC) {
      throw new IOException("not a content mapper");
    }
    int f = in.readInt();
    int d = in.readInt();
    double[][] w = new double[f + 1][d];
    for (double[] row : w) {
      for (int k = 0; k < d; k++) {
        row[k] = in.readDouble();
      }
    }
    return new ContentMapper(f, d, w);
  }

  /** The mapper the base artifact was written with, or null (no content features in its training data). */
  public static ContentMapper of(BaseModelArtifact base) {
    byte[] bytes = base.contentMapperBytes();
    if (bytes == null) {
      return null;
    }
    try {
      return fromBytes(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException("base model " + base.version() + " has an unreadable content mapper", e);
    }
  }

  /** Solves a x = b (a symmetric positive definite) by Gaussian elimination with partial pivoting. */
  private static double[][] solve(double[][] a, double[][] b) {
    int n = a.length;
    int m = b[0].length;
    for (int c = 0; c < n; c++) {
      int pivot = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) {
          pivot = r;
        }
      }
      double[] t = a[c];
      a[c] = a[pivot];
      a[pivot] = t;
      t = b[c];
      b[c] = b[pivot];
      b[pivot] = t;
      for (int r = c + 1; r < n; r++) {
        double factor = a[r][c] / a[c][c];
        if (factor == 0) {
          continue;
        }
        for (int k = c; k < n; k++) {
          a[r][k] -= factor * a[c][k];
        }
        for (int k = 0; k < m; k++) {
          b[r][k] -= factor * b[c][k];
        }
      }
    }
    double[][] x = new double[n][m];
    for (int r = n - 1; r >= 0; r--) {
      for (int k = 0; k < m; k++) {
        double s = b[r][k];
        for (int j = r + 1; j < n; j++) {
          s -= a[r][j] * x[j][k];
        }
        x[r][k] = s / a[r][r];
      }
    }
    return x;
  }
}
