package io.pinnacle.job;

import io.pinnacle.job.config.JobConfiguration;
import io.pinnacle.job.config.PinnacleOptions;
import io.pinnacle.job.ingest.DeadLetters;
import io.pinnacle.job.ingest.DecodeAndValidate;
import io.pinnacle.job.ingest.Interaction;
import io.pinnacle.job.ingest.InteractionTypeInfo;
import io.pinnacle.job.ingest.RawRecord;
import io.pinnacle.job.kafka.KafkaEndpoints;
import io.pinnacle.job.tuning.ItemUpdateOperator;
import io.pinnacle.job.users.UserVectorOperator;
import io.pinnacle.schema.DeadLetter;
import io.pinnacle.schema.ItemEmbedding;
import io.pinnacle.schema.PinnacleRetention;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The streaming updater as a function of its input and outputs:
 * raw records -> decode, validate, drop what cannot change an embedding ({@link DecodeAndValidate}) ->
 * keyBy(user) -> attach the user's vector from their recent items ({@link UserVectorOperator}) ->
 * keyBy(item) -> de-duplicate, update feedback, tune cold items in micro-batches ({@link ItemUpdateOperator}) ->
 * item embeddings; refused records and duplicates -> dead letters; retention reports. {@link #main} is the
 * cluster entry point and wires Kafka in; tests wire in collections and collecting sinks.
 */
public final class PinnacleJob {
  private PinnacleJob() {}

  /** Where the job's three outputs go. */
  public record Outputs(Sink<ItemEmbedding> embeddings, Sink<DeadLetter> deadLetters,
                        Sink<PinnacleRetention> retention) {}

  /** Adds the topology to the input's environment. */
  public static void build(DataStream<RawRecord> input, Configuration conf, Outputs outputs) {
    SingleOutputStreamOperator<Interaction> events = input
        .process(new DecodeAndValidate(conf), InteractionTypeInfo.INSTANCE)
        .uid("decode-validate").name("decode and validate");
    DataStream<Interaction> withUsers = events;
    if (conf.get(PinnacleOptions.USERS_ENABLED)) {
      withUsers = events
          .keyBy(e -> e.userId, Types.LONG)
          .transform("user vectors", InteractionTypeInfo.INSTANCE, new UserVectorOperator(conf))
          .uid("user-vectors");
    }
    SingleOutputStreamOperator<ItemEmbedding> embeddings = withUsers
        .keyBy(e -> e.itemId, Types.LONG)
        .transform("item updates", TypeInformation.of(ItemEmbedding.class), new ItemUpdateOperator(conf))
        .uid("item-updates");
    embeddings.sinkTo(outputs.embeddings()).uid("item-embeddings-sink").name("item embeddings");
    embeddings.getSideOutput(ItemUpdateOperator.RETENTION).sinkTo(outputs.retention())
        .uid("retention-sink").name("retention reports");
    events.getSideOutput(DeadLetters.TAG).union(embeddings.getSideOutput(DeadLetters.TAG))
        .sinkTo(outputs.deadLetters()).uid("dead-letter-sink").name("dead letters");
  }

  /**
   * Cluster entry point: {@code flink run -c io.pinnacle.job.PinnacleJob job.jar [--config FILE] [--set k=v ...]}.
   * Parallelism, checkpointing and the state backend are the cluster's; the job only fills in what is unset.
   */
  public static void main(String[] args) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    Configuration conf = JobConfiguration.fromArgs(env.getConfiguration(), args);
    env.configure(JobConfiguration.flinkDefaults(env.getConfiguration()));
    build(KafkaEndpoints.input(env, conf, false), conf, KafkaEndpoints.outputs(conf));
    env.execute("pinnacle-updater");
  }
}
