package io.pinnacle.runner.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pinnacle.runner.bench.CommittedUpdates.Update;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The drills' verdict against a no-failure run: what each delivery mode may and may not show. */
class CommittedUpdatesTest {
  /** Item 1 updated three times (a, b, c), item 2 twice (d, e), sequences starting at the run's clock. */
  private static List<Update> run(long clock1, long clock2, long... fingerprints) {
    List<Update> out = new ArrayList<>();
    out.add(new Update(1, clock1, fingerprints[0]));
    out.add(new Update(2, clock2, fingerprints[3]));
    out.add(new Update(1, clock1 + 1, fingerprints[1]));
    out.add(new Update(2, clock2 + 1, fingerprints[4]));
    out.add(new Update(1, clock1 + 2, fingerprints[2]));
    return out;
  }

  private static final CommittedUpdates REFERENCE = new CommittedUpdates(run(1_000, 1_005, 11, 12, 13, 21, 22));

  private static CommittedUpdates.Comparison verdict(List<Update> updates, boolean exactlyOnce) {
    return new CommittedUpdates(updates).compare(REFERENCE, exactlyOnce);
  }

  @Test
  void theSameUpdatesAtAnotherClockPassBothModes() {
    List<Update> same = run(50_000, 50_002, 11, 12, 13, 21, 22);
    assertEquals("PASS", verdict(same, true).verdict());
    assertEquals("PASS", verdict(same, false).verdict());
  }

  @Test
  void aLostUpdateFailsBothModes() {
    List<Update> lost = run(50_000, 50_002, 11, 12, 13, 21, 22);
    lost.remove(2); // item 1's second update: a gap
    CommittedUpdates.Comparison v = verdict(lost, true);
    assertEquals("FAIL", v.verdict());
    // What follows the gap reads as a restarted sequence whose first update is not the item's first.
    assertEquals(1L, v.restartedRuns());
    assertEquals(1L, v.contentDiffers());
    assertEquals("FAIL", verdict(lost, false).verdict());
  }

  @Test
  void anEqualRepeatFailsExactlyOnceOnly() {
    List<Update> repeat = run(50_000, 50_002, 11, 12, 13, 21, 22);
    repeat.add(new Update(1, 50_001, 12));
    assertEquals(1L, verdict(repeat, true).repeated());
    assertEquals("FAIL", verdict(repeat, true).verdict());
    assertEquals("PASS", verdict(repeat, false).verdict());
  }

  @Test
  void aRestartedSequenceThatRepeatsAPrefixFailsExactlyOnceOnly() {
    List<Update> restarted = new ArrayList<>(List.of(new Update(1, 40_000, 11), new Update(1, 40_001, 12)));
    restarted.addAll(run(50_000, 50_002, 11, 12, 13, 21, 22));
    assertEquals(1L, verdict(restarted, true).restartedRuns());
    assertEquals("FAIL", verdict(restarted, true).verdict());
    assertEquals("PASS", verdict(restarted, false).verdict());
  }

  @Test
  void differentContentOrAnExtraUpdateFailsBothModes() {
    List<Update> changed = run(50_000, 50_002, 11, 99, 13, 21, 22);
    assertEquals(1L, verdict(changed, false).contentDiffers());
    assertEquals("FAIL", verdict(changed, false).verdict());
    List<Update> extra = run(50_000, 50_002, 11, 12, 13, 21, 22);
    extra.add(new Update(2, 50_004, 23));
    assertEquals("FAIL", verdict(extra, false).verdict());
    List<Update> stale = run(50_000, 50_002, 11, 12, 13, 21, 22);
    stale.add(new Update(1, 40_000, 11)); // an earlier run whose final state is not the reference's
    stale.add(new Update(1, 40_001, 12));
    stale.add(new Update(1, 40_002, 13));
    stale.add(new Update(1, 40_003, 14));
    assertEquals("FAIL", verdict(stale, false).verdict());
  }
}
