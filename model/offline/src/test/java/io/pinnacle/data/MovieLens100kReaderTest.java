package io.pinnacle.data;

import io.pinnacle.feedback.Label;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pinnacle.schema.InteractionEvent;
import io.pinnacle.testing.SharedData;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MovieLens100kReaderTest {

  @Test
  void readsAllRatingsInEventTimeOrder() {
    Optional<Path> dir = SharedData.dir("ml-100k");
    assumeTrue(dir.isPresent(), "shared ml-100k not present");
    Dataset d = MovieLens100kReader.read(dir.get());
    assertEquals(100_000, d.events().size());
    assertEquals(943, d.distinctUsers());
    assertEquals(1_682, d.distinctItems());
    for (int i = 1; i < d.events().size(); i++) {
      assertTrue(d.events().get(i - 1).getEventTimeMs() <= d.events().get(i).getEventTimeMs());
    }
    assertEquals(1_682, d.itemFeatures().size());
    assertEquals(19, d.itemFeatures().get(1L).length);
    long positives = d.events().stream().filter(e -> d.rules().label(e) == Label.POSITIVE).count();
    // ML-100K has 55,375 ratings of 4 or 5.
    assertEquals(55_375, positives);
    InteractionEvent first = d.events().get(0);
    assertTrue(first.getRating() != null && first.getEventId().startsWith("ml-100k-"));
  }

  @Test
  void missingDirectoryIsAClearError() {
    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> MovieLens100kReader.read(Path.of("target/no-such-dir")));
    assertTrue(e.getMessage().contains("no-such-dir"), e.getMessage());
  }
}
