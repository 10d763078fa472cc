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

  /** This run against the no-failure reference: counts of each kind of difference, the AUCs, and the verdict. */
  Map<String, Object> compare(FinalState reference) {
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
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("items", reference.items.size());
    out.put("missing", missing);
    out.put("extra", extra);
    out.put("phaseDiffers", phaseDiffers);
    out.put("coldCountsDiffer", coldCountsDiffer);
    out.put("graduatedCountsDiffer (timing, allowed)", graduatedCountsDiffer);
    boolean pass = missing == 0 && extra == 0 && phaseDiffers == 0 && coldCountsDiffer == 0;
    for (Map.Entry<String, double[]> g : reference.targeting.entrySet()) {
      double[] r = g.getValue();
      double[] m = targeting.getOrDefault(g.getKey(), new double[] {0, 0});
      if (r[0] == 0 || m[0] == 0) {
        out.put("targeting" + g.getKey(), "no pairs (reference " + (long) r[0] + ", this run " + (long) m[0] + ")");
        pass &= r[0] == m[0];
        continue;
      }
      double a = r[1] / r[0];
      double b = m[1] / m[0];
      double bound = 1.96 * Math.sqrt(a * (1 - a) / r[0] + b * (1 - b) / m[0]);
      out.put("targeting" + g.getKey(), String.format(Locale.ROOT,
          "reference %.4f (%d pairs), this run %.4f (%d pairs), difference %+.4f, 95%% bound %.4f", a, (long) r[0], b,
          (long) m[0], b - a, bound));
      pass &= Math.abs(b - a) <= bound;
    }
    out.put("verdict", pass ? "PASS" : "FAIL");
    return out;
  }
}
