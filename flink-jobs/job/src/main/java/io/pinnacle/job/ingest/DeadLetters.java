package io.pinnacle.job.ingest;

import io.pinnacle.schema.DeadLetter;
import java.nio.ByteBuffer;
import org.apache.flink.util.OutputTag;

/** The dead-letter side output and how a refused record becomes a {@link DeadLetter}. */
public final class DeadLetters {
  public static final OutputTag<DeadLetter> TAG = new OutputTag<>("dead-letters") {};

  private DeadLetters() {}

  public static DeadLetter of(RawRecord r, String reason, String detail, long nowMs) {
    return DeadLetter.newBuilder()
        .setOriginalValue(r.value == null ? null : ByteBuffer.wrap(r.value))
        .setOriginalKey(r.key == null ? null : ByteBuffer.wrap(r.key))
        .setSourceTopic(r.topic == null ? "" : r.topic)
        .setSourcePartition(r.partition)
        .setSourceOffset(r.offset)
        .setReason(reason)
        .setDetail(detail == null ? "" : detail.length() > 500 ? detail.substring(0, 500) : detail)
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
