package io.pinnacle.pipeline;

import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.eval.Evaluation;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.eval.Stage;
import io.pinnacle.feedback.PinnacleMode;
import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.prompt.PromoGlobals;
import io.pinnacle.training.PromptStageTrainer;
import io.pinnacle.tuning.ServingRule;
import io.pinnacle.tuning.UpdaterConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PROMO rows of the evaluation: PROMO (prompt stage), PROMO-stream, PROMO-M and the ablations, each selected on
 * validation (prompt-stage epochs by validation cold HR@10) and then evaluated once on test.
 */
public final class PromoEvaluation {
  private static final Logger LOG = LoggerFactory.getLogger(PromoEvaluation.class);

  /** Options: stream micro-batch size and Adam steps per update, and whether to run the ablations. */
  public record Options(int streamBatch, int streamSteps, boolean ablations, int maxPromptEpochs) {
    public static Options defaults() {
      return new Options(256, 1, true, 200);
    }
  }

  /** Test and validation rows, plus details per variant (best epoch, seconds). */
  public record Outcome(List<Evaluation> test, List<Evaluation> validation, Map<String, Object> details) {}

  private PromoEvaluation() {}

  public static Outcome run(LeaveOneOutSplit split, BaseModelArtifact artifact, Options o) {
    PromoConfig base = PromoConfig.defaults(artifact.dim()).withPromptEpochs(o.maxPromptEpochs());
    PromoExperiment x = new PromoExperiment(split, artifact, base.k(), base.warmPool(), base.seed());
    List<Evaluation> test = new ArrayList<>();
    List<Evaluation> valid = new ArrayList<>();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("items", x.describe());

    tasteFree(x.coldOffset(COLD_OFFSET), COLD_OFFSET, test, valid, details);
    tasteFree(x.popularity(POPULARITY), POPULARITY, test, valid, details);
    PromptStageTrainer.Trained promo = variant(x, "PROMO", base, PromoExperiment.GATES, test, valid, details);
    long t0 = System.nanoTime();
    UpdaterConfig uc = x.updaterConfig(base, o.streamSteps());
    float[][] plain = x.streamReplay(base, promo.globals(), uc.withServing(ServingRule.PROMO_ONLY),
        o.streamBatch(), null, null, false);
    Evaluation plainValidation = x.evaluate(WITHOUT_ANCHOR, plain, Stage.VALIDATION);
    // The serving rule's prior by the rule every adapted row uses (the largest validation cold gain within the
    // all-user budget), the budget counted from PROMO-stream without the anchor: what the anchor itself costs.
    // The test stage is read only for the chosen prior.
    ToDoubleFunction<Evaluation> rule = PromoExperiment.selection(plainValidation);
    Map<String, Object> byPrior = new LinkedHashMap<>();
    float chosen = Float.NaN;
    double best = Double.NEGATIVE_INFINITY;
    float[][] streamed = null;
    for (float prior : ServingRule.PRIORS) {
      float[][] table = x.streamReplay(base, promo.globals(), uc.withServing(uc.serving().withPrior(prior)),
          o.streamBatch(), null, null, false);
      Evaluation v = x.evaluate("PROMO-stream", table, Stage.VALIDATION);
      byPrior.put(String.valueOf(prior), Map.of("validationColdHr10", v.cold().hr10(), "validationAllHr10",
          v.all().hr10(), "validationWarmHr10", v.warm().hr10()));
      if (rule.applyAsDouble(v) > best) {
        best = rule.applyAsDouble(v);
        chosen = prior;
        streamed = table;
      }
    }
    details.put("PROMO-stream", Map.of("batch", o.streamBatch(), "adamSteps", o.streamSteps(),
        "seconds", (System.nanoTime() - t0) / 1e9, "coLikedPriorChosen", chosen, "byCoLikedPrior", byPrior));
    LOG.info(String.format("PROMO-stream: co-liked prior %.0f chosen on validation of %s", chosen, byPrior));
    valid.add(x.evaluate("PROMO-stream", streamed, Stage.VALIDATION));
    test.add(x.evaluate("PROMO-stream", streamed, Stage.TEST));
    valid.add(plainValidation);
    test.add(x.evaluate(WITHOUT_ANCHOR, plain, Stage.TEST));
    if (o.ablations()) {
      float[] gates = PromoExperiment.GATES;
      variant(x, "PROMO-M (one shared prompt network)", base.withSharedPrompt(true), gates, test, valid, details);
      variant(x, "PROMO, recency pinnacle", base.withPinnacleMode(PinnacleMode.RECENCY), gates, test, valid, details);
      variant(x, "PROMO without L_pfpe", base.withLambdas(0f, base.lambda2()), gates, test, valid, details);
      variant(x, "PROMO without L_pape", base.withLambdas(base.lambda1(), 0f), gates, test, valid, details);
      variant(x, "PROMO without the gate (g = 1)", base, new float[] {1f}, test, valid, details);
      variant(x, "PROMO, base dropout 0.5", base.withBaseDropout(0.5f), gates, test, valid, details);
      variant(x, "PROMO, item part kept", base.withItemPartKept(true), gates, test, valid, details);
    }
    return new Outcome(test, valid, details);
  }

  private static final String WITHOUT_ANCHOR = "PROMO-stream without the co-liked anchor";
  private static final String COLD_OFFSET = "no taste: Pre-train + one offset for cold items";
  private static final String POPULARITY = "no taste: training positives";

  private static void tasteFree(PromoExperiment.TasteFree row, String name, List<Evaluation> test,
                                List<Evaluation> valid, Map<String, Object> details) {
    valid.add(row.validation());
    test.add(row.test());
    details.put(name, Map.of("setting", row.setting()));
  }

  private static PromptStageTrainer.Trained variant(PromoExperiment x, String name, PromoConfig c, float[] gates,
                                                    List<Evaluation> test, List<Evaluation> valid,
                                                    Map<String, Object> details) {
    PromptStageTrainer.Trained t = x.promptStage(c, gates, e -> { });
    float[][] table = x.itemTable(c, t);
    Evaluation v = x.evaluate(name, table, Stage.VALIDATION);
    valid.add(v);
    test.add(x.evaluate(name, table, Stage.TEST));
    float gate = t.globals().get(PromoGlobals.GATE).data()[0];
    LOG.info(String.format("%s: best epoch %d, gate %.1f, validation HR@10 cold %.4f all %.4f, %.0fs", name,
        t.bestEpoch(), gate, v.cold().hr10(), v.all().hr10(), t.seconds()));
    details.put(name, Map.of("bestEpoch", t.bestEpoch(), "gate", gate, "validationColdHr10", v.cold().hr10(),
        "seconds", t.seconds()));
    return t;
  }
}
