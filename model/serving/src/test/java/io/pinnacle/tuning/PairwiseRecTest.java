package io.pinnacle.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.pinnacle.base.NamedTensors;
import io.pinnacle.djl.DjlRuntime;
import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.prompt.PromoForward;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The stream task's L_rec: each positive sample above each negative one of the same item, by margins over the
 * sample user's mean score on the batch's items, checked against the sum written out by hand from the forward
 * pass's own embeddings and logits.
 */
class PairwiseRecTest {
  private static final int DIM = 6;

  @Test
  void pairwiseRecIsTheMeanSoftplusOfMarginDifferencesOverPairs() {
    DjlRuntime.init();
    PromoConfig c = PromoFixtures.config(DIM).withPairwiseRec(true);
    NamedTensors g = PromoFixtures.globals(c, 3);
    List<ItemTuningInput> items = PromoFixtures.items(5, DIM, c.k(), 21);
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> params = new HashMap<>();
      for (var e : g.all().entrySet()) {
        params.put(e.getKey(), m.create(e.getValue().data(), new Shape(e.getValue().shape())));
      }
      PromoForward.Inputs in = ItemBatch.pack(m, items, DIM, c.k());
      float[] prompts = new float[items.size() * DIM];
      for (int i = 0; i < items.size(); i++) {
        System.arraycopy(items.get(i).state().prompt(), 0, prompts, i * DIM, DIM);
      }
      float tau = 0.7f;
      PromoForward.Outputs o = PromoForward.run(params, m.create(prompts, new Shape(items.size(), DIM)), in, c, tau);
      float[] emb = o.embedding().toFloatArray();
      float[] logits = o.logits().toFloatArray();
      int r = (int) o.logits().getShape().get(1);
      float[] rec = o.rec().toFloatArray();
      for (int i = 0; i < items.size(); i++) {
        ItemTuningInput it = items.get(i);
        int n = it.samples();
        double[] margin = new double[n];
        for (int s = 0; s < n; s++) {
          double mean = 0;
          for (int j = 0; j < items.size(); j++) {
            double dot = 0;
            for (int k = 0; k < DIM; k++) {
              dot += it.sampleUsers()[s][k] * emb[j * DIM + k];
            }
            mean += dot / tau / items.size();
          }
          margin[s] = logits[i * r + s] - mean;
        }
        double sum = 0;
        int pairs = 0;
        for (int a = 0; a < n; a++) {
          for (int b = 0; b < n; b++) {
            if (it.labels()[a] == 1f && it.labels()[b] == 0f) {
              sum += Math.log1p(Math.exp(-(margin[a] - margin[b])));
              pairs++;
            }
          }
        }
        assertEquals(pairs == 0 ? 0 : sum / pairs, rec[i], 1e-4, "item " + i);
      }
    }
  }
}
