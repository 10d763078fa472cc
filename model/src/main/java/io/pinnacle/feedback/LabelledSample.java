package io.pinnacle.feedback;

/** A labelled interaction kept for the rec loss: the user and whether it was positive. */
public record LabelledSample(long userId, boolean positive, long timeMs) {}
