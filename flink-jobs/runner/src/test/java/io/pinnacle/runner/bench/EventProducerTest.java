package io.pinnacle.runner.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The benchmark's input is delivered in full or the run stops: a refused send is never left out quietly. */
class EventProducerTest {
  @Test
  void aPrefillTheBrokerDoesNotAcknowledgeStopsTheRun() {
    Catalogue catalogue = new Catalogue(new long[] {1, 2}, new long[] {10}, new long[] {20}, 1, 20);
    // Nothing listens on port 1: every send times out after a second.
    try (EventProducer p = new EventProducer("localhost:1", "events", new EventFactory(catalogue, 0.5, 0.0, "t", 1),
        1_000)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.prefill(3));
      assertTrue(e.getMessage().contains("3 of 3 events were not acknowledged"), e.getMessage());
      assertEquals(0, p.sent.get());
      assertEquals(3, p.failed.get());
    }
  }
}
