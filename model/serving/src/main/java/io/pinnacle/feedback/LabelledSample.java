package io.pinnacle.feedback;

/**
 * A labelled interaction kept for the rec loss: the user, whether it was positive, and the user's vector as of that
 * feedback (null when none was known).
 */
public record LabelledSample(long userId, boolean positive, long timeMs, float[] vector) {
  public LabelledSample(long userId, boolean positive, long timeMs) {
    this(userId, positive, timeMs, null);
  }
}
