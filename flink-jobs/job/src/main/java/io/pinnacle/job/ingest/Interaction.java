package io.pinnacle.job.ingest;

/**
 * A decoded, validated and labelled event: what travels from the decode stage through the user stage to the item
 * stage (about 60 bytes with {@link InteractionSerializer}, plus the user and co-liked vectors once attached, instead of the Avro
 * bytes). The Kafka coordinates stay so that a duplicate can be dead-lettered with a pointer to its original record.
 */
public final class Interaction {
  public long itemId;
  public long userId;
  public long eventTimeMs;
  /** When the event reached Kafka (record timestamp). */
  public long ingestMs;
  /** 64-bit hash of the eventId (de-duplication). */
  public long eventHash;
  public boolean positive;
  /** Pinnacle value of a positive (0 for a negative). */
  public float value;
  public int partition;
  public long offset;
  /** False for an event on a warm item: it only extends the user's history in the user stage, then leaves. */
  public boolean tunable = true;
  /** Event time of the user's last positive before this event in the stream (user stage; -1: none or unknown). */
  public long userLastPositiveMs = -1;
  /** The user's vector from their history before this event (attached by the user stage; null: none known). */
  public float[] userVector;
  /**
   * For a positive: the mean base embedding of the user's recent positives before this event (the user stage's
   * {@code UserEncoder#coLiked}; null: none known, or a negative).
   */
  public float[] coLiked;

  public Interaction() {}

  public Interaction(long itemId, long userId, long eventTimeMs, long ingestMs, long eventHash, boolean positive,
                     float value, int partition, long offset) {
    this.itemId = itemId;
    this.userId = userId;
    this.eventTimeMs = eventTimeMs;
    this.ingestMs = ingestMs;
    this.eventHash = eventHash;
    this.positive = positive;
    this.value = value;
    this.partition = partition;
    this.offset = offset;
  }

  /** A well-mixed 64-bit hash of an event id (FNV-1a over the chars, then a finalizer). */
  public static long hash(String eventId) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < eventId.length(); i++) {
      h ^= eventId.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ (h >>> 33);
  }

  @Override
  public String toString() {
    return "Interaction{item=" + itemId + ", user=" + userId + ", t=" + eventTimeMs + ", positive=" + positive + "}";
  }
}
