package io.pinnacle.job;

import io.pinnacle.job.topology.PinnacleTopology;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.job.config.JobConfiguration;
import io.pinnacle.job.ingest.RawRecord;
import io.pinnacle.prompt.PromoArtifact;
import io.pinnacle.schema.DeadLetter;
import io.pinnacle.schema.InteractionEvent;
import io.pinnacle.schema.ItemEmbedding;
import io.pinnacle.schema.ItemFeatures;
import io.pinnacle.schema.PinnacleRetention;
import io.pinnacle.schema.PinnacleTargeting;
import io.pinnacle.schema.UserVector;
import io.pinnacle.schema.codec.AvroValueCodec;
import io.pinnacle.schema.codec.Codecs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.executiongraph.AccessExecutionJobVertex;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole topology without a broker (a parallel in-memory source, collecting sinks) on a MiniCluster with four
 * slots: the job runs at the cluster's parallelism, 4, not one of its own.
 */
class TopologyITCase {
  private static final int PARALLELISM = 4;
  private static final List<RawRecord> INPUT = new ArrayList<>();
  private static final List<RawRecord> CATALOG = new ArrayList<>();
  /** An item no event mentions: the catalog alone must give it an embedding. */
  private static final long DESCRIBED_ONLY = 987_654_321L;

  @RegisterExtension
  static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1)
          .setNumberSlotsPerTaskManager(PARALLELISM).build());

  @Test
  void runsAtTheClustersParallelism(@InjectMiniCluster MiniCluster cluster) throws Exception {
    LeaveOneOutSplit split = TestArtifacts.ensure();
    AvroValueCodec<InteractionEvent> codec = Codecs.interactionEvent();
    synchronized (INPUT) {
      INPUT.clear();
      long offset = 0;
      for (InteractionEvent e : split.trainingEvents) {
        INPUT.add(new RawRecord(null, codec.encode(e), "interactions", 0, offset++, 1_000L));
      }
      INPUT.add(new RawRecord(null, new byte[] {1, 2, 3}, "interactions", 0, offset++, 1_000L));
      PromoArtifact promo = PromoArtifact.load(TestArtifacts.PROMO);
      InteractionEvent onColdItem = split.trainingEvents.stream()
          .filter(e -> promo.trainPositives(e.getItemId()) < 5).findFirst().orElseThrow();
      INPUT.add(new RawRecord(null, codec.encode(onColdItem), "interactions", 0, offset, 1_000L)); // resent
    }
    AvroValueCodec<ItemFeatures> catalogCodec = Codecs.itemFeatures();
    synchronized (CATALOG) {
      CATALOG.clear();
      CATALOG.add(new RawRecord(null, catalogCodec.encode(new ItemFeatures(DESCRIBED_ONLY, List.of(0, 2), 1L, "t")),
          "item-catalog", 0, 0, 1_000L));
      CATALOG.add(new RawRecord(null, catalogCodec.encode(new ItemFeatures(DESCRIBED_ONLY + 1, List.of(-3), 1L, "t")),
          "item-catalog", 0, 1, 1_000L));
    }
    // A failing task fails the test at once instead of restarting for ever.
    Configuration flink = new Configuration();
    flink.setString("restart-strategy.type", "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
    Configuration conf = TestArtifacts.config(Map.of("pinnacle.tuning.batch-size", "16"));
    env.configure(JobConfiguration.flinkDefaults(env.getConfiguration()));
    int n = INPUT.size();
    DataStream<RawRecord> input = env.fromSequence(0, n - 1)
        .map(i -> INPUT.get((int) (long) i), TypeInformation.of(RawRecord.class)).name("records");
    CollectSink<ItemEmbedding> embeddings = new CollectSink<>("topology-embeddings");
    CollectSink<DeadLetter> dead = new CollectSink<>("topology-dead");
    CollectSink<PinnacleRetention> retention = new CollectSink<>("topology-retention");
    CollectSink<PinnacleTargeting> targeting = new CollectSink<>("topology-targeting");
    CollectSink<UserVector> userVectors = new CollectSink<>("topology-user-vectors");
    DataStream<RawRecord> catalog = env.fromSequence(0, CATALOG.size() - 1)
        .map(i -> CATALOG.get((int) (long) i), TypeInformation.of(RawRecord.class)).name("catalog");
    PinnacleTopology.build(new PinnacleTopology.Inputs(input, catalog), conf,
        new PinnacleTopology.Outputs(embeddings, dead, retention, targeting, userVectors));
    JobID id = env.executeAsync("topology").getJobID();
    JobResult result = cluster.requestJobResult(id).get();
    if (!result.isSuccess()) {
      throw new AssertionError("the job failed", result.getSerializedThrowable().orElseThrow()
          .deserializeError(getClass().getClassLoader()));
    }

    int vertices = 0;
    for (AccessExecutionJobVertex v : cluster.getArchivedExecutionGraph(id).get().getAllVertices().values()) {
      assertEquals(PARALLELISM, v.getParallelism(), v.getName());
      vertices++;
    }
    assertTrue(vertices >= 2, "decode and item stages: " + vertices);
    List<ItemEmbedding> out = embeddings.values();
    assertTrue(out.size() > 50, "embeddings: " + out.size());
    Map<Long, Long> lastSeq = new HashMap<>();
    for (ItemEmbedding e : out) {
      Long prev = lastSeq.put(e.getItemId(), e.getUpdateSeq());
      assertTrue(prev == null || prev < e.getUpdateSeq(), "updateSeq of " + e.getItemId() + " increases");
    }
    Set<String> reasons = new HashSet<>();
    dead.values().forEach(d -> reasons.add(d.getReason().toString()));
    assertEquals(Set.of("undecodable", "duplicate", "bad-feature"), reasons);
    assertFalse(userVectors.values().isEmpty(), "the user stage publishes the vectors it encodes");
    assertTrue(out.stream().anyMatch(e -> e.getItemId() == DESCRIBED_ONLY),
        "an item described by the catalog has an embedding before its first event");
  }
}
