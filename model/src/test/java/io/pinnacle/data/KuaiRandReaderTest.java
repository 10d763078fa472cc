package io.pinnacle.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pinnacle.testing.SharedData;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KuaiRandReaderTest {

  @Test
  void readsTheSubsetInEventTimeOrder() {
    Optional<Path> dir = SharedData.dir("kuairand-pure");
    assumeTrue(dir.isPresent(), "shared kuairand-pure not present");
    Dataset d = KuaiRandReader.read(dir.get());
    assertEquals(228_329, d.events().size());
    assertEquals(25_156, d.distinctUsers());
    assertEquals(6_361, d.distinctItems());
    assertEquals(100_900, d.events().stream().filter(e -> d.rules().label(e) == Label.POSITIVE).count());
    for (int i = 1; i < d.events().size(); i++) {
      assertTrue(d.events().get(i - 1).getEventTimeMs() <= d.events().get(i).getEventTimeMs());
    }
    assertEquals(1_650_812_741_436L, d.events().get(0).getEventTimeMs());
    assertEquals(1_652_025_130_564L, d.events().get(d.events().size() - 1).getEventTimeMs());
    assertTrue(d.events().stream().anyMatch(e -> e.getLiked() && e.getItemDurationMs() != null && e.getDwellMs() > 0));
    assertTrue(d.itemFeatures().size() > 6_000);
  }
}
