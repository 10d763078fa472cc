package io.pinnacle.prequential;

import io.pinnacle.report.Chart;
import io.pinnacle.report.HtmlReport;
import io.pinnacle.targeting.TargetingStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The prequential results as report sections: per item group, targeting by bucket (the served row, the static base,
 * the baselines and the no-information row, each with its interval band) and placement by bucket; the full Markdown
 * tables folded beneath.
 */
public final class PrequentialReport {
  private PrequentialReport() {}

  public static void addTo(HtmlReport report, PrequentialEvaluation.Result result) {
    PrequentialVerdict.Results r = new PrequentialVerdict.Results(result.json());
    report.heading("Prequential quality: each positive scored before it is applied");
    report.paragraph("Targeting: the item is ranked by the user who liked it and by users of its next negatives; the "
        + "paired AUC is the share of pairs the liker wins (0.5 = no information). Placement: HR@10 of the positive "
        + "against 100 items the user had not touched. Buckets: the item's positives before the event. Bands: 95% "
        + "bootstrap intervals over items. Each chart shows the served embeddings (" + r.reference() + "), the static "
        + "base, the group's best baseline and the row that knows nothing of taste; every row, the other baselines, "
        + "variants and diagnostics included, is in the tables at the end of this section.");
    for (String group : r.groups()) {
      List<String> cols = columns(r, group);
      // The served row, the static base, the group's best baseline and the row without information; every other row
      // is in the tables below.
      List<String> rows = new ArrayList<>();
      rows.add(r.reference());
      for (String row : new String[] {r.withRole(PrequentialVerdict.STATIC_BASE), r.bestBaseline(group + "|all"),
          r.withRole(PrequentialVerdict.NO_INFORMATION)}) {
        if (row != null && !rows.contains(row)) {
          rows.add(row);
        }
      }
      List<Chart.Series> series = new ArrayList<>();
      for (String row : rows) {
        double[] y = new double[cols.size()];
        double[] lo = new double[cols.size()];
        double[] hi = new double[cols.size()];
        boolean any = false;
        for (int j = 0; j < cols.size(); j++) {
          PairedAuc.Estimate e = r.auc(group + "|" + cols.get(j), row);
          y[j] = e == null ? Double.NaN : e.value();
          lo[j] = e == null ? Double.NaN : e.lo();
          hi[j] = e == null ? Double.NaN : e.hi();
          any |= e != null;
        }
        if (any) {
          series.add(new Chart.Series(row, y, lo, hi));
        }
      }
      report.chart(Chart.categorical("Targeting, " + group + " items, by positives before the event",
          "positives before the event", "paired AUC", cols, series, counts(r, group, cols)));
      List<Chart.Series> placement = new ArrayList<>();
      for (String row : rows) {
        double[] y = new double[cols.size()];
        for (int j = 0; j < cols.size(); j++) {
          Map<String, Object> p = r.placement(group + "|" + cols.get(j));
          y[j] = p == null ? Double.NaN : r.hr10(p, row);
        }
        placement.add(Chart.Series.of(row, y));
      }
      report.chart(Chart.categorical("Placement, " + group + " items: HR@10 by positives before the event",
          "positives before the event", "HR@10", cols, placement, null));
    }
    report.folded("All prequential tables (Markdown)", result.markdown());
  }

  /** The live targeting measure: the job's estimator next to the same estimator on the offline replay. */
  public static void addLiveTargeting(HtmlReport report, Map<String, TargetingStats> sources) {
    List<String> cols = List.of(TargetingStats.BUCKETS);
    List<Chart.Series> series = new ArrayList<>();
    for (Map.Entry<String, TargetingStats> s : sources.entrySet()) {
      for (int g = 0; g < TargetingStats.GROUPS.length; g++) {
        double[] y = new double[cols.size()];
        for (int j = 0; j < cols.size(); j++) {
          y[j] = s.getValue().pairs(g, j) == 0 ? Double.NaN : s.getValue().auc(g, j);
        }
        series.add(Chart.Series.of(s.getKey() + ", " + TargetingStats.GROUPS[g], y));
      }
    }
    report.chart(Chart.categorical("Live targeting: the job's bounded estimator and its offline twin",
        "positives before the event", "AUC", cols, series, "the job pairs negatives with the embedding it had "
            + "served, the replay with the one after a flush before every evaluated positive"));
  }

  private static List<String> columns(PrequentialVerdict.Results r, String group) {
    List<String> cols = new ArrayList<>();
    for (String b : Buckets.LABELS) {
      if (r.cell(group + "|" + b) != null) {
        cols.add(b);
      }
    }
    return cols;
  }

  private static String counts(PrequentialVerdict.Results r, String group, List<String> cols) {
    StringBuilder s = new StringBuilder("items / pairs per bucket:");
    for (String c : cols) {
      Map<String, Object> cell = r.cell(group + "|" + c);
      s.append(' ').append(c).append(": ").append(cell.get("items")).append(" / ").append(cell.get("pairs")).append(';');
    }
    return s.substring(0, s.length() - 1);
  }
}
