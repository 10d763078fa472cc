package io.pinnacle.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pinnacle.eval.Evaluation;
import io.pinnacle.eval.MetricSet;
import io.pinnacle.eval.Stage;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/** The validation rule every adaptation method is selected by: cold-item gains only within the all-user budget. */
class SelectionTest {

  private static Evaluation validation(double cold, double all) {
    return new Evaluation("x", Stage.VALIDATION, metrics(cold), metrics(all), metrics(all));
  }

  private static MetricSet metrics(double hr10) {
    return new MetricSet(100, hr10, hr10, hr10, hr10);
  }

  @Test
  void theBestColdHitRateWithinTheBudgetWins() {
    Evaluation base = validation(0.20, 0.60);
    ToDoubleFunction<Evaluation> rule = ValidationSelection.rule(base);
    double within = rule.applyAsDouble(validation(0.30, 0.60 - ValidationSelection.ALL_USER_BUDGET));
    double better = rule.applyAsDouble(validation(0.25, 0.62));
    double over = rule.applyAsDouble(validation(0.90, 0.60 - ValidationSelection.ALL_USER_BUDGET - 0.002));
    double baseScore = rule.applyAsDouble(base);
    assertTrue(within > better, "a larger cold gain within the budget beats a smaller one");
    assertTrue(better > baseScore, "a cold gain within the budget beats the base");
    assertTrue(baseScore > over, "any cold gain over the budget ranks below the base");
  }

  @Test
  void overBudgetCandidatesRankByTheirAllUserHitRate() {
    ToDoubleFunction<Evaluation> rule = ValidationSelection.rule(validation(0.20, 0.60));
    assertTrue(rule.applyAsDouble(validation(0.10, 0.58)) > rule.applyAsDouble(validation(0.50, 0.55)));
  }

  @Test
  void equalColdHitRatesTieToTheHigherAllUserHitRate() {
    ToDoubleFunction<Evaluation> rule = ValidationSelection.rule(validation(0.20, 0.60));
    assertTrue(rule.applyAsDouble(validation(0.30, 0.61)) > rule.applyAsDouble(validation(0.30, 0.60)));
  }

  @Test
  void aGateMovesEachRowPartWayFromTheBase() {
    float[][] base = {{0f, 0f}, {1f, 2f}};
    float[][] table = {{0f, 0f}, {3f, -2f}};
    float[][] half = ValidationSelection.gated(base, table, 0.5f);
    assertArrayEquals(new float[] {2f, 0f}, half[1], 1e-6f);
    assertArrayEquals(base[1], ValidationSelection.gated(base, table, 0f)[1], 1e-6f);
    assertArrayEquals(table[1], ValidationSelection.gated(base, table, 1f)[1], 1e-6f);
  }

  @Test
  void theExperimentUsesTheOneRule() {
    assertSame(ValidationSelection.GATES, PromoExperiment.GATES);
  }
}
