package io.pinnacle.tuning;

import io.pinnacle.training.PromptStageTrainer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.training.TrainingDivergedException;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** The prompt stage under the same divergence guard as the base: one bad batch is recovered from, endless ones stop. */
class PromptStageGuardTest {
  private static final int DIM = 8;
  private final PromoConfig config = PromoFixtures.config(DIM).withPromptEpochs(6);
  private final List<ItemTuningInput> items = PromoFixtures.items(40, DIM, config.k(), 5L);
  private final int[] ids = java.util.stream.IntStream.rangeClosed(1, 40).toArray();

  @Test
  void aNonFiniteBatchIsNotAppliedAndTrainingGoesOn() {
    int[] calls = {0};
    PromptStageTrainer.Trained t = new PromptStageTrainer(config, 1f).train(ids,
        inputs(item -> ++calls[0] == 70), 41, candidate -> 0.5);
    assertEquals(1, t.recoveries().size(), t.recoveries().toString());
    assertTrue(t.recoveries().get(0).cause().startsWith("loss NaN"), t.recoveries().toString());
    assertTrue(t.losses().stream().allMatch(Double::isFinite), t.losses().toString());
    for (var e : t.globals().all().entrySet()) {
      for (float x : e.getValue().data()) {
        assertTrue(Float.isFinite(x), e.getKey());
      }
    }
  }

  @Test
  void aStageThatKeepsDivergingStopsLoudly() {
    int[] calls = {0};
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () ->
        new PromptStageTrainer(config, 1f).train(ids, inputs(item -> ++calls[0] > 60), 41, candidate -> 0.5));
    assertTrue(e.getMessage().startsWith("prompt stage diverged: loss NaN at epoch"), e.getMessage());
  }

  /** Item inputs by id; where {@code poison} says so, the item's pinnacle users are NaN. */
  private IntFunction<ItemTuningInput> inputs(java.util.function.IntPredicate poison) {
    return id -> {
      ItemTuningInput in = items.get(id - 1);
      if (!poison.test(id)) {
        return in;
      }
      float[][] pin = new float[in.pinnacle().length][DIM];
      for (float[] row : pin) {
        Arrays.fill(row, Float.NaN);
      }
      return new ItemTuningInput(in.itemId(), in.base(), pin, in.negatives(), in.sampleUsers(), in.labels(),
          in.sampleSelf(), in.warmScore(), in.state());
    };
  }
}
