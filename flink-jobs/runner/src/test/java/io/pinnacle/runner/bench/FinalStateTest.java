package io.pinnacle.runner.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FinalStateTest {
  @TempDir Path dir;

  /** Items: 1 cold (phase 0) with 3/4 events, 2 graduated (phase 2) with 50/9; targeting NEW as given. */
  private FinalState state(String name, long coldPositives, long graduatedNegatives, long newPairs, long newWins)
      throws Exception {
    Path f = dir.resolve(name + ".json");
    Files.writeString(f, String.format("{\"items\":{\"1\":[0,%d,4],\"2\":[2,50,%d]},"
        + "\"targeting\":{\"NEW\":[%d,%d],\"COLD\":[0,0]}}", coldPositives, graduatedNegatives, newPairs, newWins));
    return FinalState.load(f);
  }

  @Test
  void verdicts() throws Exception {
    FinalState reference = state("ref", 3, 9, 10_000, 6_000);
    FinalState.Comparison same = state("same", 3, 9, 10_000, 6_050).compare(reference);
    assertEquals("PASS", same.verdict(), same.toString());
    FinalState.Comparison graduatedLater = state("grad", 3, 11, 10_000, 6_000).compare(reference);
    assertEquals("PASS", graduatedLater.verdict(), "a graduation batch depends on timing");
    assertEquals(1L, graduatedLater.graduatedCountsDiffer());
    FinalState.Comparison lost = state("lost", 2, 9, 10_000, 6_000).compare(reference);
    assertEquals("FAIL", lost.verdict(), "a cold item lost an event");
    assertEquals(1L, lost.coldCountsDiffer());
    FinalState.Comparison worse = state("worse", 3, 9, 10_000, 5_500).compare(reference);
    assertEquals("FAIL", worse.verdict(), "targeting 0.55 against 0.60 on 10,000 pairs each");
  }
}
