package io.pinnacle.job.output;

import io.pinnacle.schema.PinnacleRetention;
import io.pinnacle.schema.codec.AvroValueCodec;
import io.pinnacle.schema.codec.Codecs;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Retention reports, Avro single-object values, keyed by model name. */
public final class RetentionSerializer implements KafkaRecordSerializationSchema<PinnacleRetention> {
  private static final long serialVersionUID = 1L;
  private final String topic;
  private transient AvroValueCodec<PinnacleRetention> codec;

  public RetentionSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
    codec = Codecs.pinnacleRetention();
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(PinnacleRetention r, KafkaSinkContext context, Long timestamp) {
    return new ProducerRecord<>(topic, r.getModel().getBytes(java.nio.charset.StandardCharsets.UTF_8),
        codec.encode(r));
  }
}
