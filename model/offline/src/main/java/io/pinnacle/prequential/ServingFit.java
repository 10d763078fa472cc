package io.pinnacle.prequential;

import io.pinnacle.targeting.TargetingStats;
import io.pinnacle.tuning.ServedSource;
import io.pinnacle.tuning.ServingTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fits the serving table on a validation replay's prequential result (a base and PROMO globals trained up to T_v,
 * the stream (T_v, T]): per group (NEW, COLD) and bucket of positives, each source's row served alone is scored by
 * its targeting AUC plus its placement HR@10 on the same positives (targeting says whether the item reaches its
 * likers rather than its rejecters, placement whether it reaches a liker's top 10 at all). The anchor (the
 * parameter-free co-liked anchor, what the rest is built on) is served unless another source scores at least
 * {@link #MARGIN} above it: a validation cell holds tens of items, and chasing its noise costs more than it gains. A
 * source whose row costs warm items' placement more than {@link #WARM_BUDGET} against the static base is not
 * eligible. A cell with fewer than {@link #MIN_ITEMS} items takes its group's choice over all buckets, and a group
 * with fewer, the anchor.
 */
public final class ServingFit {
  /** Cells with fewer items than this are too noisy to fit alone. */
  public static final int MIN_ITEMS = 10;
  /** Warm placement HR@10 a source may cost against the static base: one point, the budget the leave-one-out selection gives. */
  public static final double WARM_BUDGET = 0.01;
  /** Score (AUC + HR@10) by which a source must beat the anchor to replace it in a cell. */
  public static final double MARGIN = 0.01;
  /** The incumbent first, then the method, the other parameter-free rows, the plain start last. */
  static final ServedSource[] ORDER = {ServedSource.ANCHOR, ServedSource.PROMO, ServedSource.POSTERIOR,
      ServedSource.CO_LIKED, ServedSource.USERS_SCALED, ServedSource.USERS, ServedSource.START};

  private ServingFit() {}

  /** One cell's evidence: every source's targeting AUC and placement HR@10, and what was chosen (and why). */
  public record Cell(String group, String bucket, int items, Map<String, Double> auc, Map<String, Double> hr10,
                     String chosen, String reason) {}

  public record Fit(ServingTable table, List<Cell> cells, List<String> ineligible, Map<String, Double> warmCost) {
    public Map<String, Object> json() {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("rule", "the anchor unless a source's targeting AUC + placement HR@10 is " + MARGIN + " higher; cells "
          + "under " + MIN_ITEMS + " items take their group's choice, groups under it the anchor; warm placement "
          + "budget " + WARM_BUDGET);
      out.put("warmPlacementCost", warmCost);
      out.put("table", table.toString());
      out.put("ineligible", ineligible);
      out.put("cells", cells);
      return out;
    }

    public String markdown() {
      StringBuilder md = new StringBuilder("| group | bucket | items | ");
      for (ServedSource s : ORDER) {
        md.append(s.label()).append(" AUC / HR@10 | ");
      }
      md.append("chosen |\n|---|---|---|");
      md.append("---|".repeat(ORDER.length)).append("---|\n");
      for (Cell c : cells) {
        md.append(String.format(Locale.ROOT, "| %s | %s | %d | ", c.group(), c.bucket(), c.items()));
        for (ServedSource s : ORDER) {
          Double a = c.auc().get(s.label());
          Double h = c.hr10().get(s.label());
          md.append(a == null ? "-" : String.format(Locale.ROOT, "%.3f", a)).append(" / ")
              .append(h == null ? "-" : String.format(Locale.ROOT, "%.3f", h)).append(" | ");
        }
        md.append(c.chosen()).append(c.reason().isEmpty() ? "" : " (" + c.reason() + ")").append(" |\n");
      }
      md.append("\nWarm placement HR@10 cost against the static base, every NEW and COLD item served from one "
          + "source: ");
      warmCost.forEach((k, v) -> md.append(String.format(Locale.ROOT, "%s %+.3f; ", k, v)));
      md.append(ineligible.isEmpty() ? "all eligible" : "not eligible (over " + WARM_BUDGET + "): "
          + String.join(", ", ineligible)).append('\n');
      md.append("\nFitted table: `").append(table).append("`\n");
      return md.toString();
    }
  }

  /** Fits the table on a prequential result that has the servable rows ({@link PrequentialEvaluation#servableName}). */
  public static Fit fit(Map<String, Object> json) {
    PrequentialVerdict.Results r = new PrequentialVerdict.Results(json);
    List<String> ineligible = new ArrayList<>();
    Map<String, Double> warmCost = new LinkedHashMap<>();
    String base = r.withRole(PrequentialVerdict.STATIC_BASE);
    Map<String, Object> warm = r.placement("WARM|all");
    for (ServedSource s : ORDER) {
      if (warm != null && base != null) {
        double cost = r.hr10(warm, base) - r.hr10(warm, PrequentialEvaluation.servableName(s));
        warmCost.put(s.label(), cost);
        if (cost > WARM_BUDGET && s != ServedSource.START) { // the start is the static base itself
          ineligible.add(s.label());
        }
      }
    }
    String[] groups = {"NEW", "COLD"};
    ServedSource[][] pooled = new ServedSource[2][];
    List<Cell> cells = new ArrayList<>();
    ServedSource[] groupChoice = new ServedSource[2];
    for (int g = 0; g < 2; g++) {
      Cell all = cell(r, groups[g], "all", ineligible);
      if (all != null && all.items() >= MIN_ITEMS) {
        cells.add(all);
        groupChoice[g] = ServedSource.parse(all.chosen());
      } else {
        groupChoice[g] = ServedSource.ANCHOR;
        cells.add(new Cell(groups[g], "all", all == null ? 0 : all.items(), all == null ? Map.of() : all.auc(),
            all == null ? Map.of() : all.hr10(), ServedSource.ANCHOR.label(), "too few items: the anchor"));
      }
    }
    for (int g = 0; g < 2; g++) {
      pooled[g] = new ServedSource[ServingTable.BUCKETS];
      for (int b = 0; b < ServingTable.BUCKETS; b++) {
        Cell c = cell(r, groups[g], TargetingStats.BUCKETS[b], ineligible);
        if (c == null || c.items() < MIN_ITEMS) {
          pooled[g][b] = groupChoice[g];
          cells.add(new Cell(groups[g], TargetingStats.BUCKETS[b], c == null ? 0 : c.items(),
              c == null ? Map.of() : c.auc(), c == null ? Map.of() : c.hr10(), groupChoice[g].label(),
              "too few items: the group's choice"));
        } else {
          pooled[g][b] = ServedSource.parse(c.chosen());
          cells.add(c);
        }
      }
    }
    return new Fit(new ServingTable(pooled[0], pooled[1]), cells, ineligible, warmCost);
  }

  /**
   * A row's score over every NEW and COLD positive: targeting AUC plus placement HR@10 per group, the groups weighted
   * by their targeting pairs (NaN when neither group has pairs).
   */
  public static double overall(Map<String, Object> json, String row) {
    PrequentialVerdict.Results r = new PrequentialVerdict.Results(json);
    double sum = 0;
    double weight = 0;
    for (String group : new String[] {"NEW", "COLD"}) {
      Map<String, Object> t = r.cell(group + "|all");
      Map<String, Object> p = r.placement(group + "|all");
      PairedAuc.Estimate a = t == null ? null : r.auc(group + "|all", row);
      if (a == null || p == null || Double.isNaN(r.hr10(p, row))) {
        continue;
      }
      double w = ((Number) t.get("pairs")).doubleValue();
      sum += w * (a.value() + r.hr10(p, row));
      weight += w;
    }
    return weight == 0 ? Double.NaN : sum / weight;
  }

  /** What is served in the end: the fitted table, or one source for every cell if that scored higher. */
  public record Choice(ServingTable table, double tableScore, Map<String, Double> uniformScores, String chosen) {}

  /**
   * Cells do not add up: a source chosen for some items changes the candidates every other item is ranked against.
   * So the fitted table is replayed on the same validation stream ({@code tableJson}, its served row the
   * reference) and compared with each eligible source served alone ({@code uniformJson}); the best overall score
   * is served, the table on ties.
   */
  public static Choice choose(Fit fit, Map<String, Object> uniformJson, Map<String, Object> tableJson) {
    double tableScore = overall(tableJson, (String) tableJson.get("reference"));
    Map<String, Double> uniform = new LinkedHashMap<>();
    ServingTable best = fit.table();
    double bestScore = Double.isNaN(tableScore) ? Double.NEGATIVE_INFINITY : tableScore;
    String chosen = "the fitted table";
    for (ServedSource s : ORDER) {
      double score = overall(uniformJson, PrequentialEvaluation.servableName(s));
      uniform.put(s.label(), score);
      if (!fit.ineligible().contains(s.label()) && score > bestScore + 1e-9) {
        bestScore = score;
        best = ServingTable.uniform(s);
        chosen = s.label() + " everywhere";
      }
    }
    return new Choice(best, tableScore, uniform, chosen);
  }

  private static Cell cell(PrequentialVerdict.Results r, String group, String bucket, List<String> ineligible) {
    String key = group + "|" + bucket;
    Map<String, Object> t = r.cell(key);
    Map<String, Object> p = r.placement(key);
    if (t == null || p == null) {
      return null;
    }
    int items = ((Number) t.get("items")).intValue();
    Map<String, Double> auc = new LinkedHashMap<>();
    Map<String, Double> hr = new LinkedHashMap<>();
    ServedSource best = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (ServedSource s : ORDER) {
      String row = PrequentialEvaluation.servableName(s);
      PairedAuc.Estimate a = r.auc(key, row);
      double h = r.hr10(p, row);
      if (a == null || Double.isNaN(h)) {
        continue;
      }
      auc.put(s.label(), a.value());
      hr.put(s.label(), h);
      double score = a.value() + h;
      // The anchor is first and eligible-or-not the incumbent bar; any other source must clear it by the margin.
      double bar = best == null ? Double.NEGATIVE_INFINITY : bestScore + (best == ServedSource.ANCHOR ? MARGIN : 1e-9);
      if (!ineligible.contains(s.label()) && score > bar) {
        bestScore = score;
        best = s;
      }
    }
    if (best == null) {
      return null;
    }
    return new Cell(group, bucket, items, auc, hr, best.label(), "");
  }
}
