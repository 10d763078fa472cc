package io.pinnacle.base;

import io.pinnacle.eval.SasRecRecommender;
import io.pinnacle.training.SasRecTrainer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.pinnacle.data.SyntheticStream;
import io.pinnacle.djl.DjlRuntime;
import io.pinnacle.eval.Evaluation;
import io.pinnacle.eval.Evaluator;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.eval.Stage;
import io.pinnacle.training.TrainingDivergedException;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SasRecTrainingTest {

  @BeforeAll
  static void djl() {
    DjlRuntime.init();
  }

  @Test
  void pretrainingLowersTheLossAndBeatsRandomRankingClearly() {
    LeaveOneOutSplit split = LeaveOneOutSplit.of(SyntheticStream.generate(SyntheticStream.Config.small()));
    Evaluator evaluator = new Evaluator(split);
    SasRecConfig config = SasRecConfig.defaults().withMaxEpochs(40);
    try (NDManager m = NDManager.newBaseManager(); SasRec model = new SasRec(m, config, split.numItems())) {
      SasRecTrainer.Result r = new SasRecTrainer(config).pretrain(model, split, evaluator);
      double first = r.losses().get(0);
      double last = r.losses().get(r.losses().size() - 1);
      assertTrue(last < first - 0.5, "loss should fall: " + r.losses());
      Evaluation test = evaluator.evaluate("pretrained", new SasRecRecommender(model), Stage.TEST);
      // Random ranking among 101 gives HR@10 = 10/101 = 0.099 and NDCG@10 = 0.045: ask for 1.8 times that (after 40
      // epochs this model lands at 0.195 on the synthetic stream with uneven item appeal and new-item traffic; it
      // learns popularity first and taste after about 100 epochs).
      assertTrue(test.all().hr10() >= 1.8 * 10.0 / 101, "HR@10 " + test.all().hr10());
      assertTrue(test.all().ndcg10() > 0.09, "NDCG@10 " + test.all().ndcg10());
    }
  }

  @Test
  void frozenArtifactParametersAreUnchangedByFineTuning() {
    LeaveOneOutSplit split = LeaveOneOutSplit.of(SyntheticStream.generate(SyntheticStream.Config.tiny()));
    SasRecConfig config = SasRecConfig.defaults().withMaxEpochs(2);
    try (NDManager m = NDManager.newBaseManager(); SasRec base = new SasRec(m, config, split.numItems())) {
      NamedTensors before = base.snapshot();
      try (SasRec tuned = new SasRec(m, config, base.snapshot())) {
        new SasRecTrainer(config).train(tuned, split, null, i -> true, e -> 0, 1e-2f, 2, "test");
        int cell = 3 * config.dim() + 1; // item 3 (row 0 is padding and never moves)
        assertTrue(tuned.snapshot().get(SasRec.ITEM_EMBEDDING).data()[cell]
            != before.get(SasRec.ITEM_EMBEDDING).data()[cell], "tuning should move the copy");
      }
      for (var e : before.all().entrySet()) {
        assertArrayEquals(e.getValue().data(), base.snapshot().get(e.getKey()).data(), e.getKey());
      }
    }
  }

  /**
   * A step whose loss is not finite is never applied: the trainer restores the last good parameters, continues at a
   * lower rate, and records the recovery. The fault is injected through the target filter, which the trainer calls
   * while building each batch, before the forward pass.
   */
  @Test
  void aNonFiniteLossOnceIsRecoveredFromAndRecorded() {
    LeaveOneOutSplit split = LeaveOneOutSplit.of(SyntheticStream.generate(SyntheticStream.Config.tiny()));
    Evaluator evaluator = new Evaluator(split);
    SasRecConfig config = SasRecConfig.defaults().toBuilder().maxEpochs(6).evalEvery(1).build();
    try (NDManager m = NDManager.newBaseManager(); SasRec model = new SasRec(m, config, split.numItems())) {
      int[] calls = {0};
      SasRecTrainer.Result r = new SasRecTrainer(config).train(model, split, evaluator, item -> {
        if (++calls[0] == 3_000) {
          poison(model);
        }
        return true;
      }, e -> e.all().ndcg10(), config.learningRate(), config.maxEpochs(), "test");
      assertEquals(1, r.recoveries().size(), "one recovery: " + r.recoveries());
      assertTrue(r.recoveries().get(0).cause().startsWith("loss NaN"), r.recoveries().toString());
      assertEquals(config.learningRate() / 2, r.recoveries().get(0).learningRate(), 1e-9);
      assertTrue(r.losses().stream().allMatch(Double::isFinite), "only finite epochs are kept: " + r.losses());
      assertTrue(Double.isFinite(r.bestValidation()) && r.bestValidation() > 0, "validation " + r.bestValidation());
      for (var e : model.snapshot().all().entrySet()) {
        for (float x : e.getValue().data()) {
          assertTrue(Float.isFinite(x), e.getKey() + " holds a non-finite number after training");
        }
      }
    }
  }

  @Test
  void aRunThatKeepsDivergingStopsWithTheEpochAndCause() {
    LeaveOneOutSplit split = LeaveOneOutSplit.of(SyntheticStream.generate(SyntheticStream.Config.tiny()));
    SasRecConfig config = SasRecConfig.defaults().toBuilder().maxEpochs(20).build();
    try (NDManager m = NDManager.newBaseManager(); SasRec model = new SasRec(m, config, split.numItems())) {
      int[] calls = {0};
      TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () ->
          new SasRecTrainer(config).train(model, split, null, item -> {
            if (++calls[0] > 2_000) {
              poison(model); // every batch from here on
            }
            return true;
          }, x -> 0, config.learningRate(), config.maxEpochs(), "pretrain"));
      assertTrue(e.getMessage().matches("pretrain diverged: loss NaN at epoch \\d+, batch \\d+, after 3 "
          + "recoveries .*"), e.getMessage());
    }
  }

  private static void poison(SasRec model) {
    NDArray position = model.parameters().get("position");
    float[] nan = new float[(int) position.size()];
    Arrays.fill(nan, Float.NaN);
    position.set(nan);
  }

  /**
   * The same seed trains the same model, bit for bit, with memory laid out differently in between (MKL_CBWR is set
   * by the build and ./pinnacle; without it, MKL picks code paths by alignment and runs drift apart).
   */
  @Test
  void theSameSeedTrainsTheSameModel() {
    LeaveOneOutSplit split = LeaveOneOutSplit.of(SyntheticStream.generate(SyntheticStream.Config.tiny()));
    SasRecConfig config = SasRecConfig.defaults().withMaxEpochs(6);
    // Run 0 warms the process: the first training in a JVM can differ in the last bits from later ones (seen when
    // no earlier test had run a DJL forward pass of these shapes), while ./pinnacle pretrain always trains first in
    // a fresh JVM. Runs 1 and 2 are compared.
    float[][] trained = new float[3][];
    for (int run = 0; run < 3; run++) {
      try (NDManager m = NDManager.newBaseManager()) {
        // A differently sized allocation first, so the second run's tensors do not reuse the first run's addresses.
        m.zeros(new Shape(1 + 997 * run));
        try (SasRec model = new SasRec(m, config, split.numItems())) {
          new SasRecTrainer(config).train(model, split, null, i -> true, e -> 0, 1e-3f, 6, "test");
          trained[run] = model.snapshot().get("block1.ff2").data();
        }
      }
    }
    assertArrayEquals(trained[1], trained[2]);
  }
}
