package io.pinnacle.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pinnacle.schema.InteractionEvent;
import org.junit.jupiter.api.Test;

class FeedbackRulesTest {
  private static InteractionEvent.Builder event() {
    return InteractionEvent.newBuilder().setEventId("e").setUserId(1).setItemId(2).setEventTimeMs(3);
  }

  @Test
  void movieLensUsesRatingThresholdAndRatingAsValue() {
    FeedbackRules r = FeedbackRules.movieLens();
    assertEquals(Label.POSITIVE, r.label(event().setRating(4f).build()));
    assertEquals(Label.NEGATIVE, r.label(event().setRating(3.5f).build()));
    assertEquals(Label.IGNORED, r.label(event().build()));
    assertEquals(5.0, r.pinnacleValue(event().setRating(5f).build()), 1e-9);
  }

  @Test
  void kuaiRandValueIsCappedCompletionPlusWeightedInteractions() {
    FeedbackRules r = FeedbackRules.kuaiRand();
    InteractionEvent e = event().setClicked(true).setDwellMs(30_000).setItemDurationMs(20_000L).setLiked(true)
        .setForwarded(true).build();
    assertEquals(Label.POSITIVE, r.label(e));
    assertEquals(1.0 * 1.0 + 1.0 * (1.0 + 2.0), r.pinnacleValue(e), 1e-9);
    InteractionEvent half = event().setClicked(false).setDwellMs(5_000).setItemDurationMs(20_000L).build();
    assertEquals(Label.NEGATIVE, r.label(half));
    assertEquals(0.25, r.pinnacleValue(half), 1e-9);
    assertEquals(0.0, FeedbackRules.completionRate(event().setDwellMs(5).build()), 1e-9);
  }
}
