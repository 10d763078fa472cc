package io.pinnacle.tuning.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Vector API kernels against the plain loops, on ragged sizes, offsets, strides and relu inputs. */
class VectorMathTest {
  private static final int[] SIZES = {1, 3, 8, 13, 16, 24, 32, 40, 560};

  @Test
  void theBuildRunsTheVectorKernels() {
    assertTrue(VectorMath.VECTORIZED, "tests run with --add-modules=jdk.incubator.vector (pom.xml argLine)");
  }

  @Test
  void combinationsMatchThePlainLoops() {
    Random rnd = new Random(3);
    for (int cols : SIZES) {
      for (int rows : new int[] {1, 2, 7, 16, 20}) {
        for (int xs : new int[] {0, 1, 3}) {
          for (boolean relu : new boolean[] {false, true}) {
            float[] m = random(rnd, 5 + rows * cols);
            float[] x = random(rnd, 2 + rows * Math.max(1, xs));
            float[] bias = random(rnd, 4 + cols);
            float[] expected = new float[cols + 6];
            float[] actual = new float[cols + 6];
            ScalarKernels.combine(expected, 6, bias, 4, x, 2, xs, rows, m, 5, cols, relu);
            VectorKernels.combine(actual, 6, bias, 4, x, 2, xs, rows, m, 5, cols, relu);
            assertClose(expected, actual, "cols " + cols + " rows " + rows + " xs " + xs + " relu " + relu);
            float[] each = new float[2 * cols + 6];
            VectorKernels.combineEach(2, each, 6, cols, bias, 4, 0, x, 2, 0, xs, rows, m, 5, cols, relu);
            for (int j = 0; j < cols; j++) {
              assertEquals(actual[6 + j], each[6 + cols + j], 1e-5 * Math.max(1, Math.abs(actual[6 + j])),
                  "combineEach, second output");
            }
          }
        }
      }
    }
  }

  @Test
  void dotProductsMatchThePlainLoops() {
    Random rnd = new Random(5);
    for (int n : SIZES) {
      float[] a = random(rnd, n + 3);
      float[] b = random(rnd, n + 1);
      float dot = ScalarKernels.dot(a, 3, b, 1, n);
      assertEquals(dot, VectorKernels.dot(a, 3, b, 1, n), 1e-5 * n);
    }
  }

  @Test
  void pairwiseDistancesTheirGradientAndTheReluMaskMatchThePlainLoops() {
    Random rnd = new Random(9);
    for (int n : new int[] {16, 8, 5}) {
      for (int[] sizes : new int[][] {{10, 10}, {3, 7}, {1, 1}, {0, 4}}) {
        int na = sizes[0];
        int nb = sizes[1];
        float[] rows = random(rnd, (na + nb) * n);
        if (na > 0 && nb > 0) {
          rows[na * n + 2] = rows[2]; // one tie: sign(0) = 0
        }
        float expected = ScalarKernels.pairwiseL1(rows, na, nb, n);
        assertEquals(expected, VectorKernels.pairwiseL1(rows, na, nb, n), 1e-5 * Math.max(1, expected));
        float[] g1 = random(rnd, (na + nb) * n);
        float[] g2 = g1.clone();
        ScalarKernels.pairwiseL1Gradient(rows, na, nb, n, 0.3f, g1);
        VectorKernels.pairwiseL1Gradient(rows, na, nb, n, 0.3f, g2);
        assertClose(g1, g2, "pairwise gradient, n " + n + " sizes " + na + "/" + nb);
      }
    }
    for (int n : SIZES) {
      float[] ref = random(rnd, n);
      ref[0] = 0f;
      float[] v1 = random(rnd, n);
      float[] v2 = v1.clone();
      ScalarKernels.zeroWhereNotPositive(v1, ref, n);
      VectorKernels.zeroWhereNotPositive(v2, ref, n);
      assertClose(v1, v2, "relu mask, n " + n);
      assertEquals(0f, v2[0], "zero where the reference is zero");
    }
  }

  private static float[] random(Random rnd, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return v;
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-4 * Math.max(1, Math.abs(expected[i])), what + " at " + i);
    }
  }
}
