package io.pinnacle.data;

import io.pinnacle.schema.InteractionEvent;
import java.util.Comparator;

/** Replay order: event time, then user, item and id so that equal timestamps replay the same way every run. */
final class EventTimeOrder {
  static final Comparator<InteractionEvent> ORDER = Comparator
      .comparingLong(InteractionEvent::getEventTimeMs)
      .thenComparingLong(InteractionEvent::getUserId)
      .thenComparingLong(InteractionEvent::getItemId)
      .thenComparing(InteractionEvent::getEventId);

  private EventTimeOrder() {}
}
