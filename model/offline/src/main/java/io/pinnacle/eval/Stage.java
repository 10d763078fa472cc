package io.pinnacle.eval;

/** Which held-out item is ranked: validation (model selection) or test (reported once). */
public enum Stage {
  VALIDATION,
  TEST
}
