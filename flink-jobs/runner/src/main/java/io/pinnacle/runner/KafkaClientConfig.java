package io.pinnacle.runner;

import io.pinnacle.job.config.JobConfiguration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * The Kafka client settings of this process's clients: the bootstrap servers, plus, in the cluster tools (topic
 * creation, replay, checks, soak on deploy/local/cluster.sh), the very {@code pinnacle.kafka.properties.*} the job
 * gets, read from the cluster's Flink configuration ({@code FLINK_CONF_DIR}). A secured cluster's settings (SASL,
 * TLS, config providers reading secrets from files or the environment) thus live in one place for the job and its
 * tools, and no secret is ever an argument. Only a cluster tool's {@code main} loads them: the embedded run and the
 * stream benchmark start their own plaintext broker whatever the environment says.
 */
public final class KafkaClientConfig {
  public static final String CONF_DIR_ENV = "FLINK_CONF_DIR";
  private static volatile Properties cluster = new Properties();

  private KafkaClientConfig() {}

  /** From now on every client of this process carries the Kafka properties of the Flink configuration there. */
  public static void loadClusterConfiguration(String confDir) {
    cluster = fromConfiguration(confDir);
  }

  /** The bootstrap servers and the loaded client properties. */
  public static Properties properties(String bootstrap) {
    Properties p = new Properties();
    p.putAll(cluster);
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return p;
  }

  /** The same with a client's own settings on top. */
  public static Map<String, Object> with(String bootstrap, Map<String, Object> own) {
    Map<String, Object> m = new HashMap<>();
    properties(bootstrap).forEach((k, v) -> m.put((String) k, v));
    m.putAll(own);
    return m;
  }

  /** {@code pinnacle.kafka.properties.*} of the Flink configuration in {@code dir} (none: null or blank). */
  static Properties fromConfiguration(String dir) {
    Properties p = new Properties();
    if (dir != null && !dir.isBlank()) {
      p.putAll(JobConfiguration.kafkaProperties(GlobalConfiguration.loadConfiguration(dir)));
    }
    return p;
  }
}
