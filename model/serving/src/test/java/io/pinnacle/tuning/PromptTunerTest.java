package io.pinnacle.tuning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.pinnacle.base.NamedTensors;
import io.pinnacle.djl.DjlRuntime;
import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.prompt.PromoGlobals;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PromptTunerTest {
  private static final int DIM = 16;

  @BeforeAll
  static void djl() {
    DjlRuntime.init();
  }

  @Test
  void batchedStepsEqualItemsSteppedOneByOne() {
    PromoConfig c = PromoFixtures.config(DIM);
    NamedTensors g = PromoFixtures.globals(c, 11);
    List<ItemTuningInput> items = PromoFixtures.items(24, DIM, c.k(), 13);
    try (PromptTuner tuner = new PromptTuner(g, c, 1f, Device.cpu())) {
      int steps = 3;
      PromptTuner.Result batched = tuner.tune(items, steps);
      float[][] batchedGradients = tuner.gradients(items);
      for (int i = 0; i < items.size(); i++) {
        ItemTuningInput it = items.get(i);
        assertClose(tuner.gradients(List.of(it))[0], batchedGradients[i], 1e-5);
        PromptTuner.Result alone = tuner.tune(List.of(it), steps);
        PromptState a = alone.states().get(0);
        PromptState b = batched.states().get(i);
        assertEquals(steps, b.step());
        assertClose(a.m(), b.m(), 1e-5);
        assertClose(a.v(), b.v(), 1e-5);
        // Adam's step is m / sqrt(v): where a gradient coordinate is at float noise (|m| below 1e-5) its sign, and
        // so up to a whole step of lr, is noise too; everywhere else the prompts agree to 1e-5.
        for (int k = 0; k < DIM; k++) {
          double tol = Math.abs(a.m()[k]) < 1e-5 ? 2 * steps * c.tuneLearningRate() : 1e-5;
          assertEquals(a.prompt()[k], b.prompt()[k], tol * Math.max(1, Math.abs(a.prompt()[k])), "prompt " + k);
        }
        // The embedding of the batched prompt, served alone, is the batched embedding.
        ItemTuningInput withBatched = new ItemTuningInput(it.itemId(), it.base(), it.pinnacle(), it.negatives(),
            it.sampleUsers(), it.labels(), it.sampleSelf(), it.warmScore(), b);
        assertClose(tuner.tune(List.of(withBatched), 0).embeddings()[0], batched.embeddings()[i], 1e-5);
        assertFalse(Arrays.equals(it.state().prompt(), b.prompt()), "prompt should move");
      }
    }
  }

  @Test
  void tuningAnItemLeavesOtherItemsAndTheGlobalsUntouched() {
    PromoConfig c = PromoFixtures.config(DIM);
    NamedTensors g = PromoFixtures.globals(c, 21);
    NamedTensors gCopy = copy(g);
    List<ItemTuningInput> items = PromoFixtures.items(2, DIM, c.k(), 23);
    ItemTuningInput a = items.get(0);
    ItemTuningInput b = items.get(1);
    byte[] bBefore = b.state().toBytes();
    try (PromptTuner tuner = new PromptTuner(g, c, 1f, Device.cpu())) {
      float[] bEmbedding = tuner.embed(List.of(b))[0];
      for (int round = 0; round < 20; round++) {
        a = withState(a, tuner.tune(List.of(a), 2).states().get(0));
      }
      assertArrayEquals(bBefore, b.state().toBytes());
      assertArrayEquals(bEmbedding, tuner.embed(List.of(b))[0]);
      assertNotEquals(items.get(0).state(), a.state());
    }
    for (var e : g.all().entrySet()) {
      float[] x = e.getValue().data();
      float[] y = gCopy.get(e.getKey()).data();
      for (int k = 0; k < x.length; k++) {
        assertEquals(Float.floatToRawIntBits(y[k]), Float.floatToRawIntBits(x[k]), e.getKey());
      }
    }
  }

  @Test
  void tuningLowersTheItemsLoss() {
    PromoConfig c = PromoFixtures.config(DIM);
    List<ItemTuningInput> items = PromoFixtures.items(16, DIM, c.k(), 31);
    try (PromptTuner tuner = new PromptTuner(PromoFixtures.globals(c, 33), c.withLambdas(0f, 0f), 1f,
        Device.cpu())) {
      PromptTuner.Result first = tuner.tune(items, 1);
      List<ItemTuningInput> cur = new ArrayList<>(items);
      PromptTuner.Result r = first;
      for (int round = 0; round < 30; round++) {
        for (int i = 0; i < cur.size(); i++) {
          cur.set(i, withState(cur.get(i), r.states().get(i)));
        }
        r = tuner.tune(cur, 1);
      }
      org.junit.jupiter.api.Assertions.assertTrue(r.rec() < first.rec(), first.rec() + " -> " + r.rec());
    }
  }

  @Test
  void stateSerializationIsCompactAndVersioned() {
    PromptState s = new PromptState(new float[] {1, 2}, new float[] {3, 4}, new float[] {5, 6}, 7);
    byte[] b = s.toBytes();
    assertEquals(PromptState.serializedSize(2), b.length);
    assertEquals(1 + 2 + 4 + 24, b.length);
    assertEquals(s, PromptState.fromBytes(b));
    b[0] = 9;
    byte[] bad = b;
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> PromptState.fromBytes(bad));
  }

  private static ItemTuningInput withState(ItemTuningInput it, PromptState s) {
    return new ItemTuningInput(it.itemId(), it.base(), it.pinnacle(), it.negatives(), it.sampleUsers(), it.labels(),
        it.sampleSelf(), it.warmScore(), s);
  }

  private static NamedTensors copy(NamedTensors t) {
    NamedTensors out = new NamedTensors();
    for (var e : t.all().entrySet()) {
      out.put(e.getKey(), e.getValue().shape(), e.getValue().data().clone());
    }
    return out;
  }

  private static void assertClose(float[] a, float[] b, double tol) {
    assertEquals(a.length, b.length);
    for (int k = 0; k < a.length; k++) {
      assertEquals(a[k], b[k], tol * Math.max(1, Math.abs(a[k])), "index " + k);
    }
  }

  /** With the base's mean user vector in the globals, tuning moves an item only in directions orthogonal to it. */
  @Test
  void keepingTheItemPartLeavesTheMeanScoreOverUsersWhereTheBasePutIt() {
    PromoConfig c = PromoFixtures.config(DIM).withItemPartKept(true);
    float[] mean = new float[DIM];
    for (int j = 0; j < DIM; j++) {
      mean[j] = 0.3f + 0.05f * j;
    }
    NamedTensors g = PromoFixtures.globals(c, 41);
    g.put(PromoGlobals.USER_MEAN, new long[] {DIM}, mean);
    List<ItemTuningInput> items = PromoFixtures.items(8, DIM, c.k(), 43);
    try (PromptTuner tuner = new PromptTuner(g, c, 1f, Device.cpu())) {
      PromptTuner.Result r = tuner.tune(items, 3);
      for (int i = 0; i < items.size(); i++) {
        double before = 0;
        double after = 0;
        double moved = 0;
        for (int j = 0; j < DIM; j++) {
          before += items.get(i).base()[j] * mean[j];
          after += r.embeddings()[i][j] * mean[j];
          moved += Math.abs(r.embeddings()[i][j] - items.get(i).base()[j]);
        }
        assertEquals(before, after, 1e-4, "item " + i + ": the mean score over users is the base's");
        assertTrue(moved > 1e-3, "but the embedding moved");
      }
    }
  }

  /** The residual gate scales PROMO's change of the embedding and nothing else; no gate is a gate of one. */
  @Test
  void theGateScalesTheChangeFromTheBaseEmbedding() {
    PromoConfig c = PromoFixtures.config(DIM);
    NamedTensors g = PromoFixtures.globals(c, 51);
    List<ItemTuningInput> items = PromoFixtures.items(6, DIM, c.k(), 53);
    float[][] full;
    try (PromptTuner tuner = new PromptTuner(g, c, 1f, Device.cpu())) {
      full = tuner.embed(items);
    }
    NamedTensors one = copy(g);
    one.put(PromoGlobals.GATE, new long[] {1}, new float[] {1f});
    NamedTensors quarter = copy(g);
    quarter.put(PromoGlobals.GATE, new long[] {1}, new float[] {0.25f});
    try (PromptTuner atOne = new PromptTuner(one, c, 1f, Device.cpu());
         PromptTuner atQuarter = new PromptTuner(quarter, c, 1f, Device.cpu())) {
      float[][] gatedOne = atOne.embed(items);
      float[][] gatedQuarter = atQuarter.embed(items);
      for (int i = 0; i < items.size(); i++) {
        float[] base = items.get(i).base();
        float[] expected = new float[DIM];
        double change = 0;
        for (int j = 0; j < DIM; j++) {
          expected[j] = base[j] + 0.25f * (full[i][j] - base[j]);
          change += Math.abs(full[i][j] - base[j]);
        }
        assertTrue(change > 1e-3, "item " + i + " moved away from its base embedding");
        assertClose(full[i], gatedOne[i], 1e-6);
        assertClose(expected, gatedQuarter[i], 1e-5);
      }
    }
  }
}
