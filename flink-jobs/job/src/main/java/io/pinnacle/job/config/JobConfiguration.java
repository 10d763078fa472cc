package io.pinnacle.job.config;

import io.pinnacle.feedback.FeedbackRules;
import io.pinnacle.feedback.PinnacleMode;
import io.pinnacle.prompt.PromoArtifact;
import io.pinnacle.tuning.ServingRule;
import io.pinnacle.tuning.ServingTable;
import io.pinnacle.tuning.UpdaterConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * Where the job's settings come from, in order: the cluster configuration, a file ({@code --config FILE}, Java
 * properties), then {@code --set key=value}. Only {@code pinnacle.*} keys are the job's; an unknown one is refused so
 * a typo is not silently ignored. Flink's own settings stay the cluster's: {@link #flinkDefaults} adds only what
 * the cluster left unset.
 */
public final class JobConfiguration {
  private JobConfiguration() {}

  /** The job's settings from the cluster's configuration and the program arguments. */
  public static Configuration fromArgs(ReadableConfig cluster, String[] args) {
    Path file = null;
    Map<String, String> overrides = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if ("--config".equals(args[i]) && i + 1 < args.length) {
        file = Path.of(args[++i]);
      } else if ("--set".equals(args[i]) && i + 1 < args.length) {
        String kv = args[++i];
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("--set expects key=value, got " + kv);
        }
        overrides.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
      } else {
        throw new IllegalArgumentException("unknown argument " + args[i] + "; use --config FILE and --set key=value");
      }
    }
    return load(cluster, file, overrides);
  }

  public static Configuration load(ReadableConfig cluster, Path file, Map<String, String> overrides) {
    Configuration c = new Configuration();
    if (cluster instanceof Configuration conf) {
      conf.toMap().forEach((k, v) -> {
        if (k.startsWith(PinnacleOptions.PREFIX)) {
          put(c, k, v, "the cluster configuration");
        }
      });
    }
    if (file != null) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(file)) {
        p.load(r);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read configuration " + file + ": " + e.getMessage(), e);
      }
      p.forEach((k, v) -> put(c, k.toString().trim(), v.toString().trim(), file.toString()));
    }
    overrides.forEach((k, v) -> put(c, k, v, "the command line"));
    for (ConfigOption<?> o : PinnacleOptions.all()) {
      c.get(o); // parses every value now, so a malformed one fails at submission, not in a running task
    }
    deliveryGuarantee(c);
    rules(c);
    return c;
  }

  /** A configuration of the job's defaults with these overrides (tests and the local runner). */
  public static Configuration of(Map<String, String> settings) {
    return load(new Configuration(), null, settings);
  }

  private static void put(Configuration c, String key, String value, String where) {
    if (!known().contains(key) && !key.startsWith(PinnacleOptions.KAFKA_PROPERTIES_PREFIX)) {
      throw new IllegalArgumentException("unknown setting '" + key + "' (from " + where + "); the job's settings "
          + "are listed in flink-jobs/README.md");
    }
    c.setString(key, value);
  }

  private static Set<String> known() {
    Set<String> keys = new HashSet<>();
    for (ConfigOption<?> o : PinnacleOptions.all()) {
      keys.add(o.key());
    }
    return keys;
  }

  /** Kafka client properties passed through under {@link PinnacleOptions#KAFKA_PROPERTIES_PREFIX}. */
  public static Properties kafkaProperties(Configuration c) {
    Properties p = new Properties();
    c.toMap().forEach((k, v) -> {
      if (k.startsWith(PinnacleOptions.KAFKA_PROPERTIES_PREFIX)) {
        p.setProperty(k.substring(PinnacleOptions.KAFKA_PROPERTIES_PREFIX.length()), v);
      }
    });
    return p;
  }

  /**
   * The Flink settings the job needs, for the ones the cluster did not set: RocksDB with incremental checkpoints
   * every 10 s, and object reuse (no operator of the job keeps or changes its input records).
   */
  public static Configuration flinkDefaults(ReadableConfig cluster) {
    Configuration d = new Configuration();
    if (cluster.getOptional(StateBackendOptions.STATE_BACKEND).isEmpty()) {
      d.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
    }
    if (cluster.getOptional(CheckpointingOptions.INCREMENTAL_CHECKPOINTS).isEmpty()) {
      d.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    }
    if (cluster.getOptional(CheckpointingOptions.CHECKPOINTING_INTERVAL).isEmpty()) {
      d.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(10));
    }
    if (cluster.getOptional(PipelineOptions.OBJECT_REUSE).isEmpty()) {
      d.set(PipelineOptions.OBJECT_REUSE, true);
    }
    return d;
  }

  /** The delivery guarantee, written either way ({@code at-least-once} or {@code AT_LEAST_ONCE}). */
  public static DeliveryGuarantee deliveryGuarantee(ReadableConfig c) {
    String v = c.get(PinnacleOptions.DELIVERY_GUARANTEE).trim().toUpperCase(Locale.ROOT).replace('-', '_');
    if (!v.equals("EXACTLY_ONCE") && !v.equals("AT_LEAST_ONCE")) {
      throw new IllegalArgumentException(PinnacleOptions.DELIVERY_GUARANTEE.key()
          + " must be exactly-once or at-least-once, not " + c.get(PinnacleOptions.DELIVERY_GUARANTEE));
    }
    return DeliveryGuarantee.valueOf(v);
  }

  public static FeedbackRules rules(ReadableConfig c) {
    String name = c.get(PinnacleOptions.FEEDBACK_RULES);
    try {
      return FeedbackRules.named(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(PinnacleOptions.FEEDBACK_RULES.key()
          + " must be movielens, kuairand or synthetic, not " + name);
    }
  }

  /**
   * The cold-item updater's settings: the job's options, with the cold threshold, pinnacle mode and fitted serving
   * table of the PROMO artifact unless the options set them.
   */
  public static UpdaterConfig updaterConfig(ReadableConfig c, PromoArtifact promo, Path promoDir) {
    ServingTable table = c.getOptional(PinnacleOptions.SERVING_TABLE).map(ServingTable::parse)
        .orElseGet(() -> ServingTable.fittedOrDefault(promoDir, promo.metadata().version()));
    UpdaterConfig uc = updaterConfig(c, promo.metadata().coldThreshold(), promo.metadata().config().pinnacleMode());
    return uc.withServing(uc.serving().withTable(table));
  }

  /** The same without an artifact's fitted table (the option's table, else the default). */
  public static UpdaterConfig updaterConfig(ReadableConfig c, int artifactColdThreshold, PinnacleMode mode) {
    int threshold = c.get(PinnacleOptions.COLD_THRESHOLD) > 0 ? c.get(PinnacleOptions.COLD_THRESHOLD)
        : artifactColdThreshold;
    return new UpdaterConfig(c.get(PinnacleOptions.K), mode, c.get(PinnacleOptions.RECENT_SAMPLES),
        c.get(PinnacleOptions.RANDOM_NEGATIVES), threshold, c.get(PinnacleOptions.ADAM_STEPS),
        c.get(PinnacleOptions.DEDUP_PER_ITEM), UpdaterConfig.SEED, c.get(PinnacleOptions.RETENTION_SAMPLE_RATE),
        c.get(PinnacleOptions.RETENTION_MAX_PER_ITEM), c.get(PinnacleOptions.TARGETING_PROBES),
        new ServingRule(c.get(PinnacleOptions.SERVING_CO_LIKED), c.get(PinnacleOptions.SERVING_CO_LIKED_PRIOR),
            c.get(PinnacleOptions.SERVING_PROMPT_MIN_POSITIVES), c.get(PinnacleOptions.SERVING_CO_LIKED_CENTERED),
            c.getOptional(PinnacleOptions.SERVING_TABLE).map(ServingTable::parse).orElse(ServingTable.DEFAULT)));
  }
}
