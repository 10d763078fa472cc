package io.pinnacle.job.ingest;

import io.pinnacle.schema.InteractionEvent;
import java.io.Serializable;

/**
 * The documented validation rules; the first broken rule is the dead-letter reason:
 * <ul>
 *   <li>{@code missing-id}: empty eventId, or a negative userId / itemId (0 is a valid id: KuaiRand has user 0);</li>
 *   <li>{@code bad-id}: an eventId longer than {@link #MAX_EVENT_ID_LENGTH} characters (a producer bug; every
 *       repeat check and dead letter would carry it);</li>
 *   <li>{@code negative-dwell}: dwellMs < 0 (or a negative item duration);</li>
 *   <li>{@code bad-number}: a rating that is NaN or infinite (NaN would read as a negative, infinity as an
 *       unbeatable pinnacle value);</li>
 *   <li>{@code bad-time}: eventTimeMs not positive;</li>
 *   <li>{@code future-time}: eventTimeMs more than the configured margin ahead of processing time;</li>
 *   <li>{@code ancient-time}: eventTimeMs older than the configured maximum age (off unless set: replays of
 *       historical data sets are legitimate; a producer sending seconds for milliseconds is not).</li>
 * </ul>
 * Undecodable bytes are {@code undecodable}, repeated eventIds {@code duplicate} (checked later, per eventId).
 */
public final class EventRules implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Longest accepted eventId (UUIDs are 36 characters). */
  public static final int MAX_EVENT_ID_LENGTH = 256;
  private final long maxFutureMs;
  private final long maxAgeMs;

  /** {@code maxAgeMs} 0: no limit on the age of events. */
  public EventRules(long maxFutureMs, long maxAgeMs) {
    this.maxFutureMs = maxFutureMs;
    this.maxAgeMs = maxAgeMs;
  }

  /** The reason the event is refused, or null when it is valid. */
  public String check(InteractionEvent e, long nowMs) {
    if (e.getEventId() == null || e.getEventId().isEmpty() || e.getUserId() < 0 || e.getItemId() < 0) {
      return "missing-id";
    }
    if (e.getEventId().length() > MAX_EVENT_ID_LENGTH) {
      return "bad-id";
    }
    if (e.getDwellMs() < 0 || (e.getItemDurationMs() != null && e.getItemDurationMs() < 0)) {
      return "negative-dwell";
    }
    if (e.getRating() != null && !Float.isFinite(e.getRating())) {
      return "bad-number";
    }
    if (e.getEventTimeMs() <= 0) {
      return "bad-time";
    }
    if (e.getEventTimeMs() > nowMs + maxFutureMs) {
      return "future-time";
    }
    if (maxAgeMs > 0 && e.getEventTimeMs() < nowMs - maxAgeMs) {
      return "ancient-time";
    }
    return null;
  }
}
