package io.pinnacle.cli;

import ai.djl.ndarray.NDManager;
import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.base.SasRec;
import io.pinnacle.eval.SasRecRecommender;
import io.pinnacle.eval.Evaluation;
import io.pinnacle.eval.Evaluator;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.eval.Stage;
import io.pinnacle.eval.TrainingPositivesRanker;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A base's leave-one-out ranking over all users beside ranking by training positives, against uniformly drawn
 * negatives (the protocol) and against negatives drawn by popularity (where counting positives is near chance, so
 * what is left is taste).
 */
final class BaseRanking {
  private BaseRanking() {}

  static Map<String, Object> of(LeaveOneOutSplit split, BaseModelArtifact artifact) {
    Map<String, Object> out = new LinkedHashMap<>();
    TrainingPositivesRanker popularity = new TrainingPositivesRanker(split);
    try (NDManager m = NDManager.newBaseManager();
         SasRec model = new SasRec(m, artifact.metadata().config(), artifact.parameters())) {
      SasRecRecommender base = new SasRecRecommender(model);
      for (Evaluator.Negatives sampling : Evaluator.Negatives.values()) {
        Evaluator ev = sampling == Evaluator.Negatives.UNIFORM ? new Evaluator(split)
            : Evaluator.popularityNegatives(split);
        for (Stage stage : Stage.values()) {
          Evaluation b = ev.evaluate("base", base, stage);
          Evaluation p = ev.evaluate("training positives", popularity, stage);
          String key = sampling.name().toLowerCase() + "Negatives" + (stage == Stage.TEST ? "Test" : "Validation");
          out.put(key, Map.of("baseHr10All", b.all().hr10(), "baseNdcg10All", b.all().ndcg10(),
              "baseHr10Cold", b.cold().hr10(), "trainingPositivesHr10All", p.all().hr10()));
        }
      }
    }
    return out;
  }
}
