package io.pinnacle.job.kafka;

import io.pinnacle.schema.PinnacleTargeting;
import io.pinnacle.schema.codec.AvroValueCodec;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Any of our Avro records to a topic: value in single-object encoding, key from the record. */
public final class AvroRecordSerializer<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {
  private static final long serialVersionUID = 1L;

  /** A serializable key function. */
  public interface KeyOf<T> extends Function<T, byte[]>, Serializable {}

  private final String topic;
  private final String schemaJson;
  private final KeyOf<T> key;
  private transient AvroValueCodec<T> codec;

  public AvroRecordSerializer(String topic, Schema schema, KeyOf<T> key) {
    this.topic = topic;
    this.schemaJson = schema.toString();
    this.key = key;
  }

  /** Item embeddings for the compacted topic: key = item id, 8 bytes big-endian. */
  public static AvroRecordSerializer<io.pinnacle.schema.ItemEmbedding> itemEmbeddings(String topic) {
    return new AvroRecordSerializer<>(topic, io.pinnacle.schema.ItemEmbedding.getClassSchema(),
        e -> itemKey(e.getItemId()));
  }

  /** User vectors for the compacted topic: key = user id, 8 bytes big-endian. */
  public static AvroRecordSerializer<io.pinnacle.schema.UserVector> userVectors(String topic) {
    return new AvroRecordSerializer<>(topic, io.pinnacle.schema.UserVector.getClassSchema(),
        u -> itemKey(u.getUserId()));
  }

  /** Dead letters keyed by the refused record's original key (when it had one). */
  public static AvroRecordSerializer<io.pinnacle.schema.DeadLetter> deadLetters(String topic) {
    return new AvroRecordSerializer<>(topic, io.pinnacle.schema.DeadLetter.getClassSchema(), d -> {
      ByteBuffer k = d.getOriginalKey();
      if (k == null) {
        return null;
      }
      byte[] b = new byte[k.remaining()];
      k.duplicate().get(b);
      return b;
    });
  }

  /** Retention reports keyed by model name. */
  public static AvroRecordSerializer<io.pinnacle.schema.PinnacleRetention> retention(String topic) {
    return new AvroRecordSerializer<>(topic, io.pinnacle.schema.PinnacleRetention.getClassSchema(),
        r -> r.getModel().getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Targeting reports keyed by model name. */
  public static AvroRecordSerializer<PinnacleTargeting> targeting(String topic) {
    return new AvroRecordSerializer<>(topic, PinnacleTargeting.getClassSchema(),
        r -> r.getModel().getBytes(StandardCharsets.UTF_8));
  }

  public static byte[] itemKey(long itemId) {
    return ByteBuffer.allocate(8).putLong(itemId).array();
  }

  @Override
  public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
    codec = new AvroValueCodec<>(new Schema.Parser().parse(schemaJson));
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(T record, KafkaSinkContext context, Long timestamp) {
    return new ProducerRecord<>(topic, null, timestamp, key.apply(record), codec.encode(record));
  }
}
