package io.pinnacle.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RecentLatenciesTest {
  @Test
  void quantilesOverTheKeptAndTheRecentSamples() {
    RecentLatencies l = new RecentLatencies(4);
    assertTrue(Double.isNaN(l.quantile(0.5)));
    for (int x = 1; x <= 6; x++) {
      l.add(x); // keeps 3, 4, 5, 6
    }
    assertEquals(6, l.count());
    assertEquals(4, l.quantile(0.5));
    assertEquals(6, l.quantile(0.99));
    assertEquals(5, l.quantileSince(4, 0.5), "only 5 and 6 came after the first four");
    assertTrue(Double.isNaN(l.quantileSince(6, 0.5)));
  }
}
