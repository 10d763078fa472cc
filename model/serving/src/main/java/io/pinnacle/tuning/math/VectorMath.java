package io.pinnacle.tuning.math;

/**
 * The few loops the closed-form update spends its time in, on the CPU's vector units when the JVM runs with
 * {@code --add-modules=jdk.incubator.vector}, as plain loops otherwise (the same results to float rounding). On
 * Java 17 the JIT does not vectorize these loops by itself: the arrays are addressed at offsets it cannot prove
 * disjoint, and float sums are never reordered. Matrices are row-major float arrays addressed by an offset.
 */
public final class VectorMath {
  /** Whether the Vector API is present (decided once; the JIT folds the branch). */
  public static final boolean VECTORIZED = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  /** The bias of a combination without one (the vector code always adds a bias). */
  private static final float[] ZEROS = new float[4096];

  private VectorMath() {}

  /**
   * out[oo + j] = bias[bo + j] (0 when bias is null) + sum over i < rows of f(x[xo + i * xs]) * m[mo + i * cols + j],
   * for j < cols; f is relu when {@code reluX}, else the identity. {@code out} may be {@code bias} (same offset).
   * With xs = 1 it is a vector-matrix product; with xs = the row length of x it combines a column of x instead;
   * with xs = 0 and x = {1} it sums the rows of m.
   */
  public static void combine(float[] out, int oo, float[] bias, int bo, float[] x, int xo, int xs, int rows,
                             float[] m, int mo, int cols, boolean reluX) {
    if (VECTORIZED && (bias != null || cols <= ZEROS.length)) {
      VectorKernels.combine(out, oo, bias == null ? ZEROS : bias, bias == null ? 0 : bo, x, xo, xs, rows, m, mo,
          cols, reluX);
    } else {
      ScalarKernels.combine(out, oo, bias, bo, x, xo, xs, rows, m, mo, cols, reluX);
    }
  }

  /**
   * {@link #combine} for {@code count} outputs in one call: output c goes to out at oo + c * outStep, with the bias
   * at bo + c * biasStep and x starting at xo + c * xStep; m is shared. One call per network layer instead of one per
   * user keeps the call overhead off the hot path.
   */
  public static void combineEach(int count, float[] out, int oo, int outStep, float[] bias, int bo, int biasStep,
                                 float[] x, int xo, int xStep, int xs, int rows, float[] m, int mo, int cols,
                                 boolean reluX) {
    if (VECTORIZED && (bias != null || cols <= ZEROS.length)) {
      VectorKernels.combineEach(count, out, oo, outStep, bias == null ? ZEROS : bias, bias == null ? 0 : bo,
          bias == null ? 0 : biasStep, x, xo, xStep, xs, rows, m, mo, cols, reluX);
    } else {
      for (int c = 0; c < count; c++) {
        ScalarKernels.combine(out, oo + c * outStep, bias, bo + c * biasStep, x, xo + c * xStep, xs, rows, m, mo,
            cols, reluX);
      }
    }
  }

  /**
   * Sum over pairs (j < na, k < nb) of the L1 distance between rows j and na + k of {@code rows} (row length n): the
   * first na rows against the next nb.
   */
  public static float pairwiseL1(float[] rows, int na, int nb, int n) {
    return VECTORIZED ? VectorKernels.pairwiseL1(rows, na, nb, n) : ScalarKernels.pairwiseL1(rows, na, nb, n);
  }

  /**
   * The gradient of g times {@link #pairwiseL1} into {@code grad} (same layout): row j gains g * sum over k of
   * sign(row j - row na + k), row na + k loses g * sum over j of the same (sign(0) = 0).
   */
  public static void pairwiseL1Gradient(float[] rows, int na, int nb, int n, float g, float[] grad) {
    if (VECTORIZED) {
      VectorKernels.pairwiseL1Gradient(rows, na, nb, n, g, grad);
    } else {
      ScalarKernels.pairwiseL1Gradient(rows, na, nb, n, g, grad);
    }
  }

  /** v[i] = 0 wherever ref[i] <= 0, for i < n: the backward pass of relu. */
  public static void zeroWhereNotPositive(float[] v, float[] ref, int n) {
    if (VECTORIZED) {
      VectorKernels.zeroWhereNotPositive(v, ref, n);
    } else {
      ScalarKernels.zeroWhereNotPositive(v, ref, n);
    }
  }

  /** Sum of a[ao + i] * b[bo + i] for i < n. */
  public static float dot(float[] a, int ao, float[] b, int bo, int n) {
    return VECTORIZED ? VectorKernels.dot(a, ao, b, bo, n) : ScalarKernels.dot(a, ao, b, bo, n);
  }
}
