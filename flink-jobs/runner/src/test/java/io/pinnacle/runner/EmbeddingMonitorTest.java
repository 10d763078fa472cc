package io.pinnacle.runner;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pinnacle.schema.ItemEmbedding;
import org.junit.jupiter.api.Test;

class EmbeddingMonitorTest {
  private static ItemEmbedding update(long seq) {
    ItemEmbedding e = new ItemEmbedding();
    e.setUpdateSeq(seq);
    return e;
  }

  @Test
  void aStateRestartedAfterItsTtlIsNotTheSameState() {
    assertTrue(EmbeddingMonitor.continuesState(update(1_767_225_600_041L), update(1_767_225_600_042L)));
    // Expired and seen again: the new state's first update takes the clock.
    assertFalse(EmbeddingMonitor.continuesState(update(1_767_225_600_042L), update(1_767_225_900_000L)));
    assertFalse(EmbeddingMonitor.continuesState(update(42), update(42)), "a repeat is the sequence check's business");
  }
}
