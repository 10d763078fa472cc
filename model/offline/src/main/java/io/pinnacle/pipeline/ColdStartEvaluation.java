package io.pinnacle.pipeline;

import ai.djl.ndarray.NDManager;
import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.base.SasRec;
import io.pinnacle.base.SasRecConfig;
import io.pinnacle.eval.SasRecRecommender;
import io.pinnacle.training.SasRecTrainer;
import io.pinnacle.djl.DjlRuntime;
import io.pinnacle.eval.Evaluation;
import io.pinnacle.eval.Evaluator;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.eval.Stage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cold-start comparison on the test stage. Pre-train is the frozen base as saved. Fine-tune trains all base
 * parameters further on the training period with the pre-training objective restricted to cold target items (the
 * data the prompt stage also gets), epochs chosen on validation by the rule PROMO's are
 * ({@link PromoExperiment#selection}); it works on a copy and never writes the artifact.
 */
public final class ColdStartEvaluation {
  private static final Logger LOG = LoggerFactory.getLogger(ColdStartEvaluation.class);

  /** Results in table order, each also with its validation score used for selection. */
  public record Outcome(List<Evaluation> test, List<Evaluation> validation, int fineTuneEpoch) {}

  private ColdStartEvaluation() {}

  public static Outcome run(LeaveOneOutSplit split, BaseModelArtifact artifact, int fineTuneEpochs) {
    DjlRuntime.init();
    if (!Arrays.equals(artifact.itemIds(), split.items.externalIds())
        || !Arrays.equals(artifact.userIds(), split.users.externalIds())) {
      throw new IllegalArgumentException("artifact " + artifact.version() + " was trained on other data than "
          + split.dataset.name() + " as loaded now (user or item ids differ)");
    }
    Evaluator evaluator = new Evaluator(split);
    SasRecConfig config = artifact.metadata().config();
    List<Evaluation> test = new ArrayList<>();
    List<Evaluation> valid = new ArrayList<>();
    int ftEpoch;
    try (NDManager manager = NDManager.newBaseManager()) {
      try (SasRec base = new SasRec(manager, config, artifact.parameters())) {
        SasRecRecommender rec = new SasRecRecommender(base);
        valid.add(evaluator.evaluate("Pre-train", rec, Stage.VALIDATION));
        test.add(evaluator.evaluate("Pre-train", rec, Stage.TEST));
      }
      try (SasRec tuned = new SasRec(manager, config, artifact.parameters())) {
        SasRecConfig ft = config.withEvalEvery(1);
        SasRecTrainer.Result r = new SasRecTrainer(ft).train(tuned, split, evaluator, item -> split.cold[item],
            PromoExperiment.selection(valid.get(0)), config.learningRate(), fineTuneEpochs, "fine-tune");
        ftEpoch = r.bestEpoch();
        LOG.info("fine-tune: best validation score {} at epoch {}", String.format("%.4f", r.bestValidation()),
            r.bestEpoch());
        SasRecRecommender rec = new SasRecRecommender(tuned);
        valid.add(evaluator.evaluate("Fine-tune", rec, Stage.VALIDATION));
        test.add(evaluator.evaluate("Fine-tune", rec, Stage.TEST));
      }
    }
    return new Outcome(test, valid, ftEpoch);
  }
}
