package io.pinnacle.eval;

import java.util.List;

/** Ranks candidates by their training positives alone: the row a base must beat to carry any taste. */
public final class TrainingPositivesRanker implements Recommender {
  private final int[] positives;

  public TrainingPositivesRanker(LeaveOneOutSplit split) {
    this.positives = split.itemTrainPositives.clone();
  }

  @Override
  public float[][] score(List<RankingQuery> queries) {
    float[][] out = new float[queries.size()][];
    for (int q = 0; q < out.length; q++) {
      int[] cand = queries.get(q).candidates();
      out[q] = new float[cand.length];
      for (int c = 0; c < cand.length; c++) {
        out[q][c] = positives[cand[c]];
      }
    }
    return out;
  }
}
