package io.pinnacle.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ItemIndexTest {

  private static float[] random(Random rnd, int d) {
    float[] v = new float[d];
    for (int k = 0; k < d; k++) {
      v[k] = (float) rnd.nextGaussian();
    }
    return v;
  }

  /** HNSW with inner product finds nearly all of the exact top 10, on vectors of unequal norms. */
  @Test
  void theGraphFindsTheExactTopByInnerProduct() throws Exception {
    Random rnd = new Random(7);
    try (ItemIndex index = new ItemIndex(16, 20)) {
      long g = -1;
      for (int i = 0; i < 3000; i++) {
        float[] v = random(rnd, 16);
        float scale = 0.5f + rnd.nextFloat() * 2;
        for (int k = 0; k < v.length; k++) {
          v[k] *= scale;
        }
        g = index.upsert(i, v, "WARM", 0L, "b", -1L);
      }
      assertTrue(index.awaitSearchable(g, 10_000));
      double found = 0;
      int queries = 100;
      for (int q = 0; q < queries; q++) {
        float[] u = random(rnd, 16);
        Set<Long> exact = new HashSet<>();
        index.exact(u, 10).forEach(h -> exact.add(h.item().itemId()));
        List<ItemIndex.Hit> approx = index.search(u, 10);
        assertEquals(10, approx.size());
        for (int j = 1; j < approx.size(); j++) {
          assertTrue(approx.get(j - 1).score() >= approx.get(j).score(), "best first");
        }
        found += approx.stream().filter(h -> exact.contains(h.item().itemId())).count();
      }
      double recall = found / (10.0 * queries);
      assertTrue(recall >= 0.9, "recall@10 " + recall);
    }
  }

  /** An update moves the item to its new place; an older or equal updateSeq is ignored. */
  @Test
  void aNewerUpdateReplacesTheItemAndAnOlderOneIsIgnored() throws Exception {
    try (ItemIndex index = new ItemIndex(2, 10)) {
      index.upsert(1, new float[] {1, 0}, "WARM", 0L, "b", -1L);
      index.upsert(2, new float[] {0, 1}, "WARM", 0L, "b", -1L);
      long g = index.upsert(2, new float[] {0, -1}, "COLD", 5L, "b", 100L);
      assertTrue(g >= 0);
      assertEquals(-1, index.upsert(2, new float[] {0, 3}, "COLD", 4L, "b", 90L), "older");
      assertEquals(-1, index.upsert(2, new float[] {0, 3}, "COLD", 5L, "b", 90L), "the same");
      assertTrue(index.awaitSearchable(g, 10_000));
      List<ItemIndex.Hit> top = index.search(new float[] {0, 1}, 2);
      assertEquals(List.of(1L, 2L), top.stream().map(h -> h.item().itemId()).toList());
      assertEquals(-1f, top.get(1).score(), 0f);
      assertEquals("COLD", index.get(2).phase());
      assertEquals(5L, index.get(2).updateSeq());
      assertEquals(2, index.size(), "one document per item");
    }
  }

  @Test
  void refusesAnEmbeddingOfTheWrongSizeOrNotFinite() throws Exception {
    try (ItemIndex index = new ItemIndex(2, 10)) {
      assertThrows(IllegalArgumentException.class, () -> index.upsert(1, new float[] {1}, "COLD", 1, "b", 0));
      assertThrows(IllegalArgumentException.class,
          () -> index.upsert(1, new float[] {1, Float.NaN}, "COLD", 1, "b", 0));
      assertEquals(0, index.size());
    }
  }
}
