package io.pinnacle.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.base.SasRecConfig;
import io.pinnacle.data.SyntheticStream;
import io.pinnacle.data.TemporalSplit;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.prompt.PromoGlobals;
import io.pinnacle.testing.Tensors;
import io.pinnacle.training.PromptStageTrainer;
import io.pinnacle.tuning.UpdaterConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prompt stage on the job's task, on the tiny synthetic stream with a briefly trained base. */
class StreamTaskTest {
  @TempDir static Path dir;
  private static StreamTask task;
  private static PromoConfig config;

  @BeforeAll
  static void replay() throws Exception {
    TemporalSplit split = TemporalSplit.byShare(SyntheticStream.generate(SyntheticStream.Config.tiny()), 0.5);
    LeaveOneOutSplit training = LeaveOneOutSplit.of(split.before());
    Pretraining.run(training, SasRecConfig.defaults().withMaxEpochs(5), dir.resolve("base"), split);
    BaseModelArtifact base = BaseModelArtifact.load(dir.resolve("base"));
    config = PromoConfig.defaults(base.dim()).withPromptEpochs(3);
    PromoExperiment x = new PromoExperiment(training, base, config.k(), config.warmPool(), config.seed());
    task = x.streamTask(config, base, UpdaterConfig.defaults(training.dataset.rules().coldThreshold(),
        config.pinnacleMode()), new StreamTask.Settings(0.2, 1.0, 10)); // the tiny stream has few warm items
  }

  @Test
  void theReplayGivesExamplesOfBothKindsAndAValidationPeriod() {
    Map<String, Object> d = task.describe();
    long validation = ((Number) d.get("validationExamples")).longValue();
    long hidden = ((Number) d.get("validationExamplesHidden")).longValue();
    assertTrue(task.trainingExamples() > 50, d.toString());
    assertTrue(validation > 10, d.toString());
    assertTrue(hidden > 0 && hidden < validation, "NEW-like and COLD examples both validate: " + d);
    assertTrue(((Number) d.get("hiddenItems")).intValue() > 0);
  }

  @Test
  void atGateZeroEveryCandidateScoresAsTheAnchor() {
    double[] anchor = task.score(PromoGlobals.initial(config), new float[config.dim()]);
    double[] other = task.score(Tensors.perturbed(PromoGlobals.initial(config), new Random(5), 0.3),
        new float[config.dim()]);
    int zero = StreamTask.GATES.length - 1;
    assertEquals(0f, StreamTask.GATES[zero]);
    assertEquals(anchor[zero], other[zero], 0.0);
    // The untrained globals serve the anchor at every gate.
    for (double s : anchor) {
      assertEquals(anchor[zero], s, 1e-9, Arrays.toString(anchor));
    }
    assertTrue(Arrays.stream(other).anyMatch(s -> s != anchor[zero]), "other globals move the served embedding");
  }

  @Test
  void trainingKeepsTheBestOfTheAnchorAndTheTrainedStage() {
    PromptStageTrainer.Trained t = task.train();
    float gate = t.globals().get(PromoGlobals.GATE).data()[0];
    assertTrue(Arrays.asList(0f, 0.25f, 0.5f, 0.75f, 1f).contains(gate), "gate " + gate);
    double anchor = ((Number) task.describe().get("validationAnchor")).doubleValue();
    assertTrue(t.bestValidation() >= anchor, t.bestValidation() + " against the anchor's " + anchor);
    assertTrue(Double.isFinite(t.bestValidation()));
  }
}
