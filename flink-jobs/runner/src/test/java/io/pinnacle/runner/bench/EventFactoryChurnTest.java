package io.pinnacle.runner.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pinnacle.schema.InteractionEvent;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventFactoryChurnTest {
  @Test
  void churningItemsAndUsersLiveTheirLifetimeAndNeverReturn() {
    Catalogue catalogue = new Catalogue(new long[] {1, 2, 3}, new long[] {10, 11}, new long[] {20, 21}, 2, 20);
    EventFactory f = new EventFactory(catalogue, 0.5, 0.0, "t", 7)
        .withChurn(new EventFactory.Churn(100, 1000, 0.3, 10));
    long first = catalogue.firstUnusedItemId;
    assertEquals(22, first);
    Map<Long, Integer> perItem = new HashMap<>();
    Map<Long, Long> lastSeenMs = new HashMap<>();
    int newUsers = 0;
    int n = 120_000;
    for (int j = 0; j < n; j++) {
      long now = 1_000_000 + j / 2; // 60 s at 2 events per ms
      InteractionEvent e = f.next(now);
      long item = e.getItemId();
      if (item >= first) {
        // Alive at t: the window that started at t / lifetime * itemsAlive.
        long oldest = (long) ((now - 1_000_000) / 1e3 / 10 * 100);
        assertTrue(item - first >= oldest && item - first < oldest + 100, "item " + item + " at " + now);
        perItem.merge(item, 1, Integer::sum);
        lastSeenMs.put(item, now);
      } else {
        assertTrue(item == 20 || item == 21, "warm items from the catalogue");
      }
      if (e.getUserId() > catalogue.maxUserId) {
        newUsers++;
      }
    }
    assertEquals(0.3, newUsers / (double) n, 0.01);
    // Each item lives one lifetime (10 s) after entering the window.
    for (Map.Entry<Long, Long> seen : lastSeenMs.entrySet()) {
      long entered = 1_000_000 + (long) ((seen.getKey() - first - 99) * 10_000 / 100.0);
      assertTrue(seen.getValue() - entered <= 10_100, "item " + seen.getKey() + " seen too late");
    }
    // Appeal u^3: a heavy head and a long tail.
    int max = perItem.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    double mean = perItem.values().stream().mapToInt(Integer::intValue).average().orElse(0);
    assertTrue(max > 3 * mean, max + " against a mean of " + mean);
  }
}
