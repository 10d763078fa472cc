package io.pinnacle.feedback;

/** How one interaction counts as feedback for its item. */
public enum Label {
  POSITIVE,
  NEGATIVE,
  /** Neither: not used as feedback (for example a rating-less event in explicit-rating data). */
  IGNORED
}
