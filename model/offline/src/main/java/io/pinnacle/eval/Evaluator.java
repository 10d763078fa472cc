package io.pinnacle.eval;

import java.util.ArrayList;
import java.util.List;

/** Runs the leave-one-out ranking protocol for any {@link Recommender}. */
public final class Evaluator {
  /** How the negative candidates are drawn. */
  public enum Negatives { UNIFORM, POPULARITY }

  private final LeaveOneOutSplit split;
  private final int negatives;
  private final long seed;
  private final double[] popularityCdf;
  private final List<RankingQuery> validation;
  private final List<RankingQuery> test;

  public Evaluator(LeaveOneOutSplit split, int negatives, long seed) {
    this(split, negatives, seed, Negatives.UNIFORM);
  }

  public Evaluator(LeaveOneOutSplit split, int negatives, long seed, Negatives sampling) {
    this.split = split;
    this.negatives = negatives;
    this.seed = seed;
    this.popularityCdf = sampling == Negatives.POPULARITY ? NegativeCandidates.popularityCdf(split) : null;
    this.validation = build(Stage.VALIDATION);
    this.test = build(Stage.TEST);
  }

  public Evaluator(LeaveOneOutSplit split) {
    this(split, NegativeCandidates.DEFAULT_COUNT, 2024L);
  }

  /** The protocol's count and seed with popularity-weighted negatives (a taste measure: popularity scores ~chance). */
  public static Evaluator popularityNegatives(LeaveOneOutSplit split) {
    return new Evaluator(split, NegativeCandidates.DEFAULT_COUNT, 2024L, Negatives.POPULARITY);
  }

  public List<RankingQuery> queries(Stage stage) {
    return stage == Stage.TEST ? test : validation;
  }

  private List<RankingQuery> build(Stage stage) {
    List<RankingQuery> out = new ArrayList<>();
    for (int u = 0; u < split.numUsers(); u++) {
      if (!split.evaluated(u)) {
        continue;
      }
      int[] train = split.trainPositives[u];
      int[] history;
      int positive;
      if (stage == Stage.TEST) {
        history = java.util.Arrays.copyOf(train, train.length + 1);
        history[train.length] = split.validItem[u];
        positive = split.testItem[u];
      } else {
        history = train;
        positive = split.validItem[u];
      }
      int[] neg = popularityCdf == null ? NegativeCandidates.sample(split, u, stage, negatives, seed)
          : NegativeCandidates.sampleByPopularity(split, u, stage, negatives, seed, popularityCdf);
      int[] cand = new int[neg.length + 1];
      cand[0] = positive;
      System.arraycopy(neg, 0, cand, 1, neg.length);
      out.add(new RankingQuery(u, history, cand));
    }
    return out;
  }

  public Evaluation evaluate(String name, Recommender model, Stage stage) {
    List<RankingQuery> qs = queries(stage);
    float[][] scores = model.score(qs);
    MetricSet.Accumulator cold = new MetricSet.Accumulator();
    MetricSet.Accumulator all = new MetricSet.Accumulator();
    MetricSet.Accumulator warm = new MetricSet.Accumulator();
    for (int q = 0; q < qs.size(); q++) {
      int rank = RankingMetrics.rankOfFirst(scores[q]);
      all.add(rank);
      if (split.cold[qs.get(q).candidates()[0]]) {
        cold.add(rank);
      } else {
        warm.add(rank);
      }
    }
    return new Evaluation(name, stage, cold.result(), all.result(), warm.result());
  }
}
