package io.pinnacle.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EarlyStoppingTest {
  /** Falling after the best: stops after exactly {@code patience} evaluations. */
  @Test
  void aFallingCurveStopsAfterThePatience() {
    EarlyStopping s = new EarlyStopping(3, 0.0);
    assertTrue(s.offer(5, 0.5));
    assertFalse(s.offer(10, 0.45));
    assertFalse(s.offer(15, 0.44));
    assertFalse(s.shouldStop());
    assertFalse(s.offer(20, 0.40));
    assertTrue(s.shouldStop());
    assertEquals(5, s.bestEpoch());
  }

  /** A dip that climbs back (the seed-13 synthetic curve): training goes on past the patience, to a new best. */
  @Test
  void aRecoveringCurveGoesOn() {
    EarlyStopping s = new EarlyStopping(3, 0.0);
    s.offer(25, 0.0946);
    s.offer(30, 0.0900);
    s.offer(35, 0.0870);
    s.offer(40, 0.0890);
    assertFalse(s.shouldStop(), "the latest score is above the window's mean: recovering");
    s.offer(45, 0.0920);
    assertFalse(s.shouldStop());
    assertTrue(s.offer(50, 0.0960), "a new best after the dip");
    assertEquals(50, s.bestEpoch());
  }

  /** Recovery is bounded: twice the patience without a new best stops whatever the curve does. */
  @Test
  void recoveryIsBounded() {
    EarlyStopping s = new EarlyStopping(2, 0.0);
    s.offer(1, 1.0);
    s.offer(2, 0.1);
    s.offer(3, 0.2);
    assertFalse(s.shouldStop(), "rising");
    s.offer(4, 0.3);
    assertFalse(s.shouldStop(), "still rising, three evaluations since the best");
    s.offer(5, 0.4);
    assertTrue(s.shouldStop(), "four evaluations since the best: stops although rising");
  }
}
