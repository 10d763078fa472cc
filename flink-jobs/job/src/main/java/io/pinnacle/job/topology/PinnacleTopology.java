package io.pinnacle.job.topology;

import io.pinnacle.job.config.PinnacleOptions;
import io.pinnacle.job.ingest.DeadLetters;
import io.pinnacle.job.ingest.DecodeAndValidate;
import io.pinnacle.job.ingest.DecodeCatalog;
import io.pinnacle.job.ingest.Interaction;
import io.pinnacle.job.ingest.InteractionTypeInfo;
import io.pinnacle.job.ingest.RawRecord;
import io.pinnacle.job.tuning.ItemUpdateOperator;
import io.pinnacle.job.users.UserVectorOperator;
import io.pinnacle.schema.DeadLetter;
import io.pinnacle.schema.ItemEmbedding;
import io.pinnacle.schema.ItemFeatures;
import io.pinnacle.schema.PinnacleRetention;
import io.pinnacle.schema.PinnacleTargeting;
import io.pinnacle.schema.UserVector;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The streaming updater as a function of its inputs and outputs:
 * raw records -> decode, validate, drop what cannot change an embedding ({@link DecodeAndValidate}) ->
 * keyBy(user) -> attach the user's vector from their recent items ({@link UserVectorOperator}) ->
 * keyBy(item), joined with the decoded item catalog ({@link DecodeCatalog}) -> de-duplicate, update feedback, start
 * new items from their content, tune cold items in micro-batches ({@link ItemUpdateOperator}) ->
 * item embeddings; the encoded user vectors; refused records and duplicates -> dead letters; retention and targeting reports. {@code PinnacleJob#main}
 * wires Kafka in; tests wire in collections and collecting sinks.
 */
public final class PinnacleTopology {
  private PinnacleTopology() {}


  /** What the job reads: interactions, and the item catalog (content features; may be an empty stream). */
  public record Inputs(DataStream<RawRecord> interactions, DataStream<RawRecord> catalog) {}

  /**
   * Where the job's outputs go: embeddings, dead letters, the two live measures' window reports, and the user vectors
   * the user stage encoded (nothing when the stage is off).
   */
  public record Outputs(Sink<ItemEmbedding> embeddings, Sink<DeadLetter> deadLetters,
                        Sink<PinnacleRetention> retention, Sink<PinnacleTargeting> targeting,
                        Sink<UserVector> userVectors) {}

  /** Adds the topology to the input's environment. */
  public static void build(Inputs inputs, Configuration conf, Outputs outputs) {
    SingleOutputStreamOperator<Interaction> events = inputs.interactions()
        .process(new DecodeAndValidate(conf), InteractionTypeInfo.INSTANCE)
        .uid("decode-validate").name("decode and validate");
    SingleOutputStreamOperator<ItemFeatures> catalog = inputs.catalog()
        .process(new DecodeCatalog(conf), TypeInformation.of(ItemFeatures.class))
        .uid("decode-catalog").name("decode catalog");
    DataStream<Interaction> withUsers = events;
    if (conf.get(PinnacleOptions.USERS_ENABLED)) {
      SingleOutputStreamOperator<Interaction> users = events
          .keyBy(e -> e.userId, Types.LONG)
          .transform("user vectors", InteractionTypeInfo.INSTANCE, new UserVectorOperator(conf))
          .uid("user-vectors");
      if (conf.get(PinnacleOptions.USERS_PUBLISH)) {
        users.getSideOutput(UserVectorOperator.VECTORS).sinkTo(outputs.userVectors())
            .uid("user-vectors-sink").name("user vectors");
      }
      withUsers = users;
    }
    SingleOutputStreamOperator<ItemEmbedding> embeddings = withUsers
        .keyBy(e -> e.itemId, Types.LONG)
        .connect(catalog.keyBy(ItemFeatures::getItemId, Types.LONG))
        .transform("item updates", TypeInformation.of(ItemEmbedding.class), new ItemUpdateOperator(conf))
        .uid("item-updates");
    embeddings.sinkTo(outputs.embeddings()).uid("item-embeddings-sink").name("item embeddings");
    embeddings.getSideOutput(ItemUpdateOperator.RETENTION).sinkTo(outputs.retention())
        .uid("retention-sink").name("retention reports");
    embeddings.getSideOutput(ItemUpdateOperator.TARGETING).sinkTo(outputs.targeting())
        .uid("targeting-sink").name("targeting reports");
    events.getSideOutput(DeadLetters.TAG)
        .union(catalog.getSideOutput(DeadLetters.TAG), embeddings.getSideOutput(DeadLetters.TAG))
        .sinkTo(outputs.deadLetters()).uid("dead-letter-sink").name("dead letters");
  }
}
