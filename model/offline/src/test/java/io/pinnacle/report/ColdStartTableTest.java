package io.pinnacle.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pinnacle.eval.Evaluation;
import io.pinnacle.eval.MetricSet;
import io.pinnacle.eval.Stage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every row of the evaluate table shows what it costs warm users against the first row, the base. */
class ColdStartTableTest {
  @Test
  void showsTheCostToAllAndToWarmUsersAgainstTheBase() {
    Evaluation base = new Evaluation("Pre-train", Stage.TEST, new MetricSet(10, 0.2, 0.4, 0.1, 0.2),
        new MetricSet(100, 0.5, 0.70, 0.3, 0.4), new MetricSet(90, 0.55, 0.733, 0.33, 0.42));
    Evaluation promo = new Evaluation("PROMO", Stage.TEST, new MetricSet(10, 0.3, 0.6, 0.2, 0.3),
        new MetricSet(100, 0.5, 0.68, 0.3, 0.4), new MetricSet(90, 0.5, 0.689, 0.3, 0.4));
    String md = ColdStartTable.markdown(List.of(base, promo), Map.of());
    assertTrue(md.contains("| warm HR@10 | all HR@10 vs Pre-train | warm HR@10 vs base |"), md);
    assertTrue(md.contains("| 0.689 | -2.0 pt | -4.4 pt |"), md);
    assertTrue(md.contains("| 0.733 | +0.0 pt | +0.0 pt |"), md);
  }
}
