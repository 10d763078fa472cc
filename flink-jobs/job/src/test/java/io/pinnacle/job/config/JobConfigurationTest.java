package io.pinnacle.job.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigurationTest {
  @TempDir Path dir;

  @Test
  void clusterThenFileThenCommandLine() throws Exception {
    Configuration cluster = new Configuration();
    cluster.setString("pinnacle.tuning.batch-size", "64");
    cluster.setString("pinnacle.topic.interactions", "from-cluster");
    cluster.setString("pinnacle.delivery-guarantee", "AT_LEAST_ONCE");
    cluster.setString("taskmanager.numberOfTaskSlots", "4"); // Flink's own keys are not the job's business
    Path file = dir.resolve("job.properties");
    Files.writeString(file, "pinnacle.tuning.batch-size=128\npinnacle.state.ttl=2 h\n");
    Configuration c = JobConfiguration.fromArgs(cluster, new String[] {"--config", file.toString(), "--set",
        "pinnacle.state.ttl=3 h"});
    assertEquals(128, c.get(PinnacleOptions.BATCH_SIZE));
    assertEquals("from-cluster", c.get(PinnacleOptions.TOPIC_INTERACTIONS));
    assertEquals(DeliveryGuarantee.AT_LEAST_ONCE, JobConfiguration.deliveryGuarantee(c));
    assertEquals(DeliveryGuarantee.EXACTLY_ONCE, JobConfiguration.deliveryGuarantee(JobConfiguration.of(Map.of())));
    assertEquals(Duration.ofHours(3), c.get(PinnacleOptions.STATE_TTL));
    assertEquals(PinnacleOptions.MAX_DELAY.defaultValue(), c.get(PinnacleOptions.MAX_DELAY));
  }

  @Test
  void unknownOrMalformedSettingsAreRefused() {
    IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
        () -> JobConfiguration.of(Map.of("pinnacle.tuning.bach-size", "3")));
    assertTrue(typo.getMessage().contains("pinnacle.tuning.bach-size"), typo.getMessage());
    assertThrows(IllegalArgumentException.class, () -> JobConfiguration.of(Map.of("pinnacle.tuning.batch-size",
        "many")));
    assertThrows(IllegalArgumentException.class, () -> JobConfiguration.of(Map.of("pinnacle.delivery-guarantee",
        "twice")));
    Configuration cluster = new Configuration();
    cluster.setString("pinnacle.nope", "1");
    assertThrows(IllegalArgumentException.class, () -> JobConfiguration.fromArgs(cluster, new String[0]));
  }

  @Test
  void kafkaClientPropertiesPassThroughUnderTheirPrefix() {
    Configuration c = JobConfiguration.of(Map.of("pinnacle.kafka.properties.security.protocol", "SASL_SSL",
        "pinnacle.kafka.properties.max.request.size", "2097152"));
    Properties p = JobConfiguration.kafkaProperties(c);
    assertEquals("SASL_SSL", p.getProperty("security.protocol"));
    assertEquals("2097152", p.getProperty("max.request.size"));
    assertEquals(2, p.size());
  }

  @Test
  void flinkDefaultsNeverOverrideTheCluster() {
    Configuration cluster = new Configuration();
    cluster.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMinutes(2));
    cluster.set(StateBackendOptions.STATE_BACKEND, "hashmap");
    cluster.set(CoreOptions.DEFAULT_PARALLELISM, 4);
    Configuration d = JobConfiguration.flinkDefaults(cluster);
    assertFalse(d.contains(CheckpointingOptions.CHECKPOINTING_INTERVAL));
    assertFalse(d.contains(StateBackendOptions.STATE_BACKEND));
    assertFalse(d.contains(CoreOptions.DEFAULT_PARALLELISM), "parallelism is never the job's");
    assertTrue(d.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS));
    Configuration empty = JobConfiguration.flinkDefaults(new Configuration());
    assertEquals("rocksdb", empty.get(StateBackendOptions.STATE_BACKEND));
    assertEquals(Duration.ofSeconds(10), empty.get(CheckpointingOptions.CHECKPOINTING_INTERVAL));
  }

  @Test
  void everySettingIsDocumented() throws Exception {
    Path readme = Path.of("..", "README.md");
    String doc = Files.readString(readme);
    for (ConfigOption<?> o : PinnacleOptions.all()) {
      assertTrue(doc.contains("`" + o.key() + "`"), o.key() + " is missing from flink-jobs/README.md");
    }
  }
}
