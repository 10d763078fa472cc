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
 * the stream (T_v, T]): per group (NEW, COLD) and bucket of positives, the source whose row, served alone, has the
 * highest targeting AUC plus placement HR@10 (both measured on the same positives; targeting says whether the item
 * reaches its likers rather than its rejecters, placement whether it reaches a liker's top 10 at all). A source whose
 * row costs warm items' placement more than {@link #WARM_BUDGET} against the static base is not eligible. A cell with
 * fewer than {@link #MIN_ITEMS} items takes its group's choice over all buckets (and a group without any, the other
 * group's); ties go to the earlier source of {@link #ORDER}.
 */
public final class ServingFit {
  /** Cells with fewer items than this are too noisy to fit alone. */
  public static final int MIN_ITEMS = 10;
  /** Warm placement HR@10 a source may cost against the static base (the warm items' budget). */
  public static final double WARM_BUDGET = 0.005;
  /** Preference on ties: the method first, then the parameter-free rows, the plain start last. */
  static final ServedSource[] ORDER = {ServedSource.PROMO, ServedSource.ANCHOR, ServedSource.CO_LIKED,
      ServedSource.USERS, ServedSource.START};

  private ServingFit() {}

  /** One cell's evidence: every source's targeting AUC and placement HR@10, and what was chosen (and why). */
  public record Cell(String group, String bucket, int items, Map<String, Double> auc, Map<String, Double> hr10,
                     String chosen, String reason) {}

  public record Fit(ServingTable table, List<Cell> cells, List<String> ineligible) {
    public Map<String, Object> json() {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("rule", "max targeting AUC + placement HR@10 per cell; cells under " + MIN_ITEMS + " items take their "
          + "group's choice; warm placement budget " + WARM_BUDGET);
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
      if (!ineligible.isEmpty()) {
        md.append("\nNot eligible (warm placement cost over the budget): ").append(String.join(", ", ineligible))
            .append('\n');
      }
      md.append("\nFitted table: `").append(table).append("`\n");
      return md.toString();
    }
  }

  /** Fits the table on a prequential result that has the servable rows ({@link PrequentialEvaluation#servableName}). */
  public static Fit fit(Map<String, Object> json) {
    PrequentialVerdict.Results r = new PrequentialVerdict.Results(json);
    List<String> ineligible = new ArrayList<>();
    String base = r.withRole(PrequentialVerdict.STATIC_BASE);
    Map<String, Object> warm = r.placement("WARM|all");
    for (ServedSource s : ORDER) {
      if (warm != null && base != null) {
        double cost = r.hr10(warm, base) - r.hr10(warm, PrequentialEvaluation.servableName(s));
        if (cost > WARM_BUDGET) {
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
      if (all != null) {
        cells.add(all);
        groupChoice[g] = all.items() >= 1 ? ServedSource.parse(all.chosen()) : null;
      }
    }
    for (int g = 0; g < 2; g++) {
      if (groupChoice[g] == null) {
        groupChoice[g] = groupChoice[1 - g] != null ? groupChoice[1 - g] : ServedSource.PROMO;
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
    return new Fit(new ServingTable(pooled[0], pooled[1]), cells, ineligible);
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
      if (!ineligible.contains(s.label()) && score > bestScore + 1e-9) {
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
