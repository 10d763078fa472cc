package io.pinnacle.retention;

/**
 * A sampled pinnacle pair (user, item) followed from the moment the user entered the item's pinnacle set (t0).
 * {@code state}: 0 = not yet evaluated at t0, 1 = correct at t0 (re-evaluated at every later update), 2 = not
 * correct at t0 (not followed further). The user's vector is not kept: it is looked up when the pair is evaluated.
 * {@code threshold} is the score of the pair's K-th best candidate: the candidates and the frozen user vector never
 * change, so "ranked within the top K" is "scores above the threshold", one dot product per evaluation.
 */
public record TrackedPair(long userId, long negativesAtT0, byte state, float scoreAtT0, float threshold) {
  public static final byte PENDING = 0;
  public static final byte CORRECT = 1;
  public static final byte MISSED = 2;

  public TrackedPair withT0(boolean correct, float score) {
    return new TrackedPair(userId, negativesAtT0, correct ? CORRECT : MISSED, score, threshold);
  }
}
