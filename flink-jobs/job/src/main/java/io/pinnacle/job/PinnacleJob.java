package io.pinnacle.job;

import io.pinnacle.job.config.JobConfiguration;
import io.pinnacle.job.config.PinnacleOptions;
import io.pinnacle.job.kafka.KafkaEndpoints;
import io.pinnacle.job.kafka.Topics;
import io.pinnacle.job.models.LoadedModels;
import io.pinnacle.job.topology.PinnacleTopology;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The cluster entry point: the topology ({@link PinnacleTopology}) with Kafka as its sources and sinks. */
public final class PinnacleJob {
  private PinnacleJob() {}

  /**
   * Cluster entry point: {@code flink run -c io.pinnacle.job.PinnacleJob job.jar [--config FILE] [--set k=v ...]}.
   * Parallelism, checkpointing and the state backend are the cluster's; the job only fills in what is unset.
   */
  public static void main(String[] args) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    Configuration conf = JobConfiguration.fromArgs(env.getConfiguration(), args);
    env.configure(JobConfiguration.flinkDefaults(env.getConfiguration()));
    if (conf.get(PinnacleOptions.CHECK_ARTIFACTS)) {
      LoadedModels.verify(conf);
    }
    if (conf.get(PinnacleOptions.CHECK_TOPICS)) {
      Topics.requireExisting(conf);
    }
    PinnacleTopology.build(KafkaEndpoints.inputs(env, conf, false), conf, KafkaEndpoints.outputs(conf));
    env.execute("pinnacle-updater");
  }
}
