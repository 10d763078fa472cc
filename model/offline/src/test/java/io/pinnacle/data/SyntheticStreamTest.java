package io.pinnacle.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pinnacle.schema.InteractionEvent;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyntheticStreamTest {

  @Test
  void isSeededAndOrdered() {
    Dataset a = SyntheticStream.generate(SyntheticStream.Config.tiny());
    Dataset b = SyntheticStream.generate(SyntheticStream.Config.tiny());
    assertEquals(a.events(), b.events());
    for (int i = 1; i < a.events().size(); i++) {
      assertTrue(a.events().get(i - 1).getEventTimeMs() <= a.events().get(i).getEventTimeMs());
    }
    SyntheticStream.Config c = SyntheticStream.Config.tiny();
    Dataset other = SyntheticStream.generate(new SyntheticStream.Config(c.users(), c.items(), c.latentDim(),
        c.impressionsPerUser(), c.popularityExponent(), c.lateItemShare(), c.periodMs(), c.sharpness(),
        c.clickBias(), c.tasteExposure(), c.appealSpread(), c.exploreShare(), c.coldThreshold(), c.seed() + 1));
    assertNotEquals(a.events(), other.events());
  }

  @Test
  void hasPowerLawPopularityLateItemsAndSignals() {
    Dataset d = SyntheticStream.generate(SyntheticStream.Config.small());
    Map<Long, Integer> count = new HashMap<>();
    Map<Long, Long> firstSeen = new HashMap<>();
    long positives = 0;
    long liked = 0;
    for (InteractionEvent e : d.events()) {
      count.merge(e.getItemId(), 1, Integer::sum);
      firstSeen.putIfAbsent(e.getItemId(), e.getEventTimeMs());
      positives += e.getClicked() ? 1 : 0;
      liked += e.getLiked() ? 1 : 0;
      assertTrue(e.getDwellMs() >= 0 && e.getDwellMs() <= e.getItemDurationMs());
    }
    int max = count.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
    double mean = count.values().stream().mapToInt(Integer::intValue).average().orElseThrow();
    assertTrue(max > 5 * mean, "popularity should be skewed: max " + max + " mean " + mean);
    long start = d.events().get(0).getEventTimeMs();
    long late = firstSeen.values().stream().filter(t -> t > start + 24L * 3600 * 1000).count();
    assertTrue(late > 50, "some items should arrive during the period, got " + late);
    double rate = positives / (double) d.events().size();
    assertTrue(rate > 0.2 && rate < 0.8, "click rate " + rate);
    assertTrue(liked > 0 && liked < positives);
  }

  @Test
  void scalesUsersItemsAndEvents() {
    SyntheticStream.Config small = SyntheticStream.Config.tiny();
    SyntheticStream.Config twice = small.scaled(2);
    assertEquals(2 * small.users(), twice.users());
    assertEquals(2 * small.items(), twice.items());
    assertEquals(small.impressionsPerUser(), twice.impressionsPerUser());
    Dataset a = SyntheticStream.generate(small);
    Dataset b = SyntheticStream.generate(twice);
    assertEquals(2 * small.users(), b.events().stream().map(InteractionEvent::getUserId).distinct().count());
    assertTrue(b.events().size() > 1.8 * a.events().size());
    assertThrows(IllegalArgumentException.class, () -> small.scaled(0));
    assertThrows(IllegalArgumentException.class, () -> DatasetLoader.load("synthetic-xten", null));
  }
}
