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
 * the stream (T_v, T]): which source NEW items are served from and which COLD items are (a pair). Each source served
 * alone is scored per group by its targeting AUC plus its placement HR@10 on the same positives (targeting says
 * whether the item reaches its likers rather than its rejecters, placement whether it reaches a liker's top 10 at
 * all). A group's choice is the anchor (the parameter-free co-liked anchor, what the rest is built on) unless another
 * source scores at least {@link #MARGIN} above it; a group with fewer than {@link #MIN_ITEMS} items keeps the anchor.
 * Buckets of positives are shown, not fitted: a validation bucket holds a few dozen items.
 *
 * <p>Every group pays for what the others are served: an item that rises in a user's ranking pushes another down.
 * So no group the static base has embeddings for may be placed worse than it places them: a pair's placement HR@10
 * of warm and COLD items may each fall below the static base's by at most the group's budget (NEW items' placement
 * is in the score, see {@link #excess}): {@link #PLACEMENT_BUDGET}, or the
 * standard error of the static base's HR@10 on the group's validation positives when that is larger (a cost the
 * replay cannot tell from zero is no reason to refuse a table). A source is eligible for a group when serving it to
 * that group alone (the other group at its start) keeps warm placement within the budget; in the end
 * ({@link #choose}) every pair competes on the whole validation stream.
 */
public final class ServingFit {
  /** Cells with fewer items than this are too noisy to fit alone. */
  public static final int MIN_ITEMS = 10;
  /**
   * Placement HR@10 a table may cost a group against the static base at least (one point, the budget the
   * leave-one-out selection gives); more where the validation replay's own standard error is larger.
   */
  public static final double PLACEMENT_BUDGET = 0.01;
  /** Score (AUC + HR@10) by which a source must beat the anchor in a group, and a pair the fitted pair. */
  public static final double MARGIN = 0.01;
  /** The incumbent first, then the method, the other parameter-free rows, the plain start last. */
  static final ServedSource[] ORDER = {ServedSource.ANCHOR, ServedSource.PROMO, ServedSource.POSTERIOR,
      ServedSource.CO_LIKED, ServedSource.CO_LIKED_SCALED, ServedSource.USERS_SCALED, ServedSource.USERS,
      ServedSource.START};
  static final String[] GROUPS = {"NEW", "COLD"};
  /** The groups whose placement a pair may not cost beyond the budget: the static base serves their own embeddings. */
  static final String[] CONSTRAINED = {"WARM", "COLD"};

  private ServingFit() {}

  /** One cell's evidence: every source's targeting AUC and placement HR@10, and what was chosen (and why). */
  public record Cell(String group, String bucket, int items, Map<String, Double> auc, Map<String, Double> hr10,
                     String chosen, String reason) {}

  /**
   * The fitted pair, its cells, and per group the warm placement cost of each source served to that group alone
   * and the sources over the budget there.
   */
  public record Fit(ServingTable table, List<Cell> cells, Map<String, List<String>> ineligible,
                    Map<String, Map<String, Double>> warmCost) {
    public Map<String, Object> json() {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("rule", "per group the anchor unless a source's targeting AUC + placement HR@10 is " + MARGIN
          + " higher (groups under " + MIN_ITEMS + " items: the anchor); buckets read, not fitted; among every pair, "
          + "the fitted one unless another scores " + MARGIN + " higher; placement budget against the static base "
          + "for warm and COLD items: " + PLACEMENT_BUDGET + " or the static base's standard error");
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
      md.append("\nWarm placement HR@10 cost against the static base of each source served to one group (the other "
          + "at its start):\n");
      for (String g : GROUPS) {
        md.append("- ").append(g).append(": ");
        warmCost.getOrDefault(g, Map.of()).forEach((k, v) -> md.append(String.format(Locale.ROOT, "%s %+.3f; ", k,
            v)));
        List<String> out = ineligible.getOrDefault(g, List.of());
        md.append(out.isEmpty() ? "all eligible" : "not eligible (over the warm budget): " + String.join(", ",
            out)).append('\n');
      }
      md.append("\nFitted pair: `").append(table).append("`\n");
      return md.toString();
    }
  }

  /** Fits the table on a prequential result that has the servable rows ({@link PrequentialEvaluation#servableName}). */
  public static Fit fit(Map<String, Object> json) {
    PrequentialVerdict.Results r = new PrequentialVerdict.Results(json);
    Map<String, List<String>> ineligible = new LinkedHashMap<>();
    Map<String, Map<String, Double>> warmCost = new LinkedHashMap<>();
    for (String g : GROUPS) {
      List<String> out = new ArrayList<>();
      Map<String, Double> cost = new LinkedHashMap<>();
      for (ServedSource s : ORDER) {
        double c = warmCost(r, g.equals("NEW") ? PrequentialEvaluation.pairName(s, ServedSource.START)
            : PrequentialEvaluation.pairName(ServedSource.START, s), PrequentialEvaluation.servableName(s));
        if (Double.isNaN(c)) {
          continue;
        }
        cost.put(s.label(), c);
        if (c > budget(r, "WARM")) {
          out.add(s.label());
        }
      }
      warmCost.put(g, cost);
      ineligible.put(g, out);
    }
    List<Cell> cells = new ArrayList<>();
    ServedSource[] groupChoice = new ServedSource[2];
    for (int g = 0; g < 2; g++) {
      Cell all = cell(r, GROUPS[g], "all", ineligible.get(GROUPS[g]));
      if (all != null && all.items() >= MIN_ITEMS) {
        cells.add(all);
        groupChoice[g] = ServedSource.parse(all.chosen());
      } else {
        groupChoice[g] = ServedSource.ANCHOR;
        cells.add(new Cell(GROUPS[g], "all", all == null ? 0 : all.items(), all == null ? Map.of() : all.auc(),
            all == null ? Map.of() : all.hr10(), ServedSource.ANCHOR.label(), "too few items: the anchor"));
      }
    }
    // Buckets are read, not fitted: a validation bucket holds a few dozen items, and a table fitted per bucket
    // chased their noise (it won on validation and lost warm placement after T).
    for (int g = 0; g < 2; g++) {
      for (int b = 0; b < ServingTable.BUCKETS; b++) {
        Cell c = cell(r, GROUPS[g], TargetingStats.BUCKETS[b], ineligible.get(GROUPS[g]));
        cells.add(new Cell(GROUPS[g], TargetingStats.BUCKETS[b], c == null ? 0 : c.items(),
            c == null ? Map.of() : c.auc(), c == null ? Map.of() : c.hr10(), "-", "read, not fitted"));
      }
    }
    return new Fit(ServingTable.pair(groupChoice[0], groupChoice[1]), cells, ineligible, warmCost);
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

  /**
   * Warm placement HR@10 of the static base minus the row's ({@code fallback}'s when the row was not measured);
   * NaN when neither was.
   */
  private static double warmCost(PrequentialVerdict.Results r, String row, String fallback) {
    Map<String, Object> warm = r.placement("WARM|all");
    String base = r.withRole(PrequentialVerdict.STATIC_BASE);
    if (warm == null || base == null) {
      return Double.NaN;
    }
    double h = r.hr10(warm, row);
    if (Double.isNaN(h)) {
      h = r.hr10(warm, fallback);
    }
    return r.hr10(warm, base) - h;
  }

  /**
   * One table the final choice weighed: its score on the whole validation stream and what it costs each group's
   * placement HR@10 against the static base (WARM, COLD, NEW; NaN where a group was not measured).
   */
  public record Candidate(String name, ServingTable table, double score, Map<String, Double> placementCost,
                          boolean eligible) {}

  /** What is served in the end, and every candidate it was chosen among. */
  public record Choice(ServingTable table, String chosen, double score, List<Candidate> candidates,
                       Map<String, Double> budget) {
    /** The candidates as the fit's evidence and report print them. */
    public String markdown() {
      StringBuilder md = new StringBuilder("| candidate | score (AUC + HR@10) | placement cost WARM / COLD / NEW "
          + "| eligible |\n|---|---|---|---|\n");
      for (Candidate c : candidates) {
        md.append(String.format(Locale.ROOT, "| %s | %.4f | %+.3f / %+.3f / %+.3f | %s |%n", c.name(), c.score(),
            c.placementCost().get("WARM"), c.placementCost().get("COLD"), c.placementCost().get("NEW"),
            c.eligible() ? "yes" : "no"));
      }
      md.append(String.format(Locale.ROOT, "%nPlacement budgets (at least %.2f, else the static base's standard "
          + "error): WARM %.3f, COLD %.3f, NEW %.3f%n", PLACEMENT_BUDGET, budget.get("WARM"), budget.get("COLD"),
          budget.get("NEW")));
      md.append(String.format(Locale.ROOT, "%nServed: %s (%.4f), `%s`%n", chosen, score, table));
      return md.toString();
    }
  }

  /**
   * Groups do not add up: what NEW items are served changes the candidates COLD and warm items are ranked against,
   * and every group's placement. So every pair of one source for NEW and one for COLD items is weighed on the whole
   * validation stream (the servable rows and pairs of {@code json}, each exactly the pair's own replay) by the overall
   * score, within the placement budget of every group. The fitted pair (each group's choice) is the incumbent: another
   * pair replaces it only by {@link #MARGIN} or when the fitted pair is over the budget; the start everywhere (the
   * static base) when nothing is within it.
   */
  public static Choice choose(Fit fit, Map<String, Object> json) {
    List<Candidate> candidates = new ArrayList<>();
    PrequentialVerdict.Results u = new PrequentialVerdict.Results(json);
    Map<String, Double> budget = budgets(u);
    Candidate incumbent = null;
    for (ServedSource n : ORDER) {
      for (ServedSource c : ORDER) {
        String row = PrequentialEvaluation.pairName(n, c);
        double score = overall(json, row);
        if (Double.isNaN(score)) {
          continue; // a pair the replay did not measure
        }
        ServingTable t = ServingTable.pair(n, c);
        String name = n == c ? n.label() + " everywhere" : "NEW " + n.label() + ", COLD " + c.label();
        Candidate cand = candidate(name, t, score, placementCost(u, row), budget);
        candidates.add(cand);
        if (t.equals(fit.table())) {
          incumbent = cand;
        }
      }
    }
    Candidate best = incumbent != null && incumbent.eligible() ? incumbent : null;
    for (Candidate c : candidates) {
      double bar = best == null ? Double.NEGATIVE_INFINITY : best.score() + (best == incumbent ? MARGIN : 1e-9);
      if (c.eligible() && c.score() > bar) {
        best = c;
      }
    }
    if (best == null) {
      // Nothing within the budget: the pair that exceeds it least, so that the fit still serves what costs least.
      Candidate least = candidates.stream().min(java.util.Comparator.comparingDouble(
          (Candidate c) -> excess(c.placementCost(), budget)).thenComparingDouble(c -> -c.score())).orElseThrow();
      return new Choice(least.table(), least.name() + " (no pair within the placement budget: the least over it)",
          least.score(), candidates, budget);
    }
    return new Choice(best.table(), best.name() + (best == incumbent ? " (the fitted pair)" : ""), best.score(),
        candidates, budget);
  }

  private static Candidate candidate(String name, ServingTable t, double score, Map<String, Double> cost,
                                     Map<String, Double> budget) {
    return new Candidate(name, t, score, cost, excess(cost, budget) <= 0);
  }

  /**
   * How far the worst constrained group's placement cost is over its budget (at most 0: within). NEW items are not
   * constrained: the static base has no embedding for them, and its placement of them is that of a zero vector or a
   * content start (on KuaiRand a zero vector outranks most items, whose scores are negative, and places 0.87 of
   * them), not a bar of taste; their placement is part of every candidate's score instead.
   */
  private static double excess(Map<String, Double> cost, Map<String, Double> budget) {
    double worst = Double.NEGATIVE_INFINITY;
    for (String g : CONSTRAINED) {
      Double c = cost.get(g);
      if (c != null && !c.isNaN()) {
        worst = Math.max(worst, c - budget.get(g));
      }
    }
    return worst;
  }

  private static Map<String, Double> budgets(PrequentialVerdict.Results r) {
    Map<String, Double> b = new LinkedHashMap<>();
    for (String g : new String[] {"WARM", "COLD", "NEW"}) {
      b.put(g, budget(r, g));
    }
    return b;
  }

  /**
   * A group's placement budget on a replay: {@link #PLACEMENT_BUDGET}, or the binomial standard error of the static
   * base's HR@10 over the group's positives there when larger.
   */
  static double budget(PrequentialVerdict.Results r, String group) {
    Map<String, Object> p = r.placement(group + "|all");
    String base = r.withRole(PrequentialVerdict.STATIC_BASE);
    if (p == null || base == null) {
      return PLACEMENT_BUDGET;
    }
    double h = r.hr10(p, base);
    double n = ((Number) p.get("positives")).doubleValue();
    return n > 0 && Double.isFinite(h) ? Math.max(PLACEMENT_BUDGET, Math.sqrt(h * (1 - h) / n)) : PLACEMENT_BUDGET;
  }

  /** Per group (WARM, COLD, NEW): the static base's placement HR@10 minus the row's (NaN: not measured). */
  private static Map<String, Double> placementCost(PrequentialVerdict.Results r, String row) {
    Map<String, Double> cost = new LinkedHashMap<>();
    String base = r.withRole(PrequentialVerdict.STATIC_BASE);
    for (String g : new String[] {"WARM", "COLD", "NEW"}) {
      Map<String, Object> p = r.placement(g + "|all");
      cost.put(g, p == null || base == null ? Double.NaN : r.hr10(p, base) - r.hr10(p, row));
    }
    return cost;
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
