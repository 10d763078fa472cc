package io.pinnacle.tuning;

import io.pinnacle.users.UserVectors;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pinnacle.feedback.ItemFeedbackState;
import io.pinnacle.feedback.PinnacleMode;
import org.junit.jupiter.api.Test;

class PosteriorUpdateTest {
  private static final UserVectors NONE = userId -> null;

  private static float dot(float[] a, float[] b) {
    float s = 0;
    for (int k = 0; k < a.length; k++) {
      s += a[k] * b[k];
    }
    return s;
  }

  @Test
  void servesTheAnchorWithoutUsers() {
    float[] anchor = {0.5f, -1f, 2f};
    ItemFeedbackState f = new ItemFeedbackState(10, PinnacleMode.VALUE, 16, 1);
    assertArrayEquals(anchor, PosteriorUpdate.of(anchor, 5, 1f, null, f, NONE));
    f.positive(1, 1f, 10); // a liker whose vector nobody knows
    assertArrayEquals(anchor, PosteriorUpdate.of(anchor, 5, 1f, null, f, NONE));
  }

  @Test
  void agreeingLikersMoveTheItemByTheirShareOfAnItemsNorm() {
    float[] anchor = new float[3];
    ItemFeedbackState f = new ItemFeedbackState(10, PinnacleMode.VALUE, 16, 1);
    float[] u = {0f, 3f, 4f}; // norm 5: the change is on the item scale whatever the users' scale
    for (int j = 0; j < 3; j++) {
      f.positive(j, u.clone(), 1f, 10 + j);
    }
    float[] v = PosteriorUpdate.of(anchor, 2, 2f, null, f, NONE);
    // n / (n + w) of the item norm 2 along u: 3 / 5 * 2 = 1.2
    assertArrayEquals(new float[] {0f, 1.2f * 0.6f, 1.2f * 0.8f}, v, 1e-5f);
  }

  @Test
  void rejectersPullTheItemAwayFromTheirTaste() {
    float[] anchor = {0.1f, 0.1f};
    float[] liker = {1f, 0.2f};
    float[] rejecter = {0.2f, 1f};
    ItemFeedbackState f = new ItemFeedbackState(10, PinnacleMode.VALUE, 16, 1);
    f.positive(1, liker, 1f, 10);
    f.negative(2, rejecter, 11);
    float[] v = PosteriorUpdate.of(anchor, 5, 1f, null, f, NONE);
    assertTrue(dot(liker, v) > dot(liker, anchor));
    assertTrue(dot(rejecter, v) < dot(rejecter, anchor));
    assertTrue(dot(liker, v) - dot(rejecter, v) > dot(liker, anchor) - dot(rejecter, anchor));
  }

  @Test
  void theChangeLeavesTheMeanUsersScoreAlone() {
    float[] anchor = {0.3f, 0.1f};
    float[] meanUser = {1f, 1f};
    ItemFeedbackState f = new ItemFeedbackState(10, PinnacleMode.VALUE, 16, 1);
    f.positive(1, new float[] {2f, 0.5f}, 1f, 10);
    f.positive(2, new float[] {1.5f, 1f}, 1f, 11);
    float[] v = PosteriorUpdate.of(anchor, 3, 1f, meanUser, f, NONE);
    assertEquals(dot(meanUser, anchor), dot(meanUser, v), 1e-5f);
    assertTrue(v[0] > anchor[0]); // still toward what the likers share beyond the mean
  }

  @Test
  void aUserWhoLikedTheItemOnceIsALiker() {
    float[] anchor = new float[2];
    float[] u = {1f, 0f};
    ItemFeedbackState f = new ItemFeedbackState(10, PinnacleMode.VALUE, 16, 1);
    f.negative(1, u, 10);
    f.positive(1, u, 1f, 11);
    assertTrue(PosteriorUpdate.of(anchor, 1, 1f, null, f, NONE)[0] > 0);
  }

  @Test
  void choleskySolvesASymmetricSystem() {
    // lower triangles of [[4, 2, 0], [2, 5, 1], [0, 1, 3]]
    double[] a = {4, 0, 0, 2, 5, 0, 0, 1, 3};
    double[] x = PosteriorUpdate.solveSpd(a, new double[] {6, 8, 4}, 3);
    assertEquals(1.0, x[0], 1e-12);
    assertEquals(1.0, x[1], 1e-12);
    assertEquals(1.0, x[2], 1e-12);
  }
}
