package io.pinnacle.job.kafka;

import io.pinnacle.job.config.JobConfiguration;
import io.pinnacle.job.config.PinnacleOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The job's topics, declared once: what a local runner, a test fixture or a benchmark creates before the job starts
 * (deploy/kafka/create-topics.sh is the cluster's copy of the same list). Compacted topics are keyed by item id (the
 * user vectors by user id).
 */
public record Topics(List<String> plain, List<String> compacted) {
  public static Topics of(Configuration c) {
    List<String> compacted = new ArrayList<>(List.of(c.get(PinnacleOptions.TOPIC_EMBEDDINGS),
        c.get(PinnacleOptions.TOPIC_CATALOG)));
    if (publishesUserVectors(c)) {
      compacted.add(c.get(PinnacleOptions.TOPIC_USER_VECTORS));
    }
    return new Topics(
        List.of(c.get(PinnacleOptions.TOPIC_INTERACTIONS), c.get(PinnacleOptions.TOPIC_DEAD_LETTER),
            c.get(PinnacleOptions.TOPIC_RETENTION), c.get(PinnacleOptions.TOPIC_TARGETING)),
        List.copyOf(compacted));
  }

  /** The user stage runs and publishes what it encodes. */
  public static boolean publishesUserVectors(Configuration c) {
    return c.get(PinnacleOptions.USERS_ENABLED) && c.get(PinnacleOptions.USERS_PUBLISH);
  }

  public List<String> all() {
    List<String> out = new ArrayList<>(plain);
    out.addAll(compacted);
    return out;
  }

  /**
   * Refuses to start against brokers that lack one of the job's topics. Without this check a missing output topic
   * fails the job at its first write to it (a minute later, and again after every restart), and a missing input
   * topic stops the source: a start-up error naming the topics is the clear failure.
   */
  public static void requireExisting(Configuration c) {
    List<String> missing = new ArrayList<>(of(c).all());
    Properties p = JobConfiguration.kafkaProperties(c);
    p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, c.get(PinnacleOptions.BOOTSTRAP_SERVERS));
    try (Admin admin = Admin.create(p)) {
      Set<String> present = admin.listTopics().names().get(60, TimeUnit.SECONDS);
      missing.removeAll(present);
    } catch (Exception e) {
      throw new IllegalStateException("cannot list the topics on " + c.get(PinnacleOptions.BOOTSTRAP_SERVERS)
          + " (set pinnacle.kafka.check-topics=false to skip the check)", e);
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException("topics missing on " + c.get(PinnacleOptions.BOOTSTRAP_SERVERS) + ": " + missing
          + "; create them first (deploy/kafka/create-topics.sh lists their settings)");
    }
  }
}
