package io.pinnacle.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DivergenceGuardTest {

  @Test
  void finiteStepsPassAndLargeGradientsAreClipped() {
    DivergenceGuard guard = new DivergenceGuard("test", DivergenceGuard.Config.defaults(2f), 1e-3f);
    assertEquals(1f, guard.stepScale(0.7, 1.5));
    assertEquals(0.5f, guard.stepScale(0.7, 4.0), 1e-7);
    assertEquals(1, guard.clippedSteps());
  }

  @Test
  void nonFiniteNumbersAreDivergences() {
    DivergenceGuard guard = new DivergenceGuard("test", DivergenceGuard.Config.defaults(0f), 1e-3f);
    assertTrue(Float.isNaN(guard.stepScale(Double.NaN, 1)));
    assertTrue(Float.isNaN(guard.stepScale(0.5, Double.POSITIVE_INFINITY)));
    assertEquals("gradient norm Infinity", DivergenceGuard.cause(0.5, Double.POSITIVE_INFINITY));
    assertEquals(1f, guard.stepScale(0.5, 1e6), "no clipping when the clip norm is 0");
  }

  @Test
  void recoveriesLowerTheRateUntilTheyRunOutThenStopLoudly() {
    DivergenceGuard guard = new DivergenceGuard("pretrain", new DivergenceGuard.Config(2, 0.5f, 0f), 1e-3f);
    assertEquals(5e-4f, guard.recover(3, 7, "loss NaN"), 1e-10);
    assertEquals(2.5e-4f, guard.recover(4, 1, "loss NaN"), 1e-10);
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> guard.recover(5, 2, "gradient norm NaN"));
    assertTrue(e.getMessage().contains("pretrain diverged: gradient norm NaN at epoch 5, batch 2, after 2 recoveries"),
        e.getMessage());
    assertEquals(2, guard.recoveries().size());
    assertEquals(3, guard.recoveries().get(0).epoch());
  }

  @Test
  void earlyStoppingIgnoresNonFiniteScores() {
    EarlyStopping s = new EarlyStopping(2, 0.1);
    assertTrue(s.offer(5, 0.2));
    assertTrue(!s.offer(10, Double.NaN));
    assertTrue(!s.offer(15, 0.15));
    assertTrue(s.shouldStop());
    assertEquals(5, s.bestEpoch());
    assertEquals(0.2, s.best());
  }
}
