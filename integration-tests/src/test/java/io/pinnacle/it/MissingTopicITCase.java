package io.pinnacle.it;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pinnacle.job.config.JobConfiguration;
import io.pinnacle.runner.EmbeddedKafka;
import io.pinnacle.runner.StreamRun;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** On a real broker without one of its topics the job refuses to start and names the topic, instead of failing later. */
class MissingTopicITCase {
  @Test
  void aMissingTopicIsAStartUpErrorThatNamesIt() {
    EmbeddedKafka kafka = SharedKafka.get();
    String prefix = "missing-" + System.currentTimeMillis();
    kafka.createTopics(List.of(prefix + "-interactions", prefix + "-dlq", prefix + "-retention"),
        List.of(prefix + "-item-embeddings", prefix + "-item-catalog", prefix + "-user-vectors"), 1);
    Configuration c = JobConfiguration.of(Map.of(
        "pinnacle.kafka.bootstrap-servers", kafka.bootstrapServers(),
        "pinnacle.topic.interactions", prefix + "-interactions",
        "pinnacle.topic.dead-letter", prefix + "-dlq",
        "pinnacle.topic.retention", prefix + "-retention",
        "pinnacle.topic.targeting", prefix + "-targeting",
        "pinnacle.topic.item-embeddings", prefix + "-item-embeddings",
        "pinnacle.topic.item-catalog", prefix + "-item-catalog",
        "pinnacle.topic.user-vectors", prefix + "-user-vectors"));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> StreamRun.start(c, Path.of("target", prefix), Map.of()));
    assertTrue(e.getMessage().contains("[" + prefix + "-targeting]"), e.getMessage());
  }
}
