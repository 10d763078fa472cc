package io.pinnacle.job.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pinnacle.schema.DeadLetter;
import io.pinnacle.schema.InteractionEvent;
import io.pinnacle.schema.codec.Codecs;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Validation, dead-letter routing and de-duplication in Flink's operator test harness. */
class IngestTest {

  private static RawRecord raw(byte[] value, long offset) {
    return new RawRecord(new byte[] {1}, value, "interactions", 2, offset, 5L);
  }

  private static byte[] event(String id, long user, long item, long time, long dwell) {
    return Codecs.interactionEvent().encode(InteractionEvent.newBuilder().setEventId(id).setUserId(user)
        .setItemId(item).setEventTimeMs(time).setDwellMs(dwell).build());
  }

  @Test
  void badRecordsAreDeadLetteredWithTheirBytesAndReason() throws Exception {
    var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new DecodeAndValidate(
        new EventRules(3_600_000L))));
    h.setProcessingTime(1_000_000);
    h.open();
    byte[] garbage = {0, 1, 2, 3};
    h.processElement(new StreamRecord<>(raw(garbage, 10)));
    h.processElement(new StreamRecord<>(raw(event("e1", 1, 2, 500, 10), 11)));
    h.processElement(new StreamRecord<>(raw(event("e2", -1, 2, 500, 10), 12)));
    h.processElement(new StreamRecord<>(raw(event("e3", 1, 2, 500, -1), 13)));
    h.processElement(new StreamRecord<>(raw(event("e4", 1, 2, 1_000_000 + 3_600_001, 0), 14)));
    h.processElement(new StreamRecord<>(raw(event("", 1, 2, 500, 0), 15)));
    h.processElement(new StreamRecord<>(raw(null, 16)));
    assertEquals(1, h.extractOutputValues().size());
    ConcurrentLinkedQueue<StreamRecord<DeadLetter>> dead = h.getSideOutput(DeadLetters.TAG);
    List<String> reasons = dead.stream().map(r -> r.getValue().getReason()).toList();
    assertEquals(List.of("undecodable", "missing-id", "negative-dwell", "future-time", "missing-id", "undecodable"),
        reasons);
    DeadLetter first = dead.peek().getValue();
    assertEquals(ByteBuffer.wrap(garbage), first.getOriginalValue());
    assertEquals("interactions", first.getSourceTopic());
    assertEquals(2, first.getSourcePartition());
    assertEquals(10, first.getSourceOffset());
    h.close();
  }

  @Test
  void duplicatesWithinTheWindowAreDeadLetteredAndStateExpires() throws Exception {
    var h = new KeyedOneInputStreamOperatorTestHarness<String, ValidEvent, ValidEvent>(
        new KeyedProcessOperator<>(new Deduplicate(60_000)), e -> e.eventId, Types.STRING);
    h.setProcessingTime(0);
    h.open();
    h.processElement(new StreamRecord<>(new ValidEvent("a", 1, 1, raw(new byte[] {9}, 1))));
    h.processElement(new StreamRecord<>(new ValidEvent("b", 1, 1, raw(new byte[] {9}, 2))));
    h.processElement(new StreamRecord<>(new ValidEvent("a", 1, 1, raw(new byte[] {8}, 3))));
    assertEquals(2, h.extractOutputValues().size());
    assertEquals(1, h.getSideOutput(DeadLetters.TAG).size());
    assertEquals("duplicate", h.getSideOutput(DeadLetters.TAG).peek().getValue().getReason());
    assertEquals(3, h.getSideOutput(DeadLetters.TAG).peek().getValue().getSourceOffset());
    assertEquals(2, h.numKeyedStateEntries());
    h.setProcessingTime(60_000);
    assertEquals(0, h.numKeyedStateEntries(), "remembered ids expire after the window");
    h.processElement(new StreamRecord<>(new ValidEvent("a", 1, 1, raw(new byte[] {7}, 4))));
    assertEquals(3, h.extractOutputValues().size());
    h.close();
  }
}
