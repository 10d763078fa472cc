package io.pinnacle.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pinnacle.data.SyntheticStream;
import org.junit.jupiter.api.Test;

class NegativeCandidatesTest {
  private final LeaveOneOutSplit split = LeaveOneOutSplit.of(SyntheticStream.generate(SyntheticStream.Config.small()));

  @Test
  void popularityWeightedNegativesAreFixedPerUserAndLeanToPopularItems() {
    double[] cdf = NegativeCandidates.popularityCdf(split);
    double uniform = 0;
    double weighted = 0;
    int users = 0;
    for (int u = 0; u < split.numUsers(); u++) {
      if (!split.evaluated(u)) {
        continue;
      }
      int[] a = NegativeCandidates.sampleByPopularity(split, u, Stage.VALIDATION, 100, 7L, cdf);
      assertArrayEquals(a, NegativeCandidates.sampleByPopularity(split, u, Stage.VALIDATION, 100, 7L, cdf));
      for (int item : a) {
        assertFalse(split.hasInteracted(u, item), "a negative the user interacted with");
        weighted += split.itemTrainPositives[item];
      }
      for (int item : NegativeCandidates.sample(split, u, Stage.VALIDATION, 100, 7L)) {
        uniform += split.itemTrainPositives[item];
      }
      users++;
    }
    assertTrue(users > 0);
    assertTrue(weighted > 1.2 * uniform, "mean positives of the negatives: weighted " + weighted / users / 100
        + ", uniform " + uniform / users / 100);
  }

  /** Against popularity-weighted negatives, ranking by training positives is no longer a strong row. */
  @Test
  void countingPositivesLosesMostOfItsHitRateAgainstPopularNegatives() {
    Recommender popularity = new TrainingPositivesRanker(split);
    double uniform = new Evaluator(split).evaluate("p", popularity, Stage.VALIDATION).all().hr10();
    double weighted = Evaluator.popularityNegatives(split).evaluate("p", popularity, Stage.VALIDATION).all().hr10();
    assertTrue(weighted < 0.6 * uniform, "HR@10 uniform " + uniform + ", popularity-weighted " + weighted);
  }
}
