package io.pinnacle.report;

import io.pinnacle.eval.Evaluation;
import io.pinnacle.eval.MetricSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The Markdown table printed by {@code evaluate}: our rows on the test stage, then the reference rows. */
public final class ColdStartTable {
  private ColdStartTable() {}

  public static String markdown(List<Evaluation> ours, Map<String, MetricSet> reference) {
    StringBuilder sb = new StringBuilder();
    // The first row is the base: every other row's cost to all and to warm users is read against it.
    Evaluation base = ours.isEmpty() ? null : ours.get(0);
    sb.append("| model | cold users | cold HR@5 | cold HR@10 | cold NDCG@5 | cold NDCG@10 | all HR@10 | all NDCG@10 "
        + "| warm HR@10 | all HR@10 vs " + (base == null ? "base" : base.model()) + " | warm HR@10 vs base |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Evaluation e : ours) {
      MetricSet c = e.cold();
      sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", e.model(),
          c.users(), f(c.hr5()), f(c.hr10()), f(c.ndcg5()), f(c.ndcg10()), f(e.all().hr10()), f(e.all().ndcg10()),
          f(e.warm().hr10()), points(e.all().hr10() - base.all().hr10()),
          points(e.warm().hr10() - base.warm().hr10())));
    }
    for (Map.Entry<String, MetricSet> r : reference.entrySet()) {
      MetricSet c = r.getValue();
      sb.append(String.format("| %s | %s | %s | %s | %s | %s | | | | | |%n", r.getKey(),
          c.users() == 0 ? "" : Integer.toString(c.users()), f(c.hr5()), f(c.hr10()), f(c.ndcg5()), f(c.ndcg10())));
    }
    return sb.toString();
  }

  /** A difference of rates in points (hundredths), signed. */
  private static String points(double d) {
    return Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%+.1f pt", 100 * d);
  }

  private static String f(double v) {
    return Double.isNaN(v) ? "" : String.format("%.3f", v);
  }
}
