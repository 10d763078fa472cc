package io.pinnacle.cli;

import io.pinnacle.djl.DjlRuntime;
import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.data.Dataset;
import io.pinnacle.data.TemporalSplit;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.prequential.PairedAuc;
import io.pinnacle.prequential.PrequentialConfig;
import io.pinnacle.prequential.PrequentialEvaluation;
import io.pinnacle.prompt.PromoArtifact;
import io.pinnacle.tuning.ArtifactModels.TuningRates;
import io.pinnacle.tuning.ServingRule;
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
 * {@code pinnacle select}: chooses the prompt stage's objective, the serving rule and the streaming tuner's rates on
 * a validation period that ends at the base's split T, never on the evaluated stream after T. The training period is
 * cut again at T_v (a share of its events); a base and PROMO globals (one per objective) trained up to T_v replay
 * (T_v, T] prequentially with each candidate, and the candidate with the best PROMO-stream targeting AUC over the
 * pairs of NEW and COLD items (all buckets) wins. A control row replays the same stream without tuning the prompts, so the
 * table shows what the incremental tuning adds at all.
 */
@Command(name = "select", mixinStandardHelpOptions = true,
    description = "Choose the prompt-stage objective, the serving rule and the tuner's rates on a validation period "
        + "before the split T.")
public final class SelectCommand implements Callable<Integer> {
  @Mixin DataOptions data;

  @Option(names = "--artifact", required = true, description = "base model artifact trained up to T (--split)")
  Path artifact;

  @Option(names = "--work", required = true, description = "where the validation base and PROMO artifacts go")
  Path work;

  @Option(names = "--validation-share", defaultValue = "0.7",
      description = "T_v: the time by which this share of the training period's events happened (default 0.7)")
  double share;

  @Option(names = "--learning-rates", split = ",", defaultValue = "0.001,0.01",
      description = "Adam rates of the incremental tuning to try")
  List<Float> learningRates;

  @Option(names = "--loss-weights", split = ",", defaultValue = "0.01:0.1",
      description = "lambda1:lambda2 pairs (the two prompt-enhanced losses) to try")
  List<String> lossWeights;

  @Option(names = "--k", split = ",", defaultValue = "10", description = "pinnacle and negative users per item to try")
  List<Integer> k;

  @Option(names = "--objectives", split = ",", defaultValue = "leave-one-out",
      description = "prompt-stage objectives to train a validation PROMO artifact with and try")
  List<String> objectives;

  @Option(names = "--co-liked-priors", split = ",", defaultValue = "0,5",
      description = "the serving rule's extra weight of the starting embedding, in positives")
  List<Float> priors;

  @Option(names = "--prompt-min-positives", split = ",", defaultValue = "0,never",
      description = "stream positives before PROMO's change is served ('never': the anchor only)")
  List<String> minPositives;

  @Option(names = "--centered", split = ",", defaultValue = "true,false",
      description = "the anchor moves by the co-liked mean's deviation from the expected co-liked vector (true) or "
          + "to the co-liked mean itself (false)")
  List<Boolean> centered;

  @Option(names = "--json", description = "where to write the results (default: <work>/selection.json)")
  Path json;

  @Override
  public Integer call() throws Exception {
    DjlRuntime.initForTraining(); // a training process: every core
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
    Map<String, PromoArtifact> vPromos = new LinkedHashMap<>();
    for (String objective : objectives) {
      vPromos.put(objective, Artifacts.promo(vSplit, vBase, work.resolve("promo-validation-" + objective),
          objective));
    }
    PromoArtifact first = vPromos.values().iterator().next();
    UpdaterConfig uc = UpdaterConfig.defaults(first.metadata().coldThreshold(),
        first.metadata().config().pinnacleMode());
    PrequentialConfig config = PrequentialConfig.defaults().withPromoOnly(true);
    List<Map<String, Object>> results = new ArrayList<>();
    Map<String, Object> best = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    StringBuilder md = new StringBuilder("| objective | co-liked prior | centered | PROMO served from | learning rate | "
        + "lambda1 | lambda2 | k | NEW all (pairs) | COLD all (pairs) | score |\n"
        + "|---|---|---|---|---|---|---|---|---|---|---|\n");
    List<Candidate> candidates = new ArrayList<>();
    for (String objective : vPromos.keySet()) {
      candidates.addAll(candidates(objective, uc));
    }
    // The defaults first: a candidate must beat them, not tie with them, to be chosen.
    candidates.sort(Comparator.comparing(c -> !(c.objective().equals(PromptTrainCommand.DEFAULT_OBJECTIVE)
        && c.updater().k() == UpdaterConfig.K && c.rates().equals(TuningRates.DEFAULTS)
        && c.updater().serving().equals(ServingRule.DEFAULTS))));
    // The control: the same stream with the prompts never tuned (what the incremental tuning itself adds).
    candidates.add(new Candidate(PromptTrainCommand.DEFAULT_OBJECTIVE, uc.withAdamSteps(0), TuningRates.DEFAULTS, false));
    for (Candidate c : candidates) {
      PrequentialEvaluation.Result r = new PrequentialEvaluation(validation, vBase, vPromos.get(c.objective()),
          c.updater(), c.rates(), config).run();
      double newAuc = promoAuc(r, "NEW");
      double coldAuc = promoAuc(r, "COLD");
      long newPairs = pairs(r, "NEW");
      long coldPairs = pairs(r, "COLD");
      double score = pairWeighted(newAuc, newPairs, coldAuc, coldPairs);
      ServingRule rule = c.updater().serving();
      String servedFrom = !rule.coLiked() ? "always, no anchor"
          : rule.promptMinPositives() == Integer.MAX_VALUE ? "never" : "positive " + rule.promptMinPositives();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("objective", c.objective());
      row.put("coLiked", rule.coLiked());
      row.put("coLikedPrior", rule.prior());
      row.put("centered", rule.centered());
      row.put("promptMinPositives", rule.promptMinPositives());
      row.put("k", c.updater().k());
      row.put("adamSteps", c.updater().adamSteps());
      row.put("learningRate", c.rates().learningRate());
      row.put("lambda1", c.rates().lambda1());
      row.put("lambda2", c.rates().lambda2());
      row.put("newAuc", newAuc);
      row.put("coldAuc", coldAuc);
      row.put("newPairs", newPairs);
      row.put("coldPairs", coldPairs);
      row.put("score", score);
      row.put("candidate", c.eligible());
      results.add(row);
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %d | %.4f (%d) | %.4f (%d) | %.4f |%s%n",
          c.objective(), rule.coLiked() ? String.valueOf(rule.prior()) : "-", rule.coLiked() ? rule.centered() : "-",
          servedFrom,
          c.updater().adamSteps() == 0 ? "no tuning" : String.valueOf(c.rates().learningRate()), c.rates().lambda1(),
          c.rates().lambda2(), c.updater().k(), newAuc, newPairs, coldAuc, coldPairs, score,
          c.eligible() ? "" : " (control, not a candidate)"));
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
    Map<String, String> promoVersions = new LinkedHashMap<>();
    vPromos.forEach((o, p) -> promoVersions.put(o, p.metadata().version()));
    out.put("validationPromo", promoVersions);
    out.put("results", results);
    out.put("chosen", best);
    Path target = json != null ? json : work.resolve("selection.json");
    Files.createDirectories(target.toAbsolutePath().getParent());
    PinnacleCli.JSON.writeValue(target.toFile(), out);
    Files.writeString(target.resolveSibling(target.getFileName().toString().replaceAll("\\.json$", "") + ".md"),
        md.toString());
    System.out.println("results written to " + target);
    return 0;
  }

  /**
   * Every serving rule with every tuner setting; a rule that never serves PROMO's change once (the tuner's settings
   * change nothing it serves), and PROMO as before the rule (from the starting embedding, always served).
   */
  private List<Candidate> candidates(String objective, UpdaterConfig uc) {
    List<Candidate> out = new ArrayList<>();
    for (boolean center : centered) {
      for (float prior : priors) {
        for (String min : minPositives) {
          ServingRule rule = new ServingRule(true, prior, ServingRule.parseMinPositives(min, 0), center);
          if (rule.promptMinPositives() == Integer.MAX_VALUE) {
            out.add(new Candidate(objective, uc.withServing(rule), TuningRates.DEFAULTS, true));
            continue;
          }
          for (int kk : k) {
            for (String w : lossWeights) {
              String[] l = w.split(":");
              for (float lr : learningRates) {
                out.add(new Candidate(objective, uc.withK(kk).withServing(rule),
                    new TuningRates(Float.parseFloat(l[0]), Float.parseFloat(l[1]), lr), true));
              }
            }
          }
        }
      }
    }
    out.add(new Candidate(objective, uc.withServing(ServingRule.PROMO_ONLY), TuningRates.DEFAULTS, true));
    return out;
  }

  /** One setting to try; the control (no tuning) is measured but never chosen. */
  private record Candidate(String objective, UpdaterConfig updater, TuningRates rates, boolean eligible) {}

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

  /** Pairs of a group over all buckets (0 when the group has none). */
  @SuppressWarnings("unchecked")
  private static long pairs(PrequentialEvaluation.Result r, String group) {
    Map<String, Object> targeting = (Map<String, Object>) r.json().get("targeting");
    Map<String, Object> cell = (Map<String, Object>) targeting.get(group + "|all");
    return cell == null ? 0 : ((Number) cell.get("pairs")).longValue();
  }

  /**
   * The two groups' AUCs weighted by their pairs: a validation period with a handful of NEW items (ML-100K's has
   * three) must not decide by their noise.
   */
  private static double pairWeighted(double a, long pa, double b, long pb) {
    double wa = Double.isNaN(a) ? 0 : pa;
    double wb = Double.isNaN(b) ? 0 : pb;
    return wa + wb == 0 ? Double.NaN : ((wa > 0 ? a * wa : 0) + (wb > 0 ? b * wb : 0)) / (wa + wb);
  }
}
