package io.pinnacle.feedback;

import io.pinnacle.schema.InteractionEvent;

/**
 * Per data set rules that turn raw signals into feedback. Pinnacle value (PROMO Eq. 4) is
 * {@code v = alpha * CR + beta * IR}, with CR the completion rate (dwell / item duration, capped at 1) and IR the
 * interaction score (a weighted sum of like, follow, comment and forward, or the explicit rating).
 *
 * @param positiveRating   for explicit ratings: rating >= this is positive, lower is negative
 * @param useClicks        implicit data: clicked is positive, shown but not clicked is negative
 * @param coldThreshold    an item with fewer positives than this in the training period is cold
 * @param minUserPositives users with fewer positives are not evaluated (leave-one-out needs test + validation)
 */
public record FeedbackRules(
    float positiveRating,
    boolean useClicks,
    double alpha,
    double beta,
    double likeWeight,
    double followWeight,
    double commentWeight,
    double forwardWeight,
    int coldThreshold,
    int minUserPositives) implements java.io.Serializable {

  /** MovieLens: rating >= 4 positive, IR = rating, no CR; cold below 20 positives (the paper's ML-100K rule). */
  /** The rules of a data set by name: movielens, kuairand or synthetic. */
  public static FeedbackRules named(String name) {
    return switch (name) {
      case "movielens" -> movieLens();
      case "kuairand" -> kuaiRand();
      case "synthetic" -> synthetic();
      default -> throw new IllegalArgumentException("feedback rules are movielens, kuairand or synthetic, not " + name);
    };
  }

  public static FeedbackRules movieLens() {
    return new FeedbackRules(4f, false, 0.0, 1.0, 0, 0, 0, 0, 20, 3);
  }

  /** KuaiRand: click positive (the PROMO authors' rule), cold below 50 clicks, evaluated users >= 10 clicks. */
  public static FeedbackRules kuaiRand() {
    return new FeedbackRules(0f, true, 1.0, 1.0, 1.0, 2.0, 1.0, 2.0, 50, 10);
  }

  public static FeedbackRules synthetic() {
    return new FeedbackRules(0f, true, 1.0, 1.0, 1.0, 2.0, 1.0, 2.0, 20, 5);
  }

  public Label label(InteractionEvent e) {
    if (useClicks) {
      return e.getClicked() ? Label.POSITIVE : Label.NEGATIVE;
    }
    Float r = e.getRating();
    if (r == null) {
      return Label.IGNORED;
    }
    return r >= positiveRating ? Label.POSITIVE : Label.NEGATIVE;
  }

  /** Completion rate CR in [0, 1]; 0 when the item has no duration. */
  public static double completionRate(InteractionEvent e) {
    Long duration = e.getItemDurationMs();
    if (duration == null || duration <= 0) {
      return 0.0;
    }
    return Math.min(1.0, Math.max(0.0, e.getDwellMs() / (double) duration));
  }

  public double interactionScore(InteractionEvent e) {
    if (!useClicks) {
      Float r = e.getRating();
      return r == null ? 0.0 : r;
    }
    return (e.getLiked() ? likeWeight : 0) + (e.getFollowed() ? followWeight : 0)
        + (e.getCommented() ? commentWeight : 0) + (e.getForwarded() ? forwardWeight : 0);
  }

  public double pinnacleValue(InteractionEvent e) {
    return alpha * completionRate(e) + beta * interactionScore(e);
  }

  public FeedbackRules withColdThreshold(int threshold) {
    return new FeedbackRules(positiveRating, useClicks, alpha, beta, likeWeight, followWeight, commentWeight,
        forwardWeight, threshold, minUserPositives);
  }
}
