package io.pinnacle.job.output;

import io.pinnacle.schema.DeadLetter;
import io.pinnacle.schema.codec.AvroValueCodec;
import io.pinnacle.schema.codec.Codecs;
import java.nio.ByteBuffer;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Dead letters keyed by their original key (when there was one), value Avro single-object. */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
  private static final long serialVersionUID = 1L;
  private final String topic;
  private transient AvroValueCodec<DeadLetter> codec;

  public DeadLetterSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
    codec = Codecs.deadLetter();
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext context, Long timestamp) {
    ByteBuffer k = d.getOriginalKey();
    byte[] key = null;
    if (k != null) {
      key = new byte[k.remaining()];
      k.duplicate().get(key);
    }
    return new ProducerRecord<>(topic, key, codec.encode(d));
  }
}
