package io.pinnacle.prequential;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The prequential results in a few lines: per item group, the served embeddings (PROMO-stream) against the static
 * base and against the best baseline, as targeting AUC over all buckets with the paired 95% interval of the
 * difference and a plain word, beside the row that knows nothing of taste; then placement.
 */
public final class PrequentialVerdict {
  static final String REFERENCE = "reference";
  static final String STATIC_BASE = "static-base";
  static final String BASELINE = "baseline";
  static final String VARIANT = "variant";
  /** A source the serving table can choose, served alone: the served row must not lose to it. */
  static final String SERVABLE = "servable";
  static final String NO_INFORMATION = "no-information";
  static final String DIAGNOSTIC = "diagnostic";
  /** The placement row that knows nothing of taste: NEW and COLD items at the mean user direction, served norm. */
  static final String NORM_ONLY = "norm-only";

  private PrequentialVerdict() {}

  /** Fewer items than this and a bootstrap over items says little: the verdict does not give a word. */
  static final int MIN_ITEMS = 10;

  /** better / no different / worse, from the 95% interval of (served minus other) over {@code items} items. */
  public static String word(PairedAuc.Estimate servedMinusOther, int items) {
    if (items < MIN_ITEMS) {
      return "too few items to tell";
    }
    return servedMinusOther.lo() > 0 ? "better" : servedMinusOther.hi() < 0 ? "worse" : "no different";
  }

  /** The verdict's targeting and placement lines for a prequential result's JSON. */
  public static List<String> lines(Map<String, Object> json) {
    Results r = new Results(json);
    List<String> out = new ArrayList<>();
    out.add("targeting   AUC over all buckets, 95% interval; 0.5 = no information (served = " + r.reference()
        + (json.get("servingTable") == null ? "" : ", serving table " + json.get("servingTable")) + "):");
    for (String group : r.groups()) {
      String cell = group + "|all";
      PairedAuc.Estimate served = r.auc(cell, r.reference());
      if (served == null) {
        continue;
      }
      String label = group.equals("WARM") ? "WARM control" : group;
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-12s served %s", label, fmt(served)));
      int items = ((Number) r.cell(cell).get("items")).intValue();
      String base = r.withRole(STATIC_BASE);
      if (base != null && r.auc(cell, base) != null) {
        line.append(compare("static base", r.auc(cell, base), r.servedMinus(cell, base), items));
      }
      String best = r.bestBaseline(cell);
      if (best != null) {
        line.append(compare("best baseline (" + best + ")", r.auc(cell, best), r.servedMinus(cell, best), items));
      }
      String servable = r.bestWithRole(cell, SERVABLE);
      if (servable != null && !group.equals("WARM")) {
        line.append(compare("best servable (" + servable.replace("Servable: ", "") + ")", r.auc(cell, servable),
            r.servedMinus(cell, servable), items));
      }
      String none = r.withRole(NO_INFORMATION);
      if (none != null && r.auc(cell, none) != null) {
        line.append(String.format(Locale.ROOT, "; no information %.3f", r.auc(cell, none).value()));
      }
      line.append(String.format(Locale.ROOT, " (%s items, %s pairs)", r.cell(cell).get("items"),
          r.cell(cell).get("pairs")));
      out.add(line.toString());
    }
    List<String> placement = new ArrayList<>();
    for (String group : r.groups()) {
      Map<String, Object> p = r.placement(group + "|all");
      if (p == null) {
        continue;
      }
      String base = r.withRole(STATIC_BASE);
      String bestPlaced = null;
      for (String row : r.withRoles(SERVABLE)) {
        if (bestPlaced == null || r.hr10(p, row) > r.hr10(p, bestPlaced)) {
          bestPlaced = row;
        }
      }
      String direction = r.withRole(NORM_ONLY);
      placement.add(String.format(Locale.ROOT, "%s %.3f (static base %.3f%s%s)", group, r.hr10(p, r.reference()),
          base == null ? Double.NaN : r.hr10(p, base),
          bestPlaced == null || group.equals("WARM") ? "" : String.format(Locale.ROOT,
              ", best servable %.3f (%s, whose warm placement is %.3f)", r.hr10(p, bestPlaced),
              bestPlaced.replace("Servable: ", ""), r.placement("WARM|all") == null ? Double.NaN
                  : r.hr10(r.placement("WARM|all"), bestPlaced)),
          direction == null || group.equals("WARM") ? "" : String.format(Locale.ROOT, ", norm alone %.3f",
              r.hr10(p, direction))));
    }
    if (!placement.isEmpty()) {
      out.add("placement   HR@10 of the served embeddings against 100 untouched items: " + String.join(", ", placement));
    }
    List<String> reach = new ArrayList<>();
    for (String group : List.of("NEW", "COLD")) {
      Map<String, Object> c = r.reach(group + "|10|all");
      if (c == null) {
        continue;
      }
      String served = null;
      List<String> others = new ArrayList<>();
      String bestServable = null;
      double bestHit = Double.NEGATIVE_INFINITY;
      for (Map.Entry<String, Object> e : c.entrySet()) {
        if (!(e.getValue() instanceof Map<?, ?> row)) {
          continue;
        }
        PairedAuc.Estimate hit = (PairedAuc.Estimate) row.get("hitRate");
        PairedAuc.Estimate minus = (PairedAuc.Estimate) row.get("servedMinus");
        String text = minus == null ? null : String.format(Locale.ROOT, "%s %.3f, served minus it %+.3f [%+.3f, "
            + "%+.3f]", e.getKey().replace("Diagnostic: ", "").replace(" (streaming co-occurrence)", "")
            .replace("Servable: ", "best servable: "), hit.value(), minus.value(), minus.lo(), minus.hi());
        if (minus == null) {
          served = String.format(Locale.ROOT, "served %.3f", hit.value());
        } else if (e.getKey().startsWith("Servable: ")) {
          if (hit.value() > bestHit) {
            bestHit = hit.value();
            bestServable = text;
          }
        } else {
          others.add(text);
        }
      }
      if (bestServable != null) {
        others.add(bestServable);
      }
      reach.add(group + " " + served + " (" + String.join("; ", others) + ")");
    }
    if (!reach.isEmpty()) {
      out.add("reach       share of NEW / COLD likes whose item was in the liker's top 10 of the whole catalogue at "
          + "that moment: " + String.join("; ", reach));
    }
    return out;
  }

  private static String compare(String what, PairedAuc.Estimate other, PairedAuc.Estimate diff, int items) {
    return String.format(Locale.ROOT, "; vs %s %.3f: %s, %+.3f [%+.3f, %+.3f]", what, other.value(), word(diff, items),
        diff.value(), diff.lo(), diff.hi());
  }

  static String fmt(PairedAuc.Estimate e) {
    return String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", e.value(), e.lo(), e.hi());
  }

  /** Typed reading of the result's JSON map. */
  @SuppressWarnings("unchecked")
  static final class Results {
    private final Map<String, Object> json;

    Results(Map<String, Object> json) {
      this.json = json;
    }

    String reference() {
      return (String) json.get("reference");
    }

    Map<String, String> roles() {
      return (Map<String, String>) json.getOrDefault("roles", Map.of());
    }

    String withRole(String role) {
      for (Map.Entry<String, String> e : roles().entrySet()) {
        if (e.getValue().equals(role)) {
          return e.getKey();
        }
      }
      return null;
    }

    List<String> withRoles(String... roles) {
      List<String> out = new ArrayList<>();
      List<String> wanted = List.of(roles);
      roles().forEach((row, role) -> {
        if (wanted.contains(role)) {
          out.add(row);
        }
      });
      return out;
    }

    List<String> groups() {
      return Report.groups(targeting());
    }

    Map<String, Object> targeting() {
      return (Map<String, Object>) json.getOrDefault("targeting", Map.of());
    }

    Map<String, Object> cell(String cell) {
      return (Map<String, Object>) targeting().get(cell);
    }

    PairedAuc.Estimate auc(String cell, String row) {
      return field(cell, row, "auc");
    }

    /** The served row minus {@code row}, paired over the same items. */
    PairedAuc.Estimate servedMinus(String cell, String row) {
      return field(cell, row, "referenceMinusThis");
    }

    private PairedAuc.Estimate field(String cell, String row, String field) {
      Map<String, Object> c = cell(cell);
      if (c == null) {
        return null;
      }
      Map<String, Object> r = (Map<String, Object>) ((Map<String, Object>) c.get("rows")).get(row);
      return r == null ? null : (PairedAuc.Estimate) r.get(field);
    }

    /** The baseline with the highest AUC in the cell. */
    String bestBaseline(String cell) {
      return bestWithRole(cell, BASELINE);
    }

    /** The row of this role with the highest AUC in the cell. */
    String bestWithRole(String cell, String role) {
      String best = null;
      double bestAuc = Double.NEGATIVE_INFINITY;
      for (String row : withRoles(role)) {
        PairedAuc.Estimate e = auc(cell, row);
        if (e != null && e.value() > bestAuc) {
          bestAuc = e.value();
          best = row;
        }
      }
      return best;
    }

    Map<String, Object> reach(String cell) {
      return (Map<String, Object>) ((Map<String, Object>) json.getOrDefault("reach", Map.of())).get(cell);
    }

    Map<String, Object> placement(String cell) {
      return (Map<String, Object>) ((Map<String, Object>) json.getOrDefault("placement", Map.of())).get(cell);
    }

    double hr10(Map<String, Object> placementCell, String row) {
      Map<String, Double> r = (Map<String, Double>) ((Map<String, Object>) placementCell.get("rows")).get(row);
      return r == null ? Double.NaN : r.get("hr10");
    }

    double ndcg10(Map<String, Object> placementCell, String row) {
      Map<String, Double> r = (Map<String, Double>) ((Map<String, Object>) placementCell.get("rows")).get(row);
      return r == null ? Double.NaN : r.get("ndcg10");
    }
  }
}
