package io.pinnacle.job;

import io.pinnacle.data.FeedbackRules;
import io.pinnacle.job.config.PinnacleJobConfig;
import io.pinnacle.job.ingest.DeadLetters;
import io.pinnacle.job.ingest.DecodeAndValidate;
import io.pinnacle.job.ingest.Deduplicate;
import io.pinnacle.job.ingest.EventRules;
import io.pinnacle.job.ingest.RawRecord;
import io.pinnacle.job.ingest.RawRecordDeserializer;
import io.pinnacle.job.ingest.ValidEvent;
import io.pinnacle.job.output.AvroRecordSerializer;
import io.pinnacle.job.tuning.PromptTuningOperator;
import io.pinnacle.job.tuning.TuningSettings;
import io.pinnacle.schema.ItemEmbedding;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The streaming updater: Kafka interactions -> decode and validate -> de-duplicate by eventId -> keyBy(itemId) into
 * {@link PromptTuningOperator} -> item embeddings to a compacted topic (exactly once by default); refused records go
 * to the dead-letter topic. {@link #main} is the cluster entry point ({@code flink run}); nothing is embedded here.
 */
public final class PinnacleJob {
  private PinnacleJob() {}

  /** Adds the job to {@code env}; {@code bounded} stops at the input's end offsets (replays and tests). */
  public static void build(StreamExecutionEnvironment env, PinnacleJobConfig c, FeedbackRules rules,
                           boolean bounded) {
    String servers = c.get("kafka.bootstrap.servers");
    var source = KafkaSource.<RawRecord>builder()
        .setBootstrapServers(servers)
        .setTopics(c.get("topic.interactions"))
        .setGroupId(c.get("kafka.group.id"))
        .setStartingOffsets(OffsetsInitializer.committedOffsets(
            org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST))
        .setDeserializer(new RawRecordDeserializer())
        .setProperty("isolation.level", "read_committed");
    if (bounded) {
      source.setBounded(OffsetsInitializer.latest());
    }
    WatermarkStrategy<RawRecord> watermarks = WatermarkStrategy
        .<RawRecord>forBoundedOutOfOrderness(c.getDuration("watermark.out-of-orderness"))
        .withIdleness(c.getDuration("watermark.idleness"));

    SingleOutputStreamOperator<ValidEvent> valid = env
        .fromSource(source.build(), watermarks, "interactions")
        .uid("interactions-source")
        .process(new DecodeAndValidate(new EventRules(c.getDuration("validation.max-future").toMillis())))
        .uid("decode-validate").name("decode and validate");
    SingleOutputStreamOperator<ValidEvent> unique = valid
        .keyBy(e -> e.eventId, Types.STRING)
        .process(new Deduplicate(c.getDuration("dedup.window").toMillis()))
        .uid("deduplicate").name("de-duplicate");
    SingleOutputStreamOperator<ItemEmbedding> embeddings = unique
        .keyBy(e -> e.itemId, Types.LONG)
        .transform("prompt tuning", TypeInformation.of(ItemEmbedding.class),
            new PromptTuningOperator(TuningSettings.from(c), rules))
        .uid("prompt-tuning");

    embeddings.sinkTo(sink(c, AvroRecordSerializer.itemEmbeddings(c.get("topic.item-embeddings")), "-embeddings"))
        .uid("item-embeddings-sink").name("item embeddings");
    embeddings.getSideOutput(PromptTuningOperator.RETENTION)
        .sinkTo(sink(c, AvroRecordSerializer.retention(c.get("topic.retention")), "-retention"))
        .uid("retention-sink").name("retention reports");
    valid.getSideOutput(DeadLetters.TAG).union(unique.getSideOutput(DeadLetters.TAG))
        .sinkTo(sink(c, AvroRecordSerializer.deadLetters(c.get("topic.dead-letter")), "-dlq"))
        .uid("dead-letter-sink").name("dead letters");
  }

  /** A Kafka sink with the configured delivery guarantee; each sink has its own transactional-id prefix. */
  private static <T extends org.apache.avro.specific.SpecificRecord> KafkaSink<T> sink(
      PinnacleJobConfig c, AvroRecordSerializer<T> serializer, String idSuffix) {
    Properties producer = new Properties();
    // Transactions must outlive a checkpoint interval plus recovery; the broker caps this at its own maximum.
    producer.setProperty("transaction.timeout.ms", "900000");
    return KafkaSink.<T>builder()
        .setBootstrapServers(c.get("kafka.bootstrap.servers"))
        .setRecordSerializer(serializer)
        .setDeliveryGuarantee(DeliveryGuarantee.valueOf(c.get("delivery.guarantee")))
        .setTransactionalIdPrefix(c.get("transactional.id.prefix") + idSuffix)
        .setKafkaProducerConfig(producer)
        .build();
  }

  /** Flink settings the job needs: RocksDB with incremental checkpoints, the interval and the directory. */
  public static Map<String, String> flinkSettings(PinnacleJobConfig c) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("state.backend.type", "rocksdb");
    m.put("execution.checkpointing.incremental", "true");
    m.put("execution.checkpointing.interval", c.getDuration("checkpoint.interval").toMillis() + " ms");
    m.put("execution.checkpointing.mode", "EXACTLY_ONCE");
    if (!c.get("checkpoint.dir").isEmpty()) {
      m.put("execution.checkpointing.dir", c.get("checkpoint.dir"));
    }
    m.put("parallelism.default", c.get("parallelism"));
    return m;
  }

  /** Cluster entry point: {@code flink run pinnacle-flink-jobs.jar [--config FILE] [--set key=value ...]}. */
  public static void main(String[] args) throws Exception {
    PinnacleJobConfig c = JobArgs.parse(args);
    org.apache.flink.configuration.Configuration conf =
        org.apache.flink.configuration.Configuration.fromMap(flinkSettings(c));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    build(env, c, rulesFor(c.get("feedback.rules")), false);
    env.execute("pinnacle-updater");
  }

  public static FeedbackRules rulesFor(String name) {
    switch (name) {
      case "movielens":
        return FeedbackRules.movieLens();
      case "kuairand":
        return FeedbackRules.kuaiRand();
      case "synthetic":
        return FeedbackRules.synthetic();
      default:
        throw new IllegalArgumentException("feedback.rules must be movielens, kuairand or synthetic, not " + name);
    }
  }
}
