package io.pinnacle.feedback;

/** How pinnacle users are chosen: by value (the paper's Eq. 4, default) or the most recent (the authors' code). */
public enum PinnacleMode {
  VALUE,
  RECENCY
}
