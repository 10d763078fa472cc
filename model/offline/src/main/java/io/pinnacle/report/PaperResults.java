package io.pinnacle.report;

import io.pinnacle.eval.MetricSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reference numbers shown beside ours: the PROMO paper's Table 2 (cold-start test users; HR@5, HR@10, NDCG@5,
 * NDCG@10 in percent) and the PROMO authors' code measured on our KuaiRand subset (shared/reference/peer-results.md,
 * HR@10 and NDCG@10 only).
 */
public final class PaperResults {
  private PaperResults() {}

  public static Map<String, MetricSet> forDataset(String dataset) {
    Map<String, MetricSet> rows = new LinkedHashMap<>();
    switch (dataset) {
      case "ml-100k" -> {
        rows.put("paper: Pre-train", pct(14.6, 26.2, 9.3, 13.3));
        rows.put("paper: Fine-tune", pct(17.4, 28.2, 10.7, 14.2));
        rows.put("paper: SASRec", pct(17.4, 30.2, 10.8, 14.9));
        rows.put("paper: PROMO", pct(33.7, 43.3, 25.5, 28.6));
      }
      case "kuairand" -> {
        rows.put("paper: Pre-train", pct(13.3, 25.8, 7.9, 11.9));
        rows.put("paper: Fine-tune", pct(24.9, 47.5, 16.6, 32.5));
        rows.put("paper: SASRec", pct(82.5, 89.3, 70.5, 72.7));
        rows.put("paper: PROMO", pct(88.7, 92.6, 80.3, 81.6));
        rows.put("authors' code on our subset: SASRec", new MetricSet(1020, Double.NaN, 0.446, Double.NaN, 0.247));
        rows.put("authors' code on our subset: DSSM backbone",
            new MetricSet(1020, Double.NaN, 0.283, Double.NaN, 0.143));
        rows.put("authors' code on our subset: PROMO", new MetricSet(1020, Double.NaN, 0.339, Double.NaN, 0.174));
      }
      default -> { }
    }
    return rows;
  }

  private static MetricSet pct(double h5, double h10, double n5, double n10) {
    return new MetricSet(0, h5 / 100, h10 / 100, n5 / 100, n10 / 100);
  }
}
