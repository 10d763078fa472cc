package io.pinnacle.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pinnacle.feedback.Label;
import io.pinnacle.schema.InteractionEvent;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NewItemHoldoutTest {
  private static final Dataset DATA = SyntheticStream.generate(SyntheticStream.Config.tiny());

  @Test
  void enoughNewItemsLeaveTheSplitAlone() {
    TemporalSplit s = TemporalSplit.byShare(DATA, 0.7);
    NewItemHoldout.Result r = NewItemHoldout.ensure(s, 1);
    assertSame(s, r.split());
    assertTrue(r.heldOut().isEmpty());
  }

  @Test
  void theYoungestItemsSeenAfterTvAreHeldOutAsNew() {
    TemporalSplit s = TemporalSplit.byShare(DATA, 0.7);
    int fresh = NewItemHoldout.ensure(s, 0).newItems();
    int wanted = fresh + 5;
    NewItemHoldout.Result r = NewItemHoldout.ensure(s, wanted);
    assertEquals(5, r.heldOut().size());
    assertEquals(wanted, r.newItems());
    assertEquals(s.splitTimeMs(), r.split().splitTimeMs());
    Map<Long, Long> firstSeen = new HashMap<>();
    for (InteractionEvent e : s.before().events()) {
      firstSeen.putIfAbsent(e.getItemId(), e.getEventTimeMs());
    }
    Set<Long> before = new HashSet<>();
    r.split().before().events().forEach(e -> before.add(e.getItemId()));
    Set<Long> after = new HashSet<>();
    r.split().after().forEach(e -> after.add(e.getItemId()));
    Set<Long> liked = new HashSet<>();
    Set<Long> refused = new HashSet<>();
    for (InteractionEvent e : s.after()) {
      Label l = DATA.rules().label(e);
      if (l == Label.POSITIVE) {
        liked.add(e.getItemId());
      } else if (l == Label.NEGATIVE) {
        refused.add(e.getItemId());
      }
    }
    long youngestKept = Long.MIN_VALUE;
    for (long item : firstSeen.keySet()) {
      if (!r.heldOut().contains(item) && liked.contains(item) && refused.contains(item)) {
        youngestKept = Math.max(youngestKept, firstSeen.get(item));
      }
    }
    for (long item : r.heldOut()) {
      assertFalse(before.contains(item), "the validation base never sees " + item);
      assertTrue(after.contains(item), item + " is met after T_v");
      assertTrue(liked.contains(item) && refused.contains(item), item + " is liked and refused after T_v");
      assertTrue(firstSeen.get(item) >= youngestKept, "held-out items are the youngest");
    }
    // Nothing after T_v is lost, and before it only the held-out items' events.
    assertEquals(s.after().size(), r.split().after().size());
    long removed = s.before().events().stream().filter(e -> r.heldOut().contains(e.getItemId())).count();
    assertEquals(s.before().events().size() - removed, r.split().before().events().size());
  }
}
