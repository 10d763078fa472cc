package io.pinnacle.data;

import io.pinnacle.feedback.Label;
import io.pinnacle.schema.InteractionEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * NEW items for a validation replay that has too few. A catalogue that grew early (MovieLens-100K) has almost no
 * item first seen in the last part of its training period that is both liked and refused there (what targeting needs
 * to compare), so a rule for NEW items cannot be fitted there. The youngest items that are both liked and refused
 * after T_v are held out: their events up to T_v are removed, so the validation base never sees them and the replay
 * meets them as new, as the evaluated stream meets items uploaded after T.
 */
public final class NewItemHoldout {
  /** NEW items, liked and refused after T_v, a validation replay should have: three cells' worth of the fit's minimum. */
  public static final int MIN_NEW_ITEMS = 30;

  private NewItemHoldout() {}

  /** The split to validate on, how many items in it are NEW and which of them were held out. */
  public record Result(TemporalSplit split, int newItems, List<Long> heldOut) {
    public String describe() {
      return heldOut.isEmpty() ? newItems + " items first seen after T_v, liked and refused there"
          : (newItems - heldOut.size()) + " items first seen after T_v, liked and refused there, and "
              + heldOut.size() + " held out as new (the youngest such items seen before T_v: their events up to T_v "
              + "removed)";
    }
  }

  /** {@code split} itself when it has {@code wanted} NEW items, else the split with the youngest items held out. */
  public static Result ensure(TemporalSplit split, int wanted) {
    Map<Long, Long> firstSeen = new HashMap<>();
    for (InteractionEvent e : split.before().events()) {
      firstSeen.putIfAbsent(e.getItemId(), e.getEventTimeMs());
    }
    Set<Long> after = new HashSet<>(); // liked after T_v, and below: refused too
    Set<Long> refused = new HashSet<>();
    for (InteractionEvent e : split.after()) {
      Label l = split.dataset().rules().label(e);
      if (l == Label.POSITIVE) {
        after.add(e.getItemId());
      } else if (l == Label.NEGATIVE) {
        refused.add(e.getItemId());
      }
    }
    after.retainAll(refused);
    int fresh = (int) after.stream().filter(i -> !firstSeen.containsKey(i)).count();
    if (fresh >= wanted) {
      return new Result(split, fresh, List.of());
    }
    List<Long> candidates = new ArrayList<>(after.stream().filter(firstSeen::containsKey).toList());
    candidates.sort(Comparator.comparingLong((Long i) -> firstSeen.get(i)).reversed().thenComparing(i -> i));
    List<Long> held = List.copyOf(candidates.subList(0, Math.min(candidates.size(), wanted - fresh)));
    Set<Long> heldSet = new HashSet<>(held);
    Dataset d = split.dataset();
    List<InteractionEvent> kept = new ArrayList<>(d.events().size());
    for (InteractionEvent e : d.events()) {
      if (!(heldSet.contains(e.getItemId()) && e.getEventTimeMs() <= split.splitTimeMs())) {
        kept.add(e);
      }
    }
    TemporalSplit out = TemporalSplit.at(new Dataset(d.name(), kept, d.rules(), d.itemFeatures()),
        split.splitTimeMs());
    return new Result(out, fresh + held.size(), held);
  }
}
