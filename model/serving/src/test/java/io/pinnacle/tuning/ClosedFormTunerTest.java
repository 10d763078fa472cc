package io.pinnacle.tuning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.pinnacle.base.NamedTensors;
import io.pinnacle.djl.DjlRuntime;
import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.prompt.PromoForward;
import io.pinnacle.prompt.PromoGlobals;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The closed-form update against its references: DJL autograd (float32, the tuner it replaces on CPU) and central
 * finite differences of the same forward pass in float64, on random batches of uneven items (0 to k pinnacle and
 * negative users, 0 to 12 samples, own users in and out of the pinnacle pool), with and without the mean-user
 * projection and the residual gate.
 */
class ClosedFormTunerTest {
  private static final int DIM = 8;
  private static final double TOLERANCE = 1e-5;

  @BeforeAll
  static void djl() {
    DjlRuntime.init();
  }

  /** variant: 0 plain, 1 with the mean-user projection, 2 with the gate, 3 both. */
  private static NamedTensors globals(PromoConfig c, int variant) {
    NamedTensors g = PromoFixtures.globals(c, 11 + variant);
    Random rnd = new Random(variant);
    if ((variant & 1) != 0) {
      float[] mean = PromoFixtures.vectors(rnd, 1, c.dim())[0];
      g.put(PromoGlobals.USER_MEAN, new long[] {c.dim()}, mean);
    }
    if ((variant & 2) != 0) {
      g.put(PromoGlobals.GATE, new long[] {1}, new float[] {0.35f});
    }
    return g;
  }

  /** Items of uneven size, including empty pinnacle sets, no negatives and no samples. */
  static List<ItemTuningInput> unevenItems(int n, int dim, int k, long seed) {
    Random rnd = new Random(seed);
    List<ItemTuningInput> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int pins = i == 0 ? 0 : rnd.nextInt(k + 1);
      int negs = i == 1 ? 0 : rnd.nextInt(k + 1);
      int samples = i == 2 ? 0 : rnd.nextInt(13);
      float[][] pin = PromoFixtures.vectors(rnd, pins, dim);
      float[][] su = PromoFixtures.vectors(rnd, samples, dim);
      float[] labels = new float[samples];
      int[] self = new int[samples];
      float[] warm = new float[samples];
      for (int s = 0; s < samples; s++) {
        labels[s] = rnd.nextBoolean() ? 1f : 0f;
        self[s] = pins > 0 && rnd.nextInt(3) == 0 ? rnd.nextInt(pins) : -1;
        if (self[s] >= 0) {
          su[s] = pin[self[s]];
        }
        warm[s] = (float) rnd.nextGaussian();
      }
      float[] prompt = PromoFixtures.vectors(rnd, 1, dim)[0];
      out.add(new ItemTuningInput(100 + i, PromoFixtures.vectors(rnd, 1, dim)[0], pin,
          PromoFixtures.vectors(rnd, negs, dim), su, labels, self, warm,
          new PromptState(prompt, new float[dim], new float[dim], 0)));
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3})
  void gradientsMatchAutograd(int variant) {
    PromoConfig c = PromoFixtures.config(DIM);
    NamedTensors g = globals(c, variant);
    List<ItemTuningInput> items = unevenItems(12, DIM, c.k(), 21 + variant);
    ClosedFormTuner closed = new ClosedFormTuner(g, c, 0.7f);
    double largest = 0;
    try (PromptTuner autograd = new PromptTuner(g, c, 0.7f, Device.cpu())) {
      float[][] reference = autograd.gradients(items);
      for (int i = 0; i < items.size(); i++) {
        float[] mine = closed.gradient(items.get(i));
        for (int j = 0; j < DIM; j++) {
          assertEquals(reference[i][j], mine[j], TOLERANCE * Math.max(1, Math.abs(reference[i][j])),
              "item " + i + " dimension " + j);
          largest = Math.max(largest, Math.abs(mine[j]));
        }
      }
    }
    assertTrue(largest > 1e-3, "the gradients do not vanish");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 3})
  void gradientsMatchFloat64FiniteDifferences(int variant) {
    PromoConfig c = PromoFixtures.config(DIM);
    NamedTensors g = globals(c, variant);
    List<ItemTuningInput> items = unevenItems(8, DIM, c.k(), 31 + variant);
    ClosedFormTuner closed = new ClosedFormTuner(g, c, 0.7f);
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> params = new HashMap<>();
      for (var e : g.all().entrySet()) {
        params.put(e.getKey(), m.create(e.getValue().data(), new Shape(e.getValue().shape()))
            .toType(DataType.FLOAT64, true));
      }
      for (ItemTuningInput it : items) {
        PromoForward.Inputs in32 = ItemBatch.pack(m, List.of(it), DIM, c.k());
        PromoForward.Inputs in = new PromoForward.Inputs(f64(in32.base()), f64(in32.pinnacle()),
            f64(in32.pinnacleMask()), f64(in32.negative()), f64(in32.negativeMask()), f64(in32.sampleUsers()),
            f64(in32.labels()), f64(in32.sampleMask()), f64(in32.sampleSelf()), f64(in32.warmScore()));
        float[] mine = closed.gradient(it);
        double[] p = new double[DIM];
        for (int j = 0; j < DIM; j++) {
          p[j] = it.state().prompt()[j];
        }
        double h = 1e-6;
        for (int j = 0; j < DIM; j++) {
          double[] plus = p.clone();
          plus[j] += h;
          double[] minus = p.clone();
          minus[j] -= h;
          double numeric = (loss(m, params, in, c, plus) - loss(m, params, in, c, minus)) / (2 * h);
          assertEquals(numeric, mine[j], TOLERANCE * Math.max(1, Math.abs(numeric)),
              "item " + it.itemId() + " dimension " + j);
        }
      }
    }
  }

  private static double loss(NDManager m, Map<String, NDArray> params, PromoForward.Inputs in, PromoConfig c,
                             double[] prompt) {
    NDArray p = m.create(prompt, new Shape(1, prompt.length));
    return PromoForward.run(params, p, in, c, 0.7f).total().sum().getDouble();
  }

  private static NDArray f64(NDArray a) {
    return a.toType(DataType.FLOAT64, true);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 3})
  void tunedStatesAndEmbeddingsMatchAutograd(int variant) {
    PromoConfig c = PromoFixtures.config(DIM);
    NamedTensors g = globals(c, variant);
    List<ItemTuningInput> items = unevenItems(10, DIM, c.k(), 41 + variant);
    ClosedFormTuner closed = new ClosedFormTuner(g, c, 0.7f);
    try (PromptTuner autograd = new PromptTuner(g, c, 0.7f, Device.cpu())) {
      for (int steps : new int[] {0, 1, 3}) {
        PromptTuning.Result a = autograd.tune(items, steps);
        PromptTuning.Result b = closed.tune(items, steps);
        for (int i = 0; i < items.size(); i++) {
          assertClose(a.embeddings()[i], b.embeddings()[i], "embedding of item " + i + " after " + steps);
          assertClose(a.states().get(i).prompt(), b.states().get(i).prompt(), "prompt of item " + i);
          assertEquals(a.states().get(i).step(), b.states().get(i).step());
        }
        if (steps > 0) {
          assertEquals(a.rec(), b.rec(), TOLERANCE);
          assertEquals(a.pfpe(), b.pfpe(), TOLERANCE);
          assertEquals(a.pape(), b.pape(), TOLERANCE);
        }
      }
    }
  }

  @Test
  void callsFromSeveralThreadsGiveTheSameResults() throws Exception {
    PromoConfig c = PromoFixtures.config(DIM);
    ClosedFormTuner closed = new ClosedFormTuner(globals(c, 3), c, 0.7f);
    List<ItemTuningInput> items = unevenItems(16, DIM, c.k(), 51);
    float[][] alone = closed.tune(items, 2).embeddings();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<float[][]>> runs = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        runs.add(pool.submit(() -> closed.tune(items, 2).embeddings()));
      }
      for (Future<float[][]> run : runs) {
        float[][] e = run.get();
        for (int i = 0; i < items.size(); i++) {
          assertClose(alone[i], e[i], "item " + i);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theSameInputsGiveTheSameBitsBeforeAndAfterCompilation() {
    // d = 16 runs every vector kernel (the pairwise one only at twice the lane count of 256-bit vectors).
    PromoConfig c = PromoFixtures.config(16);
    ClosedFormTuner closed = new ClosedFormTuner(globals(c, 3), c, 0.7f);
    List<ItemTuningInput> items = unevenItems(8, 16, c.k(), 61);
    float[][] first = closed.tune(items, 3).embeddings(); // early calls run in the interpreter
    List<ItemTuningInput> other = unevenItems(64, 16, c.k(), 62);
    for (int r = 0; r < 3_000; r++) {
      closed.tune(other, 1); // until the JIT has compiled the kernels
    }
    float[][] later = closed.tune(items, 3).embeddings();
    for (int i = 0; i < items.size(); i++) {
      assertArrayEquals(first[i], later[i], "item " + i + ": a replay must reproduce every bit");
    }
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int j = 0; j < expected.length; j++) {
      assertEquals(expected[j], actual[j], TOLERANCE * Math.max(1, Math.abs(expected[j])), what + "[" + j + "]");
    }
  }
}
