package io.pinnacle.tuning;

import java.util.Locale;

/**
 * What a cold item's served embedding is made of. Every source is computed by {@link ColdItemUpdater} from the item's
 * own state, so the job can serve any of them and every replay computes the same one; {@link ServingTable} says which
 * one an item gets.
 */
public enum ServedSource {
  /** The starting embedding: the base's (a COLD item), else the content start (a NEW item), else zero. */
  START,
  /** The start moved by the centered co-liked mean ({@link ServingRule#anchor}). */
  ANCHOR,
  /**
   * The co-liked mean itself, blended with the base embedding by positive count: ((P a + n c) / (P + n)), P the
   * training positives; for a NEW item (P = 0) the co-liked mean alone. Item-kNN's co-occurrence projected into
   * the embedding space.
   */
  CO_LIKED,
  /**
   * The co-liked blend's direction at the starting embedding's norm (the item table's mean norm for an item that
   * starts at zero): what item-kNN says of the item's audience, without the blend's shrinking of the item toward
   * the mean, which lowers it in every list.
   */
  CO_LIKED_SCALED,
  /** The mean of the vectors the item's likers had when they liked it (the start before the first). */
  USERS,
  /**
   * The direction of the likers' mean vector at the mean norm of the base's item embeddings: the likers' taste on
   * the item table's scale (user vectors are larger, so {@link #USERS} outranks every warm item for everyone).
   */
  USERS_SCALED,
  /** PROMO's prompt network on top of the anchor (the tuned embedding). */
  PROMO,
  /**
   * The anchor moved by a per-item ridge regression of its kept likers against its kept rejecters
   * ({@link PosteriorUpdate}).
   */
  POSTERIOR;

  /** The name used in settings and tables: lower case, dash for underscore. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static ServedSource parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown served source '" + s + "'; one of start, anchor, co-liked, "
          + "co-liked-scaled, users, users-scaled, promo, posterior");
    }
  }
}
