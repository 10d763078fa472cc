package io.pinnacle.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pinnacle.schema.InteractionEvent;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TemporalSplitTest {
  private static final Dataset DATA = SyntheticStream.generate(SyntheticStream.Config.tiny());

  @Test
  void theDefaultCutLeavesHalfOfTheEventsBeforeT() {
    TemporalSplit t = TemporalSplit.byShare(DATA, TemporalSplit.DEFAULT_SHARE);
    int n = DATA.events().size();
    assertEquals(n, t.before().events().size() + t.after().size());
    assertTrue(t.before().events().size() >= n / 2);
    for (InteractionEvent e : t.before().events()) {
      assertTrue(e.getEventTimeMs() <= t.splitTimeMs());
    }
    for (InteractionEvent e : t.after()) {
      assertTrue(e.getEventTimeMs() > t.splitTimeMs(), "events at exactly T are training period");
    }
    assertEquals(DATA.rules(), t.before().rules());
  }

  @Test
  void parsesShares_instants_epochMillisAndNone() {
    long t = DATA.events().get(DATA.events().size() / 3).getEventTimeMs();
    assertEquals(t, TemporalSplit.parse(DATA, Long.toString(t)).splitTimeMs());
    assertEquals(t, TemporalSplit.parse(DATA, Instant.ofEpochMilli(t).toString()).splitTimeMs());
    assertEquals(TemporalSplit.byShare(DATA, 0.3).splitTimeMs(), TemporalSplit.parse(DATA, "0.3").splitTimeMs());
    TemporalSplit none = TemporalSplit.parse(DATA, "none");
    assertFalse(none.hasStream());
    assertEquals(DATA.events().size(), none.before().events().size());
    assertThrows(IllegalArgumentException.class, () -> TemporalSplit.parse(DATA, "yesterday"));
    assertThrows(IllegalArgumentException.class, () -> TemporalSplit.parse(DATA, "-0.5"));
  }
}
