package io.pinnacle.job.kafka;

import io.pinnacle.job.topology.PinnacleTopology;
import io.pinnacle.job.config.JobConfiguration;
import io.pinnacle.job.config.PinnacleOptions;
import io.pinnacle.job.ingest.RawRecord;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** The job's Kafka source and sinks, built from its settings; the topology itself knows nothing of Kafka. */
public final class KafkaEndpoints {
  private KafkaEndpoints() {}

  /** Interactions and the item catalog; {@code bounded} stops both at the end offsets seen at start. */
  public static PinnacleTopology.Inputs inputs(StreamExecutionEnvironment env, Configuration c, boolean bounded) {
    return new PinnacleTopology.Inputs(input(env, c, bounded), catalog(env, c, bounded));
  }

  /** The item catalog as raw records; the first start reads it from the earliest offset (the topic is compacted). */
  public static DataStream<RawRecord> catalog(StreamExecutionEnvironment env, Configuration c, boolean bounded) {
    return raw(env, c, c.get(PinnacleOptions.TOPIC_CATALOG), bounded, "item catalog", "item-catalog-source");
  }

  /**
   * The interactions topic as raw records (decoding happens in the job, where a bad record can be dead-lettered).
   * {@code bounded} stops at the end offsets seen at start (replays).
   */
  public static DataStream<RawRecord> input(StreamExecutionEnvironment env, Configuration c, boolean bounded) {
    return raw(env, c, c.get(PinnacleOptions.TOPIC_INTERACTIONS), bounded, "interactions", "interactions-source");
  }

  /** One topic's committed records, undecoded, from the group's offsets (the earliest on a first start). */
  private static DataStream<RawRecord> raw(StreamExecutionEnvironment env, Configuration c, String topic,
                                           boolean bounded, String name, String uid) {
    KafkaSourceBuilder<RawRecord> source = KafkaSource.<RawRecord>builder()
        .setBootstrapServers(c.get(PinnacleOptions.BOOTSTRAP_SERVERS))
        .setTopics(topic)
        .setGroupId(c.get(PinnacleOptions.GROUP_ID))
        .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
        .setDeserializer(new RawRecordDeserializer())
        .setProperties(JobConfiguration.kafkaProperties(c))
        .setProperty("isolation.level", "read_committed");
    if (bounded) {
      source.setBounded(OffsetsInitializer.latest());
    }
    // Nothing in the job uses event time: no watermarks to compute.
    return env.fromSource(source.build(), WatermarkStrategy.noWatermarks(), name).uid(uid);
  }

  /** The output topics with the configured delivery guarantee. */
  public static PinnacleTopology.Outputs outputs(Configuration c) {
    return new PinnacleTopology.Outputs(
        sink(c, AvroRecordSerializer.itemEmbeddings(c.get(PinnacleOptions.TOPIC_EMBEDDINGS)), "-embeddings"),
        sink(c, AvroRecordSerializer.deadLetters(c.get(PinnacleOptions.TOPIC_DEAD_LETTER)), "-dlq"),
        sink(c, AvroRecordSerializer.retention(c.get(PinnacleOptions.TOPIC_RETENTION)), "-retention"),
        sink(c, AvroRecordSerializer.targeting(c.get(PinnacleOptions.TOPIC_TARGETING)), "-targeting"),
        sink(c, AvroRecordSerializer.userVectors(c.get(PinnacleOptions.TOPIC_USER_VECTORS)), "-users"));
  }

  /** Each sink has its own transactional-id prefix. */
  private static <T extends SpecificRecord> KafkaSink<T> sink(Configuration c, AvroRecordSerializer<T> serializer,
                                                              String idSuffix) {
    Properties producer = JobConfiguration.kafkaProperties(c);
    producer.setProperty("transaction.timeout.ms",
        Long.toString(c.get(PinnacleOptions.TRANSACTION_TIMEOUT).toMillis()));
    return KafkaSink.<T>builder()
        .setBootstrapServers(c.get(PinnacleOptions.BOOTSTRAP_SERVERS))
        .setRecordSerializer(serializer)
        .setDeliveryGuarantee(JobConfiguration.deliveryGuarantee(c))
        .setTransactionalIdPrefix(c.get(PinnacleOptions.TRANSACTIONAL_ID_PREFIX) + idSuffix)
        .setKafkaProducerConfig(producer)
        .build();
  }
}
