package io.pinnacle.prequential;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.base.SasRecConfig;
import io.pinnacle.data.SyntheticStream;
import io.pinnacle.data.TemporalSplit;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.pipeline.Pretraining;
import io.pinnacle.pipeline.PromoExperiment;
import io.pinnacle.prompt.PromoArtifact;
import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.tuning.ArtifactModels.TuningRates;
import io.pinnacle.tuning.ServedSource;
import io.pinnacle.tuning.UpdaterConfig;
import io.pinnacle.users.UserEncoder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prequential evaluation on the tiny synthetic stream, split in half, with briefly trained artifacts: the rows
 * that know nothing of taste land exactly where the measure says they must, every estimate is a share, and the user
 * encoder reproduces the vectors pre-training stored.
 */
class PrequentialEvaluationTest {
  @TempDir static Path dir;
  private static TemporalSplit split;
  private static BaseModelArtifact base;
  private static PromoArtifact promo;

  @BeforeAll
  static void artifacts() throws Exception {
    split = TemporalSplit.byShare(SyntheticStream.generate(SyntheticStream.Config.tiny()), 0.5);
    LeaveOneOutSplit training = LeaveOneOutSplit.of(split.before());
    Pretraining.run(training, SasRecConfig.defaults().withMaxEpochs(5), dir.resolve("base"), split);
    base = BaseModelArtifact.load(dir.resolve("base"));
    PromoConfig c = PromoConfig.defaults(base.dim()).withPromptEpochs(2);
    PromoExperiment x = new PromoExperiment(training, base, c.k(), c.warmPool(), c.seed());
    x.saveArtifact(dir.resolve("promo"), c, x.promptStage(c));
    promo = PromoArtifact.load(dir.resolve("promo"));
  }

  @Test
  void theBaseRecordsTheSplit() {
    assertEquals(split.splitTimeMs(), base.splitTimeMs());
  }

  @Test
  void theEncoderGivesTheVectorsPretrainingStored() {
    int checked = 0;
    try (UserEncoder encoder = new UserEncoder(base)) {
      for (long user : base.userIds()) {
        long[] h = base.recentItems(user);
        // Evaluated users only (their stored vector left the test item out), histories that were not truncated.
        if (h.length < Math.max(3, split.dataset().rules().minUserPositives()) || h.length >= encoder.maxLength()) {
          continue;
        }
        // The stored vector saw training and validation positives; the kept history also has the test item.
        float[] v = encoder.encode(List.of(Arrays.copyOf(h, h.length - 1)))[0];
        assertArrayEquals(base.userVector(user), v, 1e-4f, "user " + user);
        checked++;
      }
    }
    assertTrue(checked > 10, "checked " + checked);
  }

  /** The tiny split's prequential run with the default updater ({@code promoOnly}: the selection's rows). */
  private PrequentialEvaluation.Result run(int bootstrap, boolean promoOnly) {
    PrequentialConfig config = new PrequentialConfig(100, 10, 7 * PrequentialConfig.DAY_MS, 0.2, 5L, bootstrap, 64,
        0.05f, 20, promoOnly, false);
    UpdaterConfig uc = UpdaterConfig.defaults(promo.metadata().coldThreshold(),
        promo.metadata().config().pinnacleMode());
    return new PrequentialEvaluation(split, base, promo, uc, TuningRates.DEFAULTS, config).run();
  }

  @Test
  @SuppressWarnings("unchecked")
  void rowsThatKnowNothingOfTasteLandWhereTheMeasureSays() {
    PrequentialEvaluation.Result r = run(200, false);
    Map<String, Object> targeting = (Map<String, Object>) r.json().get("targeting");
    assertTrue(targeting.containsKey("NEW|all") && targeting.containsKey("COLD|all"), targeting.keySet().toString());
    int cells = 0;
    for (Object c : targeting.values()) {
      Map<String, Object> cell = (Map<String, Object>) c;
      Map<String, Object> rows = (Map<String, Object>) cell.get("rows");
      for (String diagnostic : List.of("Diagnostic: item age (newest first)", "Diagnostic: user's positive rate")) {
        PairedAuc.Estimate e = (PairedAuc.Estimate) ((Map<String, Object>) rows.get(diagnostic)).get("auc");
        assertEquals(0.5, e.value(), 1e-12, diagnostic + " is a user part plus an item part");
      }
      for (Object row : rows.values()) {
        double v = ((PairedAuc.Estimate) ((Map<String, Object>) row).get("auc")).value();
        assertTrue(v >= 0 && v <= 1);
      }
      assertTrue(((Number) cell.get("pairs")).longValue() > 0);
      cells++;
    }
    assertTrue(cells >= 4, "cells " + cells);
    assertTrue(((Number) r.json().get("promoUpdates")).longValue() > 0, "PROMO-stream tuned items");
    assertTrue(r.markdown().contains("PROMO-stream minus each row"));
    // The base against item-kNN: the difference of their AUCs, with an interval around it.
    Map<String, Object> baseMinusKnn = (Map<String, Object>) r.json().get("staticBaseMinusItemKnn");
    Map<String, Object> cold = (Map<String, Object>) ((Map<String, Object>) targeting.get("COLD|all")).get("rows");
    double base = ((PairedAuc.Estimate) ((Map<String, Object>) cold.get("Static base")).get("auc")).value();
    double knn = ((PairedAuc.Estimate) ((Map<String, Object>) cold.get("Item-kNN (streaming co-occurrence)"))
        .get("auc")).value();
    PairedAuc.Estimate d = (PairedAuc.Estimate) baseMinusKnn.get("COLD|all");
    assertEquals(base - knn, d.value(), 1e-12);
    assertTrue(d.lo() <= d.value() && d.value() <= d.hi(), d.toString());
    assertTrue(r.markdown().contains("Static base minus item-kNN"));
    // The verdict: the served row against the static base and the best baseline, with the paired interval of each
    // difference, the same numbers as the tables.
    Map<String, String> roles = (Map<String, String>) r.json().get("roles");
    assertEquals("reference", roles.get("PROMO-stream"));
    assertEquals("static-base", roles.get("Static base"));
    assertEquals("baseline", roles.get("Item-kNN (streaming co-occurrence)"));
    assertEquals("no-information", roles.get("No information (NEW and COLD items at zero)"));
    assertEquals("diagnostic", roles.get("Diagnostic: item age (newest first)"));
    List<String> verdict = PrequentialVerdict.lines(r.json());
    String coldLine = verdict.stream().filter(l -> l.trim().startsWith("COLD")).findFirst().orElseThrow();
    PairedAuc.Estimate served = (PairedAuc.Estimate) ((Map<String, Object>) cold.get("PROMO-stream")).get("auc");
    assertTrue(coldLine.contains(String.format(Locale.ROOT, "served %.3f", served.value())), coldLine);
    assertTrue(coldLine.contains("vs static base") && coldLine.contains("vs best baseline"), coldLine);
  }

  /**
   * The serving fit on a replay with every servable row and pair: each group with enough items takes the source with
   * the highest targeting AUC plus placement HR@10 (recomputed here from the result) unless the anchor is within the
   * margin, every bucket of it the same; the pair served is the best within the placement budget.
   */
  @Test
  void theServingFitTakesEachGroupsBestSourceAndTheBestPairWithinBudget() {
    PrequentialEvaluation.Result r = new PrequentialEvaluation(split, base, promo, updaterConfig(),
        TuningRates.DEFAULTS, SERVABLE_ONLY).run();
    @SuppressWarnings("unchecked")
    List<String> rows = (List<String>) r.json().get("rows");
    for (ServedSource src : ServedSource.values()) {
      assertTrue(rows.contains(PrequentialEvaluation.servableName(src)), src + " is a row");
    }
    ServingFit.Fit fit = ServingFit.fit(r.json());
    int fitted = 0;
    for (ServingFit.Cell c : fit.cells()) {
      if (!c.bucket().equals("all")) {
        assertEquals("-", c.chosen(), "buckets are read, not fitted: " + c);
        continue;
      }
      if (!c.reason().isEmpty()) {
        continue;
      }
      List<String> ineligible = fit.ineligible().get(c.group());
      double chosen = c.auc().get(c.chosen()) + c.hr10().get(c.chosen());
      assertTrue(!ineligible.contains(c.chosen()), "a source over the warm budget is not chosen: " + c);
      for (String src : c.auc().keySet()) {
        if (!ineligible.contains(src)) {
          assertTrue(chosen >= c.auc().get(src) + c.hr10().get(src) - ServingFit.MARGIN - 1e-12, c.toString());
        }
      }
      String anchor = ServedSource.ANCHOR.label();
      if (!c.chosen().equals(anchor) && !ineligible.contains(anchor)) {
        assertTrue(chosen >= c.auc().get(anchor) + c.hr10().get(anchor) + ServingFit.MARGIN - 1e-12,
            "only a margin over the anchor replaces it: " + c);
      }
      ServedSource[] g = c.group().equals("NEW") ? fit.table().newItems() : fit.table().coldItems();
      for (ServedSource b : g) {
        assertEquals(c.chosen(), b.label(), "every bucket takes the group's choice: " + c);
      }
      fitted++;
    }
    assertTrue(fitted > 0, "a group had enough items: " + fit.markdown());
    assertEquals(fit.table(), io.pinnacle.tuning.ServingTable.parse(fit.table().toString()));
    // Every pair on the whole validation stream: what is served is within the budget, no eligible pair beats it by
    // more than the margin, and any other pair than the fitted one beats that by the margin (or it was over budget).
    ServingFit.Choice choice = ServingFit.choose(fit, r.json());
    int n = ServedSource.values().length;
    assertEquals(n * n, choice.candidates().size(), "every pair: " + choice.markdown());
    ServingFit.Candidate served = choice.candidates().stream().filter(c -> c.table().equals(choice.table()))
        .findFirst().orElseThrow();
    ServingFit.Candidate incumbent = choice.candidates().stream().filter(c -> c.table().equals(fit.table()))
        .findFirst().orElseThrow();
    assertTrue(served.eligible(), choice.markdown());
    for (ServingFit.Candidate c : choice.candidates()) {
      if (c.eligible()) {
        assertTrue(served.score() >= c.score() - ServingFit.MARGIN - 1e-9, choice.markdown());
      } else {
        assertTrue(c.placementCost().entrySet().stream().anyMatch(x -> !x.getKey().equals("NEW")
            && x.getValue() > choice.budget().get(x.getKey())), c.toString());
      }
    }
    if (served != incumbent && incumbent.eligible()) {
      assertTrue(served.score() > incumbent.score() + ServingFit.MARGIN, choice.markdown());
    }
  }

  /** The serving fit's replay: the servable rows and their pairs, the static base and the no-information row. */
  private static final PrequentialConfig SERVABLE_ONLY = new PrequentialConfig(100, 10, 7 * PrequentialConfig.DAY_MS,
      0.2, 5L, 50, 64, 0.05f, 20, false, true);

  private static UpdaterConfig updaterConfig() {
    return UpdaterConfig.defaults(promo.metadata().coldThreshold(), promo.metadata().config().pinnacleMode());
  }

  /** A group's placement budget: one point, or the static base's standard error there when that is larger. */
  @Test
  void thePlacementBudgetIsAtLeastTheValidationsStandardError() {
    java.util.function.BiFunction<Double, Integer, Map<String, Object>> json = (hr, n) -> Map.of(
        "roles", Map.of("Static base", PrequentialVerdict.STATIC_BASE),
        "placement", Map.of("WARM|all", Map.of("positives", n, "rows", Map.of("Static base", Map.of("hr10", hr)))));
    assertEquals(Math.sqrt(0.75 * 0.25 / 500), ServingFit.budget(new PrequentialVerdict.Results(json.apply(0.75, 500)),
        "WARM"), 1e-12);
    assertEquals(ServingFit.PLACEMENT_BUDGET, ServingFit.budget(new PrequentialVerdict.Results(json.apply(0.75,
        50_000)), "WARM"), 1e-12);
    assertEquals(ServingFit.PLACEMENT_BUDGET, ServingFit.budget(new PrequentialVerdict.Results(json.apply(0.75,
        500)), "COLD"), 1e-12, "a group not measured");
  }

  /**
   * A pair served through the servable rows scores as the same table replayed by the updater: the updater's state
   * does not depend on what it serves, so the fit may measure tables without replaying each.
   */
  @Test
  void aPairOfServableRowsIsTheTableReplayed() {
    PrequentialConfig config = SERVABLE_ONLY;
    UpdaterConfig uc = updaterConfig();
    PrequentialEvaluation.Result pairs = new PrequentialEvaluation(split, base, promo, uc, TuningRates.DEFAULTS,
        config).run();
    io.pinnacle.tuning.ServingTable t = io.pinnacle.tuning.ServingTable.pair(ServedSource.POSTERIOR,
        ServedSource.CO_LIKED);
    PrequentialEvaluation.Result replayed = new PrequentialEvaluation(split, base, promo,
        uc.withServing(uc.serving().withTable(t)), TuningRates.DEFAULTS, config.withServableOnly(false)
            .withPromoOnly(true)).run();
    String pair = PrequentialEvaluation.pairName(ServedSource.POSTERIOR, ServedSource.CO_LIKED);
    double a = ServingFit.overall(pairs.json(), pair);
    double b = ServingFit.overall(replayed.json(), (String) replayed.json().get("reference"));
    assertTrue(Double.isFinite(a), "the pair was measured");
    assertEquals(b, a, 1e-9, "the pair's score against the table's replay");
  }

  @Test
  void theVerdictsWordFollowsTheInterval() {
    assertEquals("better", PrequentialVerdict.word(new PairedAuc.Estimate(0.02, 0.001, 0.04), 50));
    assertEquals("worse", PrequentialVerdict.word(new PairedAuc.Estimate(-0.02, -0.04, -0.001), 50));
    assertEquals("no different", PrequentialVerdict.word(new PairedAuc.Estimate(0.02, -0.01, 0.04), 50));
    assertEquals("too few items to tell", PrequentialVerdict.word(new PairedAuc.Estimate(0.02, 0.01, 0.04), 3));
  }

  @Test
  @SuppressWarnings("unchecked")
  void theBoundedTargetingEstimatorCountsPairsOnTheSameReplay() {
    PrequentialEvaluation.Result r = run(50, true);
    assertEquals(List.of("Static base", "PROMO-stream", "No information (NEW and COLD items at zero)"),
        r.json().get("rows"), "selection runs only what it reads");
    assertTrue(r.liveEstimator().totalPairs() > 0, "the job's estimator counted pairs on the replay");
    for (int g = 0; g < 2; g++) {
      double auc = r.liveEstimator().auc(g);
      assertTrue(Double.isNaN(auc) || (auc >= 0 && auc <= 1));
    }
    assertTrue(r.markdown().contains("offline twin"));
  }
}
