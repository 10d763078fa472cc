package io.pinnacle.job.ingest;

/** A Kafka record as received, kept whole until it is decoded and validated (so it can be dead-lettered intact). */
public class RawRecord {
  public byte[] key;
  public byte[] value;
  public String topic;
  public int partition;
  public long offset;
  /** Kafka record timestamp: when the event reached Kafka (producer create time). */
  public long kafkaTimestampMs;

  public RawRecord() {}

  public RawRecord(byte[] key, byte[] value, String topic, int partition, long offset, long kafkaTimestampMs) {
    this.key = key;
    this.value = value;
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.kafkaTimestampMs = kafkaTimestampMs;
  }
}
