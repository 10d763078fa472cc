package io.pinnacle.eval;

/**
 * One ranking task: score {@code candidates} for {@code user}, whose known positives (in time order) are
 * {@code history}. {@code candidates[0]} is the held-out positive, the rest are sampled negatives.
 */
public record RankingQuery(int user, int[] history, int[] candidates) {}
