package io.pinnacle.tuning.math;

/** {@link VectorMath}'s loops as plain Java: the fallback without the Vector API, and its test reference. */
final class ScalarKernels {
  private ScalarKernels() {}

  static void combine(float[] out, int oo, float[] bias, int bo, float[] x, int xo, int xs, int rows, float[] m,
                      int mo, int cols, boolean reluX) {
    for (int j = 0; j < cols; j++) {
      float acc = bias == null ? 0f : bias[bo + j];
      for (int i = 0; i < rows; i++) {
        float xi = x[xo + i * xs];
        acc += (reluX && xi < 0f ? 0f : xi) * m[mo + i * cols + j];
      }
      out[oo + j] = acc;
    }
  }

  static float l1(float[] a, int ao, float[] b, int bo, int n) {
    float s = 0;
    for (int i = 0; i < n; i++) {
      s += Math.abs(a[ao + i] - b[bo + i]);
    }
    return s;
  }

  static void l1Gradient(float[] a, int ao, float[] b, int bo, float g, float[] da, int dao, float[] db, int dbo,
                         int n) {
    for (int i = 0; i < n; i++) {
      float diff = a[ao + i] - b[bo + i];
      float s = diff > 0 ? g : diff < 0 ? -g : 0f;
      da[dao + i] += s;
      db[dbo + i] -= s;
    }
  }

  static float dot(float[] a, int ao, float[] b, int bo, int n) {
    float s = 0;
    for (int i = 0; i < n; i++) {
      s += a[ao + i] * b[bo + i];
    }
    return s;
  }

  static float pairwiseL1(float[] rows, int na, int nb, int n) {
    float s = 0;
    for (int j = 0; j < na; j++) {
      for (int k = 0; k < nb; k++) {
        s += l1(rows, j * n, rows, (na + k) * n, n);
      }
    }
    return s;
  }

  static void pairwiseL1Gradient(float[] rows, int na, int nb, int n, float g, float[] grad) {
    for (int j = 0; j < na; j++) {
      for (int k = 0; k < nb; k++) {
        l1Gradient(rows, j * n, rows, (na + k) * n, g, grad, j * n, grad, (na + k) * n, n);
      }
    }
  }

  static void zeroWhereNotPositive(float[] v, float[] ref, int n) {
    for (int i = 0; i < n; i++) {
      if (ref[i] <= 0f) {
        v[i] = 0f;
      }
    }
  }
}
