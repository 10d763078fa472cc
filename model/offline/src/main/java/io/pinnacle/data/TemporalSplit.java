package io.pinnacle.data;

import io.pinnacle.schema.InteractionEvent;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * A data set cut at a time T: the base model and the prompt stage learn from the events up to T ({@link #before()}),
 * the stream replays the events after it ({@link #after()}). Items first seen after T are new to the base model.
 *
 * @param splitTimeMs T in epoch milliseconds; events at exactly T belong to the training period
 */
public record TemporalSplit(Dataset dataset, long splitTimeMs, Dataset before, List<InteractionEvent> after) {
  /** Share of the events that fall before T when nothing else is asked for. */
  public static final double DEFAULT_SHARE = 0.5;

  /** Cuts at T; {@code before} keeps the data set's name, rules and item features. */
  public static TemporalSplit at(Dataset d, long splitTimeMs) {
    List<InteractionEvent> events = d.events();
    int cut = 0;
    while (cut < events.size() && events.get(cut).getEventTimeMs() <= splitTimeMs) {
      cut++;
    }
    Dataset before = new Dataset(d.name(), events.subList(0, cut), d.rules(), d.itemFeatures());
    return new TemporalSplit(d, splitTimeMs, before, List.copyOf(events.subList(cut, events.size())));
  }

  /** Cuts at T when there is one; with null, the whole data set is the training period (a base trained on all). */
  public static TemporalSplit atOrWhole(Dataset d, Long splitTimeMs) {
    return at(d, splitTimeMs == null ? Long.MAX_VALUE : splitTimeMs);
  }

  /** Cuts at the time by which {@code share} of the events have happened. */
  public static TemporalSplit byShare(Dataset d, double share) {
    if (!(share > 0 && share <= 1)) {
      throw new IllegalArgumentException("split share must be in (0, 1], got " + share);
    }
    List<InteractionEvent> events = d.events();
    if (events.isEmpty()) {
      throw new IllegalArgumentException("data set " + d.name() + " has no events to split");
    }
    int index = (int) Math.ceil(share * events.size()) - 1;
    return at(d, events.get(Math.max(0, index)).getEventTimeMs());
  }

  /**
   * Parses a {@code --split} value: a share of the events in (0, 1] ("0.5"), an instant ("2022-05-01T00:00:00Z") or
   * epoch milliseconds; "none" puts every event in the training period (the paper's leave-one-out setting).
   */
  public static TemporalSplit parse(Dataset d, String spec) {
    String s = spec.trim().toLowerCase(Locale.ROOT);
    if (s.equals("none")) {
      return atOrWhole(d, null);
    }
    try {
      double v = Double.parseDouble(s);
      if (v > 0 && v <= 1) {
        return byShare(d, v);
      }
      if (v == Math.rint(v) && v > 1) {
        return at(d, (long) v);
      }
    } catch (NumberFormatException notANumber) {
      try {
        return at(d, Instant.parse(spec.trim()).toEpochMilli());
      } catch (DateTimeParseException notAnInstant) {
        // fall through to the message below
      }
    }
    throw new IllegalArgumentException("--split takes a share of the events in (0, 1], an ISO instant or epoch ms; "
        + "got '" + spec + "' (or none)");
  }

  /** True when the split leaves events after T. */
  public boolean hasStream() {
    return !after.isEmpty();
  }

  public String describe() {
    if (splitTimeMs == Long.MAX_VALUE) {
      return dataset.name() + ": no temporal split, all " + before.events().size() + " events are training period";
    }
    return String.format(Locale.ROOT, "temporal split of %s at %s: %,d events up to T (training period), %,d after",
        dataset.name(), Instant.ofEpochMilli(splitTimeMs), before.events().size(), after.size());
  }
}
