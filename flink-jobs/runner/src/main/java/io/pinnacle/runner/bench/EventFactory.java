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

  /**
   * A feed whose cold items and new users come and go, so that the job's state reaches a steady size: at any time
   * {@code itemsAlive} new items receive the cold share of events, each for {@code lifetimeSeconds} after it
   * appears and never again (a sliding window over fresh ids, each item with its own lifelong appeal, so that
   * some graduate and most do not); {@code newUserShare} of events come from {@code usersAlive} new users living
   * as long. With a TTL shorter than the lifetime every key ages out, and the key space saturates after about a
   * lifetime plus a TTL.
   */
  record Churn(int itemsAlive, int usersAlive, double newUserShare, double lifetimeSeconds) {}

  EventFactory withChurn(Churn churn) {
    this.churn = churn;
    return this;
  }

  private Churn churn;
  private long churnStartMs = -1;

  InteractionEvent next(long nowMs) {
    long eventTimeMs = fixedStartMs >= 0 ? fixedStartMs + sequence * fixedStepMs : nowMs;
    boolean cold = rnd.nextDouble() < coldShare;
    long item;
    long user;
    if (churn != null) {
      if (churnStartMs < 0) {
        churnStartMs = nowMs;
      }
      double age = (nowMs - churnStartMs) / 1e3 / churn.lifetimeSeconds();
      item = cold ? catalogue.firstUnusedItemId + churnItem((long) (age * churn.itemsAlive()))
          : catalogue.warmItems[warmPopularity.sample(rnd)];
      user = rnd.nextDouble() < churn.newUserShare()
          ? catalogue.maxUserId + 1 + (long) (age * churn.usersAlive()) + rnd.nextInt(churn.usersAlive())
          : catalogue.users[rnd.nextInt(catalogue.users.length)];
    } else {
      item = cold ? catalogue.coldItems[coldPopularity.sample(rnd)]
          : catalogue.warmItems[warmPopularity.sample(rnd)];
      user = rnd.nextDouble() < unknownUserShare
          ? catalogue.maxUserId + 1 + rnd.nextInt(1_000_000)
          : catalogue.users[rnd.nextInt(catalogue.users.length)];
    }
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

  /**
   * A live item drawn in proportion to its appeal u^3 (u uniform, fixed per item by a hash of its index): a heavy
   * head of items that graduate within their lifetime beside a long tail that never does.
   */
  private long churnItem(long oldest) {
    while (true) {
      long index = oldest + rnd.nextInt(churn.itemsAlive());
      double u = (mix(index) >>> 11) * 0x1.0p-53;
      if (rnd.nextDouble() < u * u * u) {
        return index;
      }
    }
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  byte[] encode(InteractionEvent e) {
    return codec.encode(e);
  }

  /** The job's record key for an item: 8 bytes, big-endian (as its embeddings are keyed). */
  static byte[] itemKey(long itemId) {
    return ByteBuffer.allocate(8).putLong(itemId).array();
  }
}
