package io.pinnacle.runner;

import io.pinnacle.job.config.JobConfiguration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * Kafka client settings of the runner's tools (topic creation, replay, checks, soak): the bootstrap servers plus the
 * very {@code pinnacle.kafka.properties.*} the job gets, read from the Flink configuration in {@code FLINK_CONF_DIR}
 * when that is set. A secured cluster's settings (SASL, TLS, config providers reading secrets from files or the
 * environment) thus live in one place for the job and its tools, and no secret is ever an argument.
 */
public final class KafkaClientConfig {
  public static final String CONF_DIR_ENV = "FLINK_CONF_DIR";

  private KafkaClientConfig() {}

  /** The bootstrap servers and the configured client properties. */
  public static Properties properties(String bootstrap) {
    return properties(bootstrap, System.getenv(CONF_DIR_ENV));
  }

  /** The same from the Flink configuration in {@code confDir} (none: null or blank). */
  static Properties properties(String bootstrap, String dir) {
    Properties p = new Properties();
    if (dir != null && !dir.isBlank()) {
      p.putAll(JobConfiguration.kafkaProperties(GlobalConfiguration.loadConfiguration(dir)));
    }
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
}
