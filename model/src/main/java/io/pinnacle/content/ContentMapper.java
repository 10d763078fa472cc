package io.pinnacle.content;

import io.pinnacle.base.BaseModelArtifact;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Content features to base embedding, fitted on the items the base knows (ridge regression, closed form, with a
 * bias): in the spirit of DropoutNet and ALDI, it gives an item the base never saw a starting embedding before its
 * first feedback, in the space the base's users live in.
 */
public final class ContentMapper {
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
    List<float[]> xs = new ArrayList<>();
    List<float[]> ys = new ArrayList<>();
    for (long item : base.itemIds()) {
      float[] x = content.get(item);
      if (x != null) {
        xs.add(x);
        ys.add(base.itemEmbedding(item));
      }
    }
    if (xs.isEmpty()) {
      return null;
    }
    int f = xs.get(0).length;
    int d = base.dim();
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

  /** The starting embedding of an item with these features. */
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
