package io.pinnacle.targeting;

import java.util.Locale;
import java.util.Map;

/** Markdown table of targeting counts: one line per source and item group, AUC (pairs) per bucket and overall. */
public final class TargetingTable {
  private TargetingTable() {}

  public static String of(Map<String, TargetingStats> sources) {
    StringBuilder md = new StringBuilder("| source | group |");
    for (String b : TargetingStats.BUCKETS) {
      md.append(' ').append(b).append(" |");
    }
    md.append(" all |\n|---|---|");
    md.append("---|".repeat(TargetingStats.BUCKETS.length + 1)).append('\n');
    sources.forEach((name, s) -> {
      for (int g = 0; g < TargetingStats.GROUPS.length; g++) {
        md.append("| ").append(name).append(" | ").append(TargetingStats.GROUPS[g]).append(" |");
        for (int b = 0; b < TargetingStats.BUCKETS.length; b++) {
          md.append(' ').append(cell(s.auc(g, b), s.pairs(g, b))).append(" |");
        }
        md.append(' ').append(cell(s.auc(g), s.pairs(g))).append(" |\n");
      }
    });
    return md.toString();
  }

  private static String cell(double auc, long pairs) {
    return pairs == 0 ? "-" : String.format(Locale.ROOT, "%.3f (%d)", auc, pairs);
  }
}
