package io.pinnacle.pipeline;

import io.pinnacle.eval.RankingQuery;
import io.pinnacle.eval.Recommender;
import java.util.List;

/**
 * Scores with fixed tables: user vectors by dense user, item vectors by dense item; score = u . i / tau, plus an
 * optional per-item offset (the same for every user: a taste-free shift, used as a no-information row).
 */
final class EmbeddingRecommender implements Recommender {
  private final float[][] users;
  private final float[][] items;
  private final float tau;
  private final float[] offset;

  EmbeddingRecommender(float[][] users, float[][] items, float tau) {
    this(users, items, tau, null);
  }

  EmbeddingRecommender(float[][] users, float[][] items, float tau, float[] offset) {
    this.users = users;
    this.items = items;
    this.tau = tau;
    this.offset = offset;
  }

  @Override
  public float[][] score(List<RankingQuery> queries) {
    float[][] out = new float[queries.size()][];
    for (int q = 0; q < queries.size(); q++) {
      float[] u = users[queries.get(q).user()];
      int[] cand = queries.get(q).candidates();
      out[q] = new float[cand.length];
      for (int c = 0; c < cand.length; c++) {
        float[] v = items[cand[c]];
        float s = 0;
        for (int k = 0; k < u.length; k++) {
          s += u[k] * v[k];
        }
        out[q][c] = s / tau + (offset == null ? 0f : offset[cand[c]]);
      }
    }
    return out;
  }
}
