package io.pinnacle.report;

import io.pinnacle.eval.Evaluation;
import io.pinnacle.eval.MetricSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code evaluate}'s results told briefly and drawn: the verdict (the best row for cold users against the base, and
 * its cost to warm users), and HR@10 / NDCG@10 per model for cold, all and warm users.
 */
public final class ColdStartReport {
  /** The prefix of the rows that know nothing of taste. */
  private static final String NO_TASTE = "no taste: ";

  private ColdStartReport() {}

  /**
   * The first row is the base; the verdict names the method with the best cold-user HR@10 and what it costs warm
   * users, and shows where the rows that know nothing of taste land.
   */
  public static List<String> verdict(List<Evaluation> test) {
    List<String> out = new ArrayList<>();
    if (test.isEmpty()) {
      return out;
    }
    Evaluation base = test.get(0);
    Evaluation best = base;
    for (Evaluation e : test) {
      if (!e.model().startsWith(NO_TASTE) && !Double.isNaN(e.cold().hr10()) && e.cold().hr10() > best.cold().hr10()) {
        best = e;
      }
    }
    out.add(String.format(Locale.ROOT, "cold users  %d test users whose test item is cold; HR@10 against 100 sampled "
        + "negatives (random ranking: 0.099)", base.cold().users()));
    out.add(String.format(Locale.ROOT, "  base      %s: cold HR@10 %.3f, all %.3f, warm %.3f", base.model(),
        base.cold().hr10(), base.all().hr10(), base.warm().hr10()));
    if (best != base) {
      out.add(String.format(Locale.ROOT, "  best      %s: cold HR@10 %.3f (%+.1f pt vs base); its cost to warm users "
              + "%+.1f pt (warm HR@10 %.3f)", best.model(), best.cold().hr10(),
          100 * (best.cold().hr10() - base.cold().hr10()), 100 * (best.warm().hr10() - base.warm().hr10()),
          best.warm().hr10()));
    } else {
      out.add("  best      no row beats the base for cold users");
    }
    List<String> tasteless = new ArrayList<>();
    for (Evaluation e : test) {
      if (e.model().startsWith(NO_TASTE)) {
        tasteless.add(String.format(Locale.ROOT, "%s %.3f", e.model().substring(NO_TASTE.length()), e.cold().hr10()));
      }
    }
    if (!tasteless.isEmpty()) {
      out.add("  no taste  rows that know nothing of taste, cold HR@10: " + String.join("; ", tasteless));
    }
    return out;
  }

  public static void addTo(HtmlReport report, List<Evaluation> test, Map<String, MetricSet> reference) {
    List<String> models = new ArrayList<>();
    for (Evaluation e : test) {
      models.add(e.model());
    }
    for (String metric : List.of("HR@10", "NDCG@10")) {
      boolean hr = metric.startsWith("HR");
      double[] cold = new double[test.size()];
      double[] all = new double[test.size()];
      double[] warm = new double[test.size()];
      for (int i = 0; i < test.size(); i++) {
        Evaluation e = test.get(i);
        cold[i] = hr ? e.cold().hr10() : e.cold().ndcg10();
        all[i] = hr ? e.all().hr10() : e.all().ndcg10();
        warm[i] = hr ? e.warm().hr10() : e.warm().ndcg10();
      }
      report.chart(Chart.categorical(metric + " by model (test stage)", "model", metric, models,
          List.of(Chart.Series.of("cold users", cold), Chart.Series.of("all users", all),
              Chart.Series.of("warm users", warm)), "the first model is the base; cold users are those whose test "
              + "item is cold").asPoints());
    }
    report.folded("The full table (Markdown)", ColdStartTable.markdown(test, reference));
  }
}
