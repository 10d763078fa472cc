package io.pinnacle.eval;

import java.util.List;

/** Anything that can be evaluated: scores a batch of ranking queries, row per query, column per candidate. */
@FunctionalInterface
public interface Recommender {
  float[][] score(List<RankingQuery> queries);
}
