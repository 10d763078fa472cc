package io.pinnacle.prequential;

/**
 * One row of the prequential tables: a way to score (user, item) from what the stream has shown so far, and to
 * learn from each event after it was evaluated.
 */
abstract class Row {
  /** One labelled event as the rows see it, with the user's vector and co-liked vector from their history before it. */
  record Event(int user, long userId, int item, long itemId, boolean positive, float value, long timeMs,
               float[] userVector, float[] coLiked, boolean afterSplit) {}

  final String name;
  /** False for rows printed only under placement (their targeting is meaningless or trivially 0.5). */
  final boolean targeting;

  Row(String name, boolean targeting) {
    this.name = name;
    this.targeting = targeting;
  }

  abstract float score(StreamState s, int user, int item);

  /** Learns from an event (called after the event was evaluated, before the shared state counts it). */
  void observe(StreamState s, Event e) {}

  /** Brings pending work up to date before an evaluation (PROMO-stream's micro-batch). */
  void sync() {}
}
