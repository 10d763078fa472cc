package io.pinnacle.job.ingest;

/**
 * An event that decoded and passed validation. It travels as its original bytes (decoded again where needed,
 * which costs microseconds) so Flink serializes a flat POJO rather than Avro objects.
 */
public class ValidEvent {
  public String eventId;
  public long itemId;
  public long eventTimeMs;
  public RawRecord raw;

  public ValidEvent() {}

  public ValidEvent(String eventId, long itemId, long eventTimeMs, RawRecord raw) {
    this.eventId = eventId;
    this.itemId = itemId;
    this.eventTimeMs = eventTimeMs;
    this.raw = raw;
  }
}
