package io.pinnacle.cli;

import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.data.Dataset;
import io.pinnacle.data.TemporalSplit;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.prequential.PairedAuc;
import io.pinnacle.prequential.PrequentialConfig;
import io.pinnacle.prequential.PrequentialEvaluation;
import io.pinnacle.prompt.PromoArtifact;
import io.pinnacle.tuning.ArtifactModels.TuningRates;
import io.pinnacle.tuning.UpdaterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pinnacle select}: chooses the streaming tuner's rates on a validation period that ends at the base's split
 * T, never on the evaluated stream after T. The training period is cut again at T_v (a share of its events); a
 * base and PROMO globals trained up to T_v replay (T_v, T] prequentially with each candidate, and the candidate with
 * the best PROMO-stream targeting AUC (the mean of NEW and COLD over all buckets) wins. A control row replays the same
 * stream without tuning the prompts, so the table shows what the incremental tuning adds at all.
 */
@Command(name = "select", mixinStandardHelpOptions = true,
    description = "Choose the tuner's learning rate and loss weights on a validation period before the split T.")
public final class SelectCommand implements Callable<Integer> {
  @Mixin DataOptions data;

  @Option(names = "--artifact", required = true, description = "base model artifact trained up to T (--split)")
  Path artifact;

  @Option(names = "--work", required = true, description = "where the validation base and PROMO artifacts go")
  Path work;

  @Option(names = "--validation-share", defaultValue = "0.7",
      description = "T_v: the time by which this share of the training period's events happened (default 0.7)")
  double share;

  @Option(names = "--learning-rates", split = ",", defaultValue = "0.0003,0.001,0.003,0.01",
      description = "Adam rates of the incremental tuning to try")
  List<Float> learningRates;

  @Option(names = "--loss-weights", split = ",", defaultValue = "0.01:0.1,0.1:1",
      description = "lambda1:lambda2 pairs (the two prompt-enhanced losses) to try")
  List<String> lossWeights;

  @Option(names = "--k", split = ",", defaultValue = "10", description = "pinnacle and negative users per item to try")
  List<Integer> k;

  @Option(names = "--json", description = "where to write the results (default: <work>/selection.json)")
  Path json;

  @Override
  public Integer call() throws Exception {
    BaseModelArtifact base = BaseModelArtifact.load(artifact);
    if (base.splitTimeMs() == null) {
      throw new IllegalArgumentException("the base " + base.version() + " was trained on the whole data set: "
          + "selection needs a temporal split (pretrain with --split)");
    }
    Dataset all = data.load();
    Dataset training = TemporalSplit.at(all, base.splitTimeMs()).before();
    TemporalSplit validation = TemporalSplit.byShare(training, share);
    System.out.println("validation: " + validation.describe());
    LeaveOneOutSplit vSplit = LeaveOneOutSplit.of(validation.before());
    BaseModelArtifact vBase = Artifacts.base(vSplit, validation, work.resolve("base-validation"));
    PromoArtifact vPromo = Artifacts.promo(vSplit, vBase, work.resolve("promo-validation"));
    UpdaterConfig uc = UpdaterConfig.defaults(vPromo.metadata().coldThreshold(),
        vPromo.metadata().config().pinnacleMode());
    PrequentialConfig config = PrequentialConfig.defaults().withPromoOnly(true);
    List<Map<String, Object>> results = new ArrayList<>();
    Map<String, Object> best = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    StringBuilder md = new StringBuilder("| k | Adam steps | learning rate | lambda1 | lambda2 | NEW all | COLD all | "
        + "score |\n|---|---|---|---|---|---|---|---|\n");
    List<Candidate> candidates = new ArrayList<>();
    for (int kk : k) {
      for (String w : lossWeights) {
        String[] l = w.split(":");
        for (float lr : learningRates) {
          candidates.add(new Candidate(uc.withK(kk), new TuningRates(Float.parseFloat(l[0]), Float.parseFloat(l[1]),
              lr), true));
        }
      }
    }
    // The defaults first: a candidate must beat them, not tie with them, to be chosen.
    candidates.sort(Comparator.comparing(c -> !(c.updater().k() == UpdaterConfig.K
        && c.rates().equals(TuningRates.DEFAULTS))));
    // The control: the same stream with the prompts never tuned (what the incremental tuning itself adds).
    candidates.add(new Candidate(uc.withAdamSteps(0), TuningRates.DEFAULTS, false));
    for (Candidate c : candidates) {
      PrequentialEvaluation.Result r = new PrequentialEvaluation(validation, vBase, vPromo, c.updater(), c.rates(),
          config).run();
      double newAuc = promoAuc(r, "NEW");
      double coldAuc = promoAuc(r, "COLD");
      double score = mean(newAuc, coldAuc);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("k", c.updater().k());
      row.put("adamSteps", c.updater().adamSteps());
      row.put("learningRate", c.rates().learningRate());
      row.put("lambda1", c.rates().lambda1());
      row.put("lambda2", c.rates().lambda2());
      row.put("newAuc", newAuc);
      row.put("coldAuc", coldAuc);
      row.put("score", score);
      row.put("candidate", c.eligible());
      results.add(row);
      md.append(String.format(Locale.ROOT, "| %d | %d | %s | %s | %s | %.4f | %.4f | %.4f |%s%n", c.updater().k(),
          c.updater().adamSteps(), c.rates().learningRate(), c.rates().lambda1(), c.rates().lambda2(), newAuc,
          coldAuc, score, c.eligible() ? "" : " (control, not a candidate)"));
      System.out.printf(Locale.ROOT, "select: %s -> NEW %.4f COLD %.4f%n", row, newAuc, coldAuc);
      if (c.eligible() && score > bestScore) {
        bestScore = score;
        best = row;
      }
    }
    System.out.print(md);
    System.out.println("chosen on the validation period: " + best);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("dataset", all.name());
    out.put("splitTimeMs", base.splitTimeMs());
    out.put("validationSplitTimeMs", validation.splitTimeMs());
    out.put("validationShare", share);
    out.put("validationBase", vBase.version());
    out.put("validationPromo", vPromo.metadata().version());
    out.put("results", results);
    out.put("chosen", best);
    Path target = json != null ? json : work.resolve("selection.json");
    Files.createDirectories(target.toAbsolutePath().getParent());
    PinnacleCli.JSON.writeValue(target.toFile(), out);
    System.out.println("results written to " + target);
    return 0;
  }

  /** One setting to try; the control (no tuning) is measured but never chosen. */
  private record Candidate(UpdaterConfig updater, TuningRates rates, boolean eligible) {}

  /** PROMO-stream's targeting AUC over all buckets of a group (NaN when the group has no pairs). */
  @SuppressWarnings("unchecked")
  private static double promoAuc(PrequentialEvaluation.Result r, String group) {
    Map<String, Object> targeting = (Map<String, Object>) r.json().get("targeting");
    Map<String, Object> cell = (Map<String, Object>) targeting.get(group + "|all");
    if (cell == null) {
      return Double.NaN;
    }
    Map<String, Object> rows = (Map<String, Object>) cell.get("rows");
    Object auc = ((Map<String, Object>) rows.get("PROMO-stream")).get("auc");
    return auc instanceof PairedAuc.Estimate e ? e.value() : Double.NaN;
  }

  private static double mean(double a, double b) {
    if (Double.isNaN(a)) {
      return b;
    }
    return Double.isNaN(b) ? a : (a + b) / 2;
  }
}
