package io.pinnacle.job.output;

import io.pinnacle.schema.ItemEmbedding;
import io.pinnacle.schema.codec.AvroValueCodec;
import io.pinnacle.schema.codec.Codecs;
import java.nio.ByteBuffer;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Item embeddings keyed by item id (8 bytes, big-endian) for the compacted topic; value Avro single-object. */
public final class ItemEmbeddingSerializer implements KafkaRecordSerializationSchema<ItemEmbedding> {
  private static final long serialVersionUID = 1L;
  private final String topic;
  private transient AvroValueCodec<ItemEmbedding> codec;

  public ItemEmbeddingSerializer(String topic) {
    this.topic = topic;
  }

  public static byte[] key(long itemId) {
    return ByteBuffer.allocate(8).putLong(itemId).array();
  }

  @Override
  public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
    codec = Codecs.itemEmbedding();
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(ItemEmbedding e, KafkaSinkContext context, Long timestamp) {
    return new ProducerRecord<>(topic, null, timestamp, key(e.getItemId()), codec.encode(e));
  }
}
