package io.pinnacle.runner.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pinnacle.cli.RetentionReportCommand;
import io.pinnacle.runner.EmbeddingMonitor;
import io.pinnacle.schema.ItemEmbedding;
import io.pinnacle.schema.Phase;
import io.pinnacle.targeting.TargetingStats;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the job's default profile (user stage on, micro-batches by count and timer) leaves that a run with a failure
 * must match, when its update-by-update output cannot: each item's last committed update (phase and event counts)
 * and the live targeting measure summed over the committed reports. A cold item's last update counts every event of
 * the item, so its counts must be equal; a graduated item's counts are those of the micro-batch it graduated in,
 * which depends on timing, so only the phase must be equal; the targeting AUC of the two runs must agree within the
 * 95% interval of their difference (pairs treated as independent draws).
 */
final class FinalState {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Item -> {phase ordinal, positives, negatives}. */
  final Map<Long, long[]> items;
  /** Group -> {pairs, wins}. */
  final Map<String, double[]> targeting;

  private FinalState(Map<Long, long[]> items, Map<String, double[]> targeting) {
    this.items = items;
    this.targeting = targeting;
  }

  static FinalState read(String bootstrap, String embeddingsTopic, String targetingTopic, Duration quiet)
      throws Exception {
    Map<Long, long[]> items = new TreeMap<>();
    try (EmbeddingMonitor m = new EmbeddingMonitor(bootstrap, embeddingsTopic)) {
      m.pollUntilQuiet(quiet);
      for (ItemEmbedding e : m.latest().values()) {
        items.put(e.getItemId(), new long[] {e.getPhase().ordinal(), e.getPositiveCount(), e.getNegativeCount()});
      }
    }
    TargetingStats t = RetentionReportCommand.targetingFromTopic(bootstrap, targetingTopic).values().stream()
        .findFirst().orElseGet(TargetingStats::new);
    Map<String, double[]> targeting = new LinkedHashMap<>();
    for (int g = 0; g < TargetingStats.GROUPS.length; g++) {
      long pairs = t.pairs(g);
      targeting.put(TargetingStats.GROUPS[g], new double[] {pairs, pairs == 0 ? 0 : t.auc(g) * pairs});
    }
    return new FinalState(items, targeting);
  }

  void save(Path file) throws IOException {
    Map<String, long[]> byId = new TreeMap<>();
    items.forEach((k, v) -> byId.put(Long.toString(k), v));
    JSON.writeValue(file.toFile(), Map.of("items", byId, "targeting", targeting));
  }

  @SuppressWarnings("unchecked")
  static FinalState load(Path file) throws IOException {
    Map<String, Object> m = JSON.readValue(file.toFile(), Map.class);
    Map<Long, long[]> items = new TreeMap<>();
    ((Map<String, List<Number>>) m.get("items")).forEach((k, v) -> items.put(Long.parseLong(k),
        v.stream().mapToLong(Number::longValue).toArray()));
    Map<String, double[]> targeting = new LinkedHashMap<>();
    ((Map<String, List<Number>>) m.get("targeting")).forEach((k, v) -> targeting.put(k,
        v.stream().mapToDouble(Number::doubleValue).toArray()));
    return new FinalState(items, targeting);
  }

  /** One group's targeting AUC in this run against the reference: pairs and correct pairs of each. */
  record TargetingDifference(String group, long referencePairs, double referenceAuc, long pairs, double auc,
                             double bound) {
    /** Both measured and within the 95% bound of their difference, or both without pairs. */
    boolean agrees() {
      if (referencePairs == 0 || pairs == 0) {
        return referencePairs == pairs;
      }
      return Math.abs(auc - referenceAuc) <= bound;
    }

    @Override
    public String toString() {
      if (referencePairs == 0 || pairs == 0) {
        return "no pairs (reference " + referencePairs + ", this run " + pairs + ")";
      }
      return String.format(Locale.ROOT, "reference %.4f (%d pairs), this run %.4f (%d pairs), difference %+.4f, "
          + "95%% bound %.4f", referenceAuc, referencePairs, auc, pairs, auc - referenceAuc, bound);
    }
  }

  /**
   * This run against the no-failure reference: counts of each kind of difference and the targeting AUCs. A
   * graduated item's final counts may differ (when its graduation batch ran depends on timing); nothing else may.
   */
  record Comparison(int items, long missing, long extra, long phaseDiffers, long coldCountsDiffer,
                    long graduatedCountsDiffer, List<TargetingDifference> targeting) {
    boolean pass() {
      return missing == 0 && extra == 0 && phaseDiffers == 0 && coldCountsDiffer == 0
          && targeting.stream().allMatch(TargetingDifference::agrees);
    }

    String verdict() {
      return pass() ? "PASS" : "FAIL";
    }

    /** The line the drills log. */
    @Override
    public String toString() {
      StringBuilder b = new StringBuilder("{items=" + items + ", missing=" + missing + ", extra=" + extra
          + ", phaseDiffers=" + phaseDiffers + ", coldCountsDiffer=" + coldCountsDiffer
          + ", graduatedCountsDiffer (timing, allowed)=" + graduatedCountsDiffer);
      for (TargetingDifference t : targeting) {
        b.append(", targeting").append(t.group()).append('=').append(t);
      }
      return b.append(", verdict=").append(verdict()).append('}').toString();
    }
  }

  Comparison compare(FinalState reference) {
    long missing = 0;
    long extra = 0;
    long phaseDiffers = 0;
    long coldCountsDiffer = 0;
    long graduatedCountsDiffer = 0;
    for (Map.Entry<Long, long[]> e : reference.items.entrySet()) {
      long[] mine = items.get(e.getKey());
      long[] ref = e.getValue();
      if (mine == null) {
        missing++;
      } else if (mine[0] != ref[0]) {
        phaseDiffers++;
      } else if (mine[1] != ref[1] || mine[2] != ref[2]) {
        if (ref[0] == Phase.COLD.ordinal()) {
          coldCountsDiffer++;
        } else {
          graduatedCountsDiffer++;
        }
      }
    }
    for (Long id : items.keySet()) {
      extra += reference.items.containsKey(id) ? 0 : 1;
    }
    List<TargetingDifference> targetingDifferences = new ArrayList<>();
    for (Map.Entry<String, double[]> g : reference.targeting.entrySet()) {
      double[] r = g.getValue();
      double[] m = targeting.getOrDefault(g.getKey(), new double[] {0, 0});
      double a = r[0] == 0 ? 0 : r[1] / r[0];
      double b = m[0] == 0 ? 0 : m[1] / m[0];
      double bound = r[0] == 0 || m[0] == 0 ? 0 : 1.96 * Math.sqrt(a * (1 - a) / r[0] + b * (1 - b) / m[0]);
      targetingDifferences.add(new TargetingDifference(g.getKey(), (long) r[0], a, (long) m[0], b, bound));
    }
    return new Comparison(reference.items.size(), missing, extra, phaseDiffers, coldCountsDiffer,
        graduatedCountsDiffer, targetingDifferences);
  }
}
