package io.pinnacle.job.kafka;

import io.pinnacle.job.config.PinnacleOptions;
import java.util.List;
import org.apache.flink.configuration.Configuration;

/**
 * The job's topics, declared once: what a local runner, a test fixture or a benchmark creates before the job starts
 * (deploy/kafka/create-topics.sh is the cluster's copy of the same list). Compacted topics are keyed by item id.
 */
public record Topics(List<String> plain, List<String> compacted) {
  public static Topics of(Configuration c) {
    return new Topics(
        List.of(c.get(PinnacleOptions.TOPIC_INTERACTIONS), c.get(PinnacleOptions.TOPIC_DEAD_LETTER),
            c.get(PinnacleOptions.TOPIC_RETENTION), c.get(PinnacleOptions.TOPIC_TARGETING)),
        List.of(c.get(PinnacleOptions.TOPIC_EMBEDDINGS), c.get(PinnacleOptions.TOPIC_CATALOG)));
  }
}
