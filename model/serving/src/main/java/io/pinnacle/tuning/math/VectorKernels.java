package io.pinnacle.tuning.math;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorMath}'s loops on the Vector API; loaded only when the module is present. Accumulators stay in
 * registers across the inner loop; a ragged end (a length that is not a multiple of the lanes) runs as plain code.
 */
final class VectorKernels {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_256;
  private static final int LANES = SPECIES.length();

  private VectorKernels() {}

  /**
   * As {@link VectorMath#combine} with a bias always given. Each loop shape is its own small method: in one large
   * method the JIT runs out of inlining budget and falls back to the Vector API's scalar code.
   */
  static void combine(float[] out, int oo, float[] bias, int bo, float[] x, int xo, int xs, int rows, float[] m,
                      int mo, int cols, boolean reluX) {
    int j = 0;
    for (; j <= cols - 8 * LANES; j += 8 * LANES) {
      eight(out, oo + j, bias, bo + j, x, xo, xs, rows, m, mo + j, cols, reluX);
    }
    for (; j <= cols - 4 * LANES; j += 4 * LANES) {
      four(out, oo + j, bias, bo + j, x, xo, xs, rows, m, mo + j, cols, reluX);
    }
    for (; j <= cols - 2 * LANES; j += 2 * LANES) {
      two(out, oo + j, bias, bo + j, x, xo, xs, rows, m, mo + j, cols, reluX);
    }
    for (; j <= cols - LANES; j += LANES) {
      one(out, oo + j, bias, bo + j, x, xo, xs, rows, m, mo + j, cols, reluX);
    }
    for (; j < cols; j++) {
      float acc = bias[bo + j];
      for (int i = 0; i < rows; i++) {
        acc += input(x, xo + i * xs, reluX) * m[mo + i * cols + j];
      }
      out[oo + j] = acc;
    }
  }

  static void combineEach(int count, float[] out, int oo, int outStep, float[] bias, int bo, int biasStep,
                          float[] x, int xo, int xStep, int xs, int rows, float[] m, int mo, int cols,
                          boolean reluX) {
    if (cols == 2 * LANES) {
      // Two outputs at a time share every row of m they load (d = 16: users of a layer, rows of a weight gradient).
      int c = 0;
      for (; c + 1 < count; c += 2) {
        pair(out, oo + c * outStep, oo + (c + 1) * outStep, bias, bo + c * biasStep, bo + (c + 1) * biasStep, x,
            xo + c * xStep, xo + (c + 1) * xStep, xs, rows, m, mo, cols, reluX);
      }
      if (c < count) {
        two(out, oo + c * outStep, bias, bo + c * biasStep, x, xo + c * xStep, xs, rows, m, mo, cols, reluX);
      }
    } else {
      for (int c = 0; c < count; c++) {
        combine(out, oo + c * outStep, bias, bo + c * biasStep, x, xo + c * xStep, xs, rows, m, mo, cols, reluX);
      }
    }
  }

  /** Two outputs of two vectors each (d = 16), from the same rows of m. */
  private static void pair(float[] out, int oa, int ob, float[] bias, int ba, int bb, float[] x, int xa, int xb,
                           int xs, int rows, float[] m, int mo, int stride, boolean reluX) {
    FloatVector a0 = FloatVector.fromArray(SPECIES, bias, ba);
    FloatVector a1 = FloatVector.fromArray(SPECIES, bias, ba + LANES);
    FloatVector b0 = FloatVector.fromArray(SPECIES, bias, bb);
    FloatVector b1 = FloatVector.fromArray(SPECIES, bias, bb + LANES);
    for (int i = 0; i < rows; i++) {
      int row = mo + i * stride;
      FloatVector m0 = FloatVector.fromArray(SPECIES, m, row);
      FloatVector m1 = FloatVector.fromArray(SPECIES, m, row + LANES);
      FloatVector va = FloatVector.broadcast(SPECIES, input(x, xa + i * xs, reluX));
      FloatVector vb = FloatVector.broadcast(SPECIES, input(x, xb + i * xs, reluX));
      a0 = m0.fma(va, a0);
      a1 = m1.fma(va, a1);
      b0 = m0.fma(vb, b0);
      b1 = m1.fma(vb, b1);
    }
    a0.intoArray(out, oa);
    a1.intoArray(out, oa + LANES);
    b0.intoArray(out, ob);
    b1.intoArray(out, ob + LANES);
  }

  /** Eight output vectors: wide outputs (the prompt generator's). */
  private static void eight(float[] out, int oo, float[] bias, int bo, float[] x, int xo, int xs, int rows,
                            float[] m, int mo, int stride, boolean reluX) {
    FloatVector a0 = FloatVector.fromArray(SPECIES, bias, bo);
    FloatVector a1 = FloatVector.fromArray(SPECIES, bias, bo + LANES);
    FloatVector a2 = FloatVector.fromArray(SPECIES, bias, bo + 2 * LANES);
    FloatVector a3 = FloatVector.fromArray(SPECIES, bias, bo + 3 * LANES);
    FloatVector a4 = FloatVector.fromArray(SPECIES, bias, bo + 4 * LANES);
    FloatVector a5 = FloatVector.fromArray(SPECIES, bias, bo + 5 * LANES);
    FloatVector a6 = FloatVector.fromArray(SPECIES, bias, bo + 6 * LANES);
    FloatVector a7 = FloatVector.fromArray(SPECIES, bias, bo + 7 * LANES);
    for (int i = 0; i < rows; i++) {
      FloatVector xv = FloatVector.broadcast(SPECIES, input(x, xo + i * xs, reluX));
      int row = mo + i * stride;
      a0 = FloatVector.fromArray(SPECIES, m, row).fma(xv, a0);
      a1 = FloatVector.fromArray(SPECIES, m, row + LANES).fma(xv, a1);
      a2 = FloatVector.fromArray(SPECIES, m, row + 2 * LANES).fma(xv, a2);
      a3 = FloatVector.fromArray(SPECIES, m, row + 3 * LANES).fma(xv, a3);
      a4 = FloatVector.fromArray(SPECIES, m, row + 4 * LANES).fma(xv, a4);
      a5 = FloatVector.fromArray(SPECIES, m, row + 5 * LANES).fma(xv, a5);
      a6 = FloatVector.fromArray(SPECIES, m, row + 6 * LANES).fma(xv, a6);
      a7 = FloatVector.fromArray(SPECIES, m, row + 7 * LANES).fma(xv, a7);
    }
    a0.intoArray(out, oo);
    a1.intoArray(out, oo + LANES);
    a2.intoArray(out, oo + 2 * LANES);
    a3.intoArray(out, oo + 3 * LANES);
    a4.intoArray(out, oo + 4 * LANES);
    a5.intoArray(out, oo + 5 * LANES);
    a6.intoArray(out, oo + 6 * LANES);
    a7.intoArray(out, oo + 7 * LANES);
  }

  /** Four output vectors (independent accumulators hide the FMA latency). */
  private static void four(float[] out, int oo, float[] bias, int bo, float[] x, int xo, int xs, int rows,
                           float[] m, int mo, int stride, boolean reluX) {
    FloatVector a0 = FloatVector.fromArray(SPECIES, bias, bo);
    FloatVector a1 = FloatVector.fromArray(SPECIES, bias, bo + LANES);
    FloatVector a2 = FloatVector.fromArray(SPECIES, bias, bo + 2 * LANES);
    FloatVector a3 = FloatVector.fromArray(SPECIES, bias, bo + 3 * LANES);
    for (int i = 0; i < rows; i++) {
      FloatVector xv = FloatVector.broadcast(SPECIES, input(x, xo + i * xs, reluX));
      int row = mo + i * stride;
      a0 = FloatVector.fromArray(SPECIES, m, row).fma(xv, a0);
      a1 = FloatVector.fromArray(SPECIES, m, row + LANES).fma(xv, a1);
      a2 = FloatVector.fromArray(SPECIES, m, row + 2 * LANES).fma(xv, a2);
      a3 = FloatVector.fromArray(SPECIES, m, row + 3 * LANES).fma(xv, a3);
    }
    a0.intoArray(out, oo);
    a1.intoArray(out, oo + LANES);
    a2.intoArray(out, oo + 2 * LANES);
    a3.intoArray(out, oo + 3 * LANES);
  }

  /** Two output vectors (d = 16): even and odd rows in separate accumulators, summed at the end. */
  private static void two(float[] out, int oo, float[] bias, int bo, float[] x, int xo, int xs, int rows,
                          float[] m, int mo, int stride, boolean reluX) {
    FloatVector a0 = FloatVector.fromArray(SPECIES, bias, bo);
    FloatVector a1 = FloatVector.fromArray(SPECIES, bias, bo + LANES);
    FloatVector b0 = FloatVector.zero(SPECIES);
    FloatVector b1 = FloatVector.zero(SPECIES);
    int i = 0;
    for (; i + 1 < rows; i += 2) {
      FloatVector xa = FloatVector.broadcast(SPECIES, input(x, xo + i * xs, reluX));
      FloatVector xb = FloatVector.broadcast(SPECIES, input(x, xo + (i + 1) * xs, reluX));
      int row = mo + i * stride;
      a0 = FloatVector.fromArray(SPECIES, m, row).fma(xa, a0);
      a1 = FloatVector.fromArray(SPECIES, m, row + LANES).fma(xa, a1);
      b0 = FloatVector.fromArray(SPECIES, m, row + stride).fma(xb, b0);
      b1 = FloatVector.fromArray(SPECIES, m, row + stride + LANES).fma(xb, b1);
    }
    if (i < rows) {
      FloatVector xa = FloatVector.broadcast(SPECIES, input(x, xo + i * xs, reluX));
      int row = mo + i * stride;
      a0 = FloatVector.fromArray(SPECIES, m, row).fma(xa, a0);
      a1 = FloatVector.fromArray(SPECIES, m, row + LANES).fma(xa, a1);
    }
    a0.add(b0).intoArray(out, oo);
    a1.add(b1).intoArray(out, oo + LANES);
  }

  private static void one(float[] out, int oo, float[] bias, int bo, float[] x, int xo, int xs, int rows,
                          float[] m, int mo, int stride, boolean reluX) {
    FloatVector a0 = FloatVector.fromArray(SPECIES, bias, bo);
    for (int i = 0; i < rows; i++) {
      FloatVector xv = FloatVector.broadcast(SPECIES, input(x, xo + i * xs, reluX));
      a0 = FloatVector.fromArray(SPECIES, m, mo + i * stride).fma(xv, a0);
    }
    a0.intoArray(out, oo);
  }

  private static float input(float[] x, int at, boolean relu) {
    float v = x[at];
    return relu ? Math.max(v, 0f) : v;
  }

  /**
   * The lanes' sum in lane order. {@code reduceLanes(ADD)} leaves the order open, and the interpreter and the JIT's
   * intrinsic add in different orders: the same inputs would give different bits before and after compilation, and
   * a replay or a recovery could not reproduce an embedding.
   */
  private static float sumLanes(FloatVector v) {
    float s = 0f;
    for (int i = 0; i < LANES; i++) {
      s += v.lane(i);
    }
    return s;
  }

  static float dot(float[] a, int ao, float[] b, int bo, int n) {
    FloatVector acc = FloatVector.zero(SPECIES);
    int i = 0;
    for (; i <= n - LANES; i += LANES) {
      acc = FloatVector.fromArray(SPECIES, a, ao + i).fma(FloatVector.fromArray(SPECIES, b, bo + i), acc);
    }
    float s = sumLanes(acc);
    for (; i < n; i++) {
      s += a[ao + i] * b[bo + i];
    }
    return s;
  }

  static float pairwiseL1(float[] rows, int na, int nb, int n) {
    if (n != 2 * LANES) {
      return ScalarKernels.pairwiseL1(rows, na, nb, n);
    }
    // Vector accumulators per row of the first kind, reduced once per row (a vector carried through both loops
    // is boxed by the JIT).
    float total = 0;
    for (int j = 0; j < na; j++) {
      FloatVector a0 = FloatVector.fromArray(SPECIES, rows, j * n);
      FloatVector a1 = FloatVector.fromArray(SPECIES, rows, j * n + LANES);
      FloatVector acc0 = FloatVector.zero(SPECIES);
      FloatVector acc1 = FloatVector.zero(SPECIES);
      for (int k = 0; k < nb; k++) {
        int b = (na + k) * n;
        acc0 = acc0.add(a0.sub(FloatVector.fromArray(SPECIES, rows, b)).abs());
        acc1 = acc1.add(a1.sub(FloatVector.fromArray(SPECIES, rows, b + LANES)).abs());
      }
      total += sumLanes(acc0.add(acc1));
    }
    return total;
  }

  static void pairwiseL1Gradient(float[] rows, int na, int nb, int n, float g, float[] grad) {
    if (n != 2 * LANES) {
      ScalarKernels.pairwiseL1Gradient(rows, na, nb, n, g, grad);
      return;
    }
    // Each row's sum of signs in registers, written once: first the na rows, then the nb rows.
    for (int j = 0; j < na; j++) {
      FloatVector a0 = FloatVector.fromArray(SPECIES, rows, j * n);
      FloatVector a1 = FloatVector.fromArray(SPECIES, rows, j * n + LANES);
      FloatVector s0 = FloatVector.zero(SPECIES);
      FloatVector s1 = FloatVector.zero(SPECIES);
      for (int k = 0; k < nb; k++) {
        int b = (na + k) * n;
        s0 = s0.add(sign(a0.sub(FloatVector.fromArray(SPECIES, rows, b))));
        s1 = s1.add(sign(a1.sub(FloatVector.fromArray(SPECIES, rows, b + LANES))));
      }
      s0.fma(FloatVector.broadcast(SPECIES, g), FloatVector.fromArray(SPECIES, grad, j * n)).intoArray(grad, j * n);
      s1.fma(FloatVector.broadcast(SPECIES, g), FloatVector.fromArray(SPECIES, grad, j * n + LANES)).intoArray(grad, j * n + LANES);
    }
    for (int k = 0; k < nb; k++) {
      int b = (na + k) * n;
      FloatVector b0 = FloatVector.fromArray(SPECIES, rows, b);
      FloatVector b1 = FloatVector.fromArray(SPECIES, rows, b + LANES);
      FloatVector s0 = FloatVector.zero(SPECIES);
      FloatVector s1 = FloatVector.zero(SPECIES);
      for (int j = 0; j < na; j++) {
        s0 = s0.add(sign(FloatVector.fromArray(SPECIES, rows, j * n).sub(b0)));
        s1 = s1.add(sign(FloatVector.fromArray(SPECIES, rows, j * n + LANES).sub(b1)));
      }
      s0.fma(FloatVector.broadcast(SPECIES, -g), FloatVector.fromArray(SPECIES, grad, b)).intoArray(grad, b);
      s1.fma(FloatVector.broadcast(SPECIES, -g), FloatVector.fromArray(SPECIES, grad, b + LANES)).intoArray(grad, b + LANES);
    }
  }

  /** 1, -1 or 0 by the sign of each lane. */
  private static FloatVector sign(FloatVector v) {
    FloatVector zero = FloatVector.zero(SPECIES);
    return zero.blend(1f, v.compare(VectorOperators.GT, 0f)).blend(-1f, v.compare(VectorOperators.LT, 0f));
  }

  static void zeroWhereNotPositive(float[] v, float[] ref, int n) {
    int i = 0;
    for (; i <= n - LANES; i += LANES) {
      FloatVector.fromArray(SPECIES, v, i)
          .blend(0f, FloatVector.fromArray(SPECIES, ref, i).compare(VectorOperators.LE, 0f)).intoArray(v, i);
    }
    for (; i < n; i++) {
      if (ref[i] <= 0f) {
        v[i] = 0f;
      }
    }
  }
}
