package io.pinnacle.feedback;

/** One pinnacle candidate: a user who gave the item positive feedback, with its value (Eq. 4) and time. */
public record PinnacleEntry(long userId, float value, long timeMs) {}
