package io.pinnacle.data;

import io.pinnacle.feedback.FeedbackRules;
import io.pinnacle.schema.InteractionEvent;
import java.util.List;
import java.util.Map;

/**
 * A replayable interaction log in event-time order, the feedback rules that go with it, and optional content
 * features per item (genres, tags) for items the base model has never seen.
 */
public record Dataset(String name, List<InteractionEvent> events, FeedbackRules rules,
                      Map<Long, float[]> itemFeatures) {
  public Dataset {
    events = List.copyOf(events);
    for (int i = 1; i < events.size(); i++) {
      if (events.get(i).getEventTimeMs() < events.get(i - 1).getEventTimeMs()) {
        throw new IllegalArgumentException("events of " + name + " are not in event-time order at index " + i);
      }
    }
  }

  public long distinctUsers() {
    return events.stream().mapToLong(InteractionEvent::getUserId).distinct().count();
  }

  public long distinctItems() {
    return events.stream().mapToLong(InteractionEvent::getItemId).distinct().count();
  }
}
