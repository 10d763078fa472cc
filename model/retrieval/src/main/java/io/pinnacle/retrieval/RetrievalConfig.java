package io.pinnacle.retrieval;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the service reads from and listens on.
 *
 * @param bootstrap    Kafka bootstrap servers
 * @param itemTopic    the job's item-embeddings topic (compacted)
 * @param userTopic    the job's user-vectors topic (compacted)
 * @param base         the base model artifact the job runs with (warm items, frozen user vectors, the version)
 * @param port         HTTP port (0: any free one)
 * @param maxK         the largest k a query may ask for
 * @param maxStaleMs   how long an applied update may wait before it is searchable
 * @param kafka        further consumer settings (security, say)
 * @param reach        where to follow the live reach of new items, or null for no reach
 */
public record RetrievalConfig(String bootstrap, String itemTopic, String userTopic, Path base, int port, int maxK,
                              long maxStaleMs, Map<String, String> kafka, Reach reach) {
  /** The interactions topic (followed from its end), the job's feedback rules and the K of the reach. */
  public record Reach(String interactionsTopic, String feedbackRules, int k) {}

  public RetrievalConfig {
    if (maxK < 1) {
      throw new IllegalArgumentException("maxK must be at least 1: " + maxK);
    }
    kafka = Map.copyOf(kafka);
  }

  public RetrievalConfig(String bootstrap, String itemTopic, String userTopic, Path base, int port, int maxK,
                         long maxStaleMs, Map<String, String> kafka) {
    this(bootstrap, itemTopic, userTopic, base, port, maxK, maxStaleMs, kafka, null);
  }
}
