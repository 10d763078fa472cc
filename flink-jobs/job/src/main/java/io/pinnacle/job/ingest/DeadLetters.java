package io.pinnacle.job.ingest;

import io.pinnacle.schema.DeadLetter;
import java.nio.ByteBuffer;
import org.apache.flink.util.OutputTag;

/** The dead-letter side output and how a refused record becomes a {@link DeadLetter}. */
public final class DeadLetters {
  public static final OutputTag<DeadLetter> TAG = new OutputTag<>("dead-letters") {};

  private DeadLetters() {}

  /**
   * Bytes of the refused value (and key) copied into a dead letter. A value near the broker's message limit would
   * otherwise make a dead letter the producer refuses, and the job would fail on the same offset for ever; the
   * source coordinates always point at the whole record.
   */
  public static final int MAX_COPIED_BYTES = 256 * 1024;

  public static DeadLetter of(RawRecord r, String reason, String detail, long nowMs) {
    String d = detail == null ? "" : detail.length() > 500 ? detail.substring(0, 500) : detail;
    if (r.value != null && r.value.length > MAX_COPIED_BYTES) {
      d += " [value truncated from " + r.value.length + " bytes]";
    }
    if (r.key != null && r.key.length > MAX_COPIED_BYTES) {
      d += " [key truncated from " + r.key.length + " bytes]";
    }
    return DeadLetter.newBuilder()
        .setOriginalValue(r.value == null ? null : ByteBuffer.wrap(r.value, 0, Math.min(r.value.length,
            MAX_COPIED_BYTES)).slice())
        .setOriginalKey(r.key == null ? null : ByteBuffer.wrap(r.key, 0, Math.min(r.key.length, MAX_COPIED_BYTES))
            .slice())
        .setSourceTopic(r.topic == null ? "" : r.topic)
        .setSourcePartition(r.partition)
        .setSourceOffset(r.offset)
        .setReason(reason)
        .setDetail(d)
        .setDeadLetteredAtMs(nowMs)
        .build();
  }

  /**
   * A repeated event found by the item stage: the record is not copied (it was decoded away), the dead letter
   * points at it by topic, partition and offset.
   */
  public static DeadLetter duplicate(String topic, Interaction e, long nowMs) {
    return DeadLetter.newBuilder()
        .setOriginalValue(null)
        .setOriginalKey(null)
        .setSourceTopic(topic)
        .setSourcePartition(e.partition)
        .setSourceOffset(e.offset)
        .setReason("duplicate")
        .setDetail("itemId=" + e.itemId + " userId=" + e.userId + " eventHash=" + Long.toHexString(e.eventHash))
        .setDeadLetteredAtMs(nowMs)
        .build();
  }
}
