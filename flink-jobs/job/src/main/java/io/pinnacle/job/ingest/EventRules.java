package io.pinnacle.job.ingest;

import io.pinnacle.schema.InteractionEvent;
import java.io.Serializable;

/**
 * The documented validation rules; the first broken rule is the dead-letter reason:
 * <ul>
 *   <li>{@code missing-id}: empty eventId, or a negative userId / itemId (0 is a valid id: KuaiRand has user 0);</li>
 *   <li>{@code negative-dwell}: dwellMs < 0 (or a negative item duration);</li>
 *   <li>{@code bad-number}: a rating that is NaN or infinite (NaN would read as a negative, infinity as an
 *       unbeatable pinnacle value);</li>
 *   <li>{@code bad-time}: eventTimeMs not positive;</li>
 *   <li>{@code future-time}: eventTimeMs more than the configured margin ahead of processing time.</li>
 * </ul>
 * Undecodable bytes are {@code undecodable}, repeated eventIds {@code duplicate} (checked later, per eventId).
 */
public final class EventRules implements Serializable {
  private static final long serialVersionUID = 1L;
  private final long maxFutureMs;

  public EventRules(long maxFutureMs) {
    this.maxFutureMs = maxFutureMs;
  }

  /** The reason the event is refused, or null when it is valid. */
  public String check(InteractionEvent e, long nowMs) {
    if (e.getEventId() == null || e.getEventId().isEmpty() || e.getUserId() < 0 || e.getItemId() < 0) {
      return "missing-id";
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
    return null;
  }
}
