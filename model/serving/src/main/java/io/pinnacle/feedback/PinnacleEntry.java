package io.pinnacle.feedback;

/**
 * One pinnacle candidate: a user who gave the item positive feedback, with its value (Eq. 4), its time and the
 * user's vector as of that feedback (null when none was known: the tuner then looks the user up).
 */
public record PinnacleEntry(long userId, float value, long timeMs, float[] vector) {
  public PinnacleEntry(long userId, float value, long timeMs) {
    this(userId, value, timeMs, null);
  }
}
