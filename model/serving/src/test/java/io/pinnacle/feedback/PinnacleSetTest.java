package io.pinnacle.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PinnacleSetTest {

  /** Property: for random entries in random order, the set holds the k best (value, then time) per user. */
  @Test
  void keepsTheKHighestValuesUnderAnyInsertionOrder() {
    Random rnd = new Random(5);
    for (int trial = 0; trial < 300; trial++) {
      int k = 1 + rnd.nextInt(10);
      int n = rnd.nextInt(40);
      List<PinnacleEntry> entries = new ArrayList<>();
      for (int j = 0; j < n; j++) {
        // Few distinct values and times so that ties happen; users may repeat.
        entries.add(new PinnacleEntry(rnd.nextInt(25), rnd.nextInt(4), rnd.nextInt(5)));
      }
      List<PinnacleEntry> expected = expectedTopK(entries, k);
      for (int order = 0; order < 5; order++) {
        Collections.shuffle(entries, rnd);
        PinnacleSet s = PinnacleSet.of(k, PinnacleMode.VALUE, entries);
        assertEquals(expected, s.entries(), "trial " + trial);
      }
    }
  }

  private static List<PinnacleEntry> expectedTopK(List<PinnacleEntry> entries, int k) {
    Comparator<PinnacleEntry> best = Comparator.comparingDouble(PinnacleEntry::value)
        .thenComparingLong(PinnacleEntry::timeMs)
        .thenComparing(Comparator.comparingLong(PinnacleEntry::userId).reversed())
        .reversed();
    java.util.Map<Long, PinnacleEntry> perUser = new java.util.HashMap<>();
    for (PinnacleEntry e : entries) {
      perUser.merge(e.userId(), e, (a, b) -> best.compare(a, b) <= 0 ? a : b);
    }
    List<PinnacleEntry> all = new ArrayList<>(perUser.values());
    all.sort(best);
    return all.subList(0, Math.min(k, all.size()));
  }

  @Test
  void tiesOnValueGoToTheMoreRecent() {
    PinnacleSet s = new PinnacleSet(2, PinnacleMode.VALUE);
    assertTrue(s.offer(new PinnacleEntry(1, 5f, 10)));
    assertTrue(s.offer(new PinnacleEntry(2, 5f, 20)));
    assertTrue(s.offer(new PinnacleEntry(3, 5f, 30)));
    assertFalse(s.offer(new PinnacleEntry(4, 1f, 40)));
    assertEquals(List.of(3L, 2L), s.entries().stream().map(PinnacleEntry::userId).toList());
  }

  @Test
  void recencyModeKeepsTheLatest() {
    PinnacleSet s = PinnacleSet.of(2, PinnacleMode.RECENCY, List.of(new PinnacleEntry(1, 9f, 1),
        new PinnacleEntry(2, 0f, 3), new PinnacleEntry(3, 1f, 2)));
    assertEquals(List.of(2L, 3L), s.entries().stream().map(PinnacleEntry::userId).toList());
  }

  @Test
  void negativeReservoirIsBoundedAndForgetsUsersWhoTurnPositive() {
    NegativeReservoir r = new NegativeReservoir(3, 42);
    for (long u = 0; u < 100; u++) {
      r.offer(u, null);
    }
    assertEquals(3, r.users().size());
    assertEquals(100, r.seen());
    long victim = r.users().get(0);
    assertTrue(r.removePositive(victim));
    assertFalse(r.users().contains(victim));
    NegativeReservoir again = new NegativeReservoir(3, 42);
    for (long u = 0; u < 100; u++) {
      again.offer(u, null);
    }
    again.removePositive(victim);
    assertEquals(r.users(), again.users());
  }

  @Test
  void pseudoPinnaclePicksTheNearestPopularItem() {
    float[] cold = {1f, 0f, 0.2f};
    float[][] popular = {{0f, 1f, 0f}, {0.9f, 0.1f, 0.25f}, {2f, 0f, 0.4f}, null};
    assertEquals(1, PseudoPinnacle.nearest(cold, popular));
    assertEquals(1.0, PseudoPinnacle.tanimoto(cold, cold), 1e-9);
    assertEquals(0.0, PseudoPinnacle.tanimoto(new float[] {1, 0}, new float[] {0, 1}), 1e-9);
    assertEquals(-1, PseudoPinnacle.nearest(cold, new float[0][]));
  }

  @Test
  void feedbackKeepsEachUsersVectorUntilTheBaseChanges() {
    ItemFeedbackState f = new ItemFeedbackState(3, PinnacleMode.VALUE, 4, 1L);
    float[] a = {1f, 2f};
    float[] b = {3f, 4f};
    f.positive(1, a, 2f, 10);
    f.negative(2, b, 11);
    assertSame(a, f.pinnacle().entries().get(0).vector());
    assertSame(b, f.negatives().vectors().get(0));
    assertSame(a, f.recent().get(0).vector());
    f.dropUserVectors();
    assertNull(f.pinnacle().entries().get(0).vector());
    assertNull(f.negatives().vectors().get(0));
    assertNull(f.recent().get(0).vector());
    assertEquals(List.of(2L), f.negatives().users(), "the users stay; only their vectors go");
  }
}
