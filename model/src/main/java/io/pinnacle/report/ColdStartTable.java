package io.pinnacle.report;

import io.pinnacle.eval.Evaluation;
import io.pinnacle.eval.MetricSet;
import java.util.List;
import java.util.Map;

/** The Markdown table printed by {@code evaluate}: our rows on the test stage, then the reference rows. */
public final class ColdStartTable {
  private ColdStartTable() {}

  public static String markdown(List<Evaluation> ours, Map<String, MetricSet> reference) {
    StringBuilder sb = new StringBuilder();
    sb.append("| model | cold users | cold HR@5 | cold HR@10 | cold NDCG@5 | cold NDCG@10 | all HR@10 | all NDCG@10 |\n");
    sb.append("|---|---|---|---|---|---|---|---|\n");
    for (Evaluation e : ours) {
      MetricSet c = e.cold();
      sb.append(String.format("| %s | %d | %s | %s | %s | %s | %s | %s |%n", e.model(), c.users(), f(c.hr5()),
          f(c.hr10()), f(c.ndcg5()), f(c.ndcg10()), f(e.all().hr10()), f(e.all().ndcg10())));
    }
    for (Map.Entry<String, MetricSet> r : reference.entrySet()) {
      MetricSet c = r.getValue();
      sb.append(String.format("| %s | %s | %s | %s | %s | %s | | |%n", r.getKey(),
          c.users() == 0 ? "" : Integer.toString(c.users()), f(c.hr5()), f(c.hr10()), f(c.ndcg5()), f(c.ndcg10())));
    }
    return sb.toString();
  }

  private static String f(double v) {
    return Double.isNaN(v) ? "" : String.format("%.3f", v);
  }
}
