package io.pinnacle.prequential;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Markdown tables of the prequential results: one targeting table per item group, then placement. */
final class Report {
  private Report() {}

  private static List<String> columns(Map<String, Object> cells, String group) {
    List<String> cols = new ArrayList<>();
    for (String b : Buckets.LABELS) {
      if (cells.containsKey(group + "|" + b)) {
        cols.add(b);
      }
    }
    if (cells.containsKey(group + "|all")) {
      cols.add("all");
    }
    return cols;
  }

  /** The item groups of the cells in the tables' order: NEW, its variants, COLD, its variants, WARM. */
  static List<String> groups(Map<String, Object> cells) {
    List<String> out = new ArrayList<>();
    for (String key : cells.keySet()) {
      String g = key.substring(0, key.indexOf('|'));
      if (!out.contains(g)) {
        out.add(g);
      }
    }
    out.sort((a, b) -> Integer.compare(order(a), order(b)));
    return out;
  }

  private static int order(String g) {
    return g.startsWith("NEW") ? (g.length() > 3 ? 1 : 0) : g.startsWith("COLD") ? (g.length() > 4 ? 3 : 2) : 4;
  }

  @SuppressWarnings("unchecked")
  static String targeting(Map<String, Object> cells, List<String> rows, String reference) {
    StringBuilder md = new StringBuilder();
    for (String g : groups(cells)) {
      List<String> cols = columns(cells, g);
      md.append(String.format(Locale.ROOT, "%nTargeting (paired placement AUC, 95%% bootstrap interval over items), "
          + "%s items, by the item's positives before the event:%n%n", g));
      header(md, "row", cols);
      for (String row : rows) {
        estimates(md, cells, g, cols, row, "auc", " | %.3f [%.3f, %.3f]");
      }
      md.append("| items / pairs");
      for (String c : cols) {
        Map<String, Object> cell = (Map<String, Object>) cells.get(g + "|" + c);
        md.append(" | ").append(cell.get("items")).append(" / ").append(cell.get("pairs"));
      }
      md.append(" |\n");
      md.append(String.format(Locale.ROOT, "%n%s minus each row (95%% interval; above zero = %s wins):%n%n",
          reference, reference));
      header(md, "row", cols);
      for (String row : rows) {
        if (row.equals(reference)) {
          continue;
        }
        estimates(md, cells, g, cols, row, "referenceMinusThis", " | %+.3f [%+.3f, %+.3f]");
      }
    }
    return md.toString();
  }

  /** One table line: the row's estimate {@code field} in each column, as {@code format}. */
  @SuppressWarnings("unchecked")
  private static void estimates(StringBuilder md, Map<String, Object> cells, String group, List<String> cols,
                                String row, String field, String format) {
    md.append("| ").append(row);
    for (String c : cols) {
      Map<String, Object> cell = (Map<String, Object>) cells.get(group + "|" + c);
      PairedAuc.Estimate e = (PairedAuc.Estimate) ((Map<String, Object>) ((Map<String, Object>) cell.get("rows"))
          .get(row)).get(field);
      md.append(String.format(Locale.ROOT, format, e.value(), e.lo(), e.hi()));
    }
    md.append(" |\n");
  }

  @SuppressWarnings("unchecked")
  static String placement(Map<String, Object> cells, List<String> rows) {
    StringBuilder md = new StringBuilder();
    for (String g : groups(cells)) {
      List<String> cols = columns(cells, g);
      md.append(String.format(Locale.ROOT, "%nPlacement, %s items: HR@10 / NDCG@10 against 100 items seen before "
          + "the event that the user had not touched:%n%n", g));
      header(md, "row", cols);
      for (String row : rows) {
        md.append("| ").append(row);
        for (String c : cols) {
          Map<String, Object> cell = (Map<String, Object>) cells.get(g + "|" + c);
          Map<String, Double> r = (Map<String, Double>) ((Map<String, Object>) cell.get("rows")).get(row);
          md.append(String.format(Locale.ROOT, " | %.3f / %.3f", r.get("hr10"), r.get("ndcg10")));
        }
        md.append(" |\n");
      }
      md.append("| positives");
      for (String c : cols) {
        md.append(" | ").append(((Map<String, Object>) cells.get(g + "|" + c)).get("positives"));
      }
      md.append(" |\n");
    }
    return md.toString();
  }

  private static void header(StringBuilder md, String first, List<String> cols) {
    md.append("| ").append(first);
    for (String c : cols) {
      md.append(" | ").append(c);
    }
    md.append(" |\n|---");
    for (int j = 0; j < cols.size(); j++) {
      md.append("|---");
    }
    md.append("|\n");
  }

  /** The static base minus item-kNN per group (targeting, all buckets), with the paired interval. */
  static String baseMinusKnn(Map<String, Object> cells) {
    if (cells.isEmpty()) {
      return "";
    }
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "%nStatic base minus item-kNN, targeting, all "
        + "buckets (95%% paired interval; at or above zero: the base targets at least as well as co-occurrence):%n%n"
        + "| group | difference |%n|---|---|%n"));
    cells.forEach((cell, v) -> {
      PairedAuc.Estimate e = (PairedAuc.Estimate) v;
      md.append(String.format(Locale.ROOT, "| %s | %+.3f [%+.3f, %+.3f] |%n", cell.substring(0, cell.indexOf('|')),
          e.value(), e.lo(), e.hi()));
    });
    return md.toString();
  }
}
