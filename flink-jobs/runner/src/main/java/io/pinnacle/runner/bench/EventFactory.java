package io.pinnacle.runner.bench;

import io.pinnacle.schema.InteractionEvent;
import io.pinnacle.schema.codec.AvroValueCodec;
import io.pinnacle.schema.codec.Codecs;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * KuaiRand-like synthetic interactions on a {@link Catalogue}: a configurable share of events (40% by default) on
 * cold items, the rest on warm ones, Zipf popularity within each group; users from the base model plus a small
 * share of ids it never saw; a click / like / follow / comment / forward / dwell mix so that click-based feedback
 * rules (kuairand, synthetic) label roughly a third of events positive and the rest negative. Not thread-safe: one
 * factory per producing thread.
 */
final class EventFactory {
  private final Catalogue catalogue;
  private final double coldShare;
  private final double unknownUserShare;
  private final String idPrefix;
  private final ZipfSampler coldPopularity;
  private final ZipfSampler warmPopularity;
  private final SplittableRandom rnd;
  private final AvroValueCodec<InteractionEvent> codec = Codecs.interactionEvent();
  private long sequence;
  /** Below 0: events carry the send time; else event j carries fixedStartMs + j * fixedStepMs. */
  private long fixedStartMs = -1;
  private long fixedStepMs;

  /** {@code idPrefix} makes eventIds unique across factories (phases, modes, jobs) of one benchmark. */
  EventFactory(Catalogue catalogue, double coldShare, double unknownUserShare, String idPrefix, long seed) {
    this.catalogue = catalogue;
    this.coldShare = coldShare;
    this.unknownUserShare = unknownUserShare;
    this.idPrefix = idPrefix;
    // Cold items are by definition rarely seen: a flatter curve than the warm head.
    this.coldPopularity = new ZipfSampler(catalogue.coldItems.length, 0.8);
    this.warmPopularity = new ZipfSampler(catalogue.warmItems.length, 1.0);
    this.rnd = new SplittableRandom(seed);
  }

  /**
   * Event times from a fixed clock instead of the send time, so that two replays of one seed send the same bytes
   * (the drills compare a run with a failure against one without).
   */
  EventFactory withFixedClock(long startMs, long stepMs) {
    this.fixedStartMs = startMs;
    this.fixedStepMs = stepMs;
    return this;
  }

  InteractionEvent next(long nowMs) {
    long eventTimeMs = fixedStartMs >= 0 ? fixedStartMs + sequence * fixedStepMs : nowMs;
    boolean cold = rnd.nextDouble() < coldShare;
    long item = cold ? catalogue.coldItems[coldPopularity.sample(rnd)]
        : catalogue.warmItems[warmPopularity.sample(rnd)];
    long user = rnd.nextDouble() < unknownUserShare
        ? catalogue.maxUserId + 1 + rnd.nextInt(1_000_000)
        : catalogue.users[rnd.nextInt(catalogue.users.length)];
    long duration = 5_000 + rnd.nextInt(55_000);
    boolean clicked = rnd.nextDouble() < (cold ? 0.30 : 0.38);
    // Watching: most of the video when clicked, a quick swipe away otherwise.
    long dwell = clicked ? (long) (duration * (0.3 + 0.9 * rnd.nextDouble())) : rnd.nextInt(2_500);
    return InteractionEvent.newBuilder()
        .setEventId(idPrefix + "-" + (sequence++))
        .setUserId(user)
        .setItemId(item)
        .setEventTimeMs(eventTimeMs)
        .setDwellMs(dwell)
        .setItemDurationMs(duration)
        .setClicked(clicked)
        .setLiked(clicked && rnd.nextDouble() < 0.12)
        .setFollowed(clicked && rnd.nextDouble() < 0.02)
        .setCommented(clicked && rnd.nextDouble() < 0.03)
        .setForwarded(clicked && rnd.nextDouble() < 0.015)
        .setHated(!clicked && rnd.nextDouble() < 0.005)
        .setRating(null)
        .setSource("bench")
        .build();
  }

  byte[] encode(InteractionEvent e) {
    return codec.encode(e);
  }

  /** The job's record key for an item: 8 bytes, big-endian (as its embeddings are keyed). */
  static byte[] itemKey(long itemId) {
    return ByteBuffer.allocate(8).putLong(itemId).array();
  }
}
