package io.pinnacle.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.base.SasRecConfig;
import io.pinnacle.feedback.Label;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.job.config.JobConfiguration;
import io.pinnacle.job.config.PinnacleOptions;
import io.pinnacle.job.kafka.Topics;
import io.pinnacle.pipeline.Pretraining;
import io.pinnacle.pipeline.PromoExperiment;
import io.pinnacle.prompt.PromoArtifact;
import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.runner.EmbeddedKafka;
import io.pinnacle.schema.InteractionEvent;
import io.pinnacle.schema.ItemEmbedding;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.Configuration;

/** What every end-to-end test needs: briefly trained real artifacts, and a job configuration with its own topics. */
final class ItFixtures {
  private ItFixtures() {}

  /** Trains a base model (5 epochs) and a prompt stage (2 epochs) under {@code work}: base/ and promo/. */
  static void artifacts(LeaveOneOutSplit split, Path work) throws Exception {
    Pretraining.run(split, SasRecConfig.defaults().withMaxEpochs(5), work.resolve("base"));
    BaseModelArtifact base = BaseModelArtifact.load(work.resolve("base"));
    PromoConfig pc = PromoConfig.defaults(base.dim()).withPromptEpochs(2);
    PromoExperiment x = new PromoExperiment(split, base, pc.k(), pc.warmPool(), pc.seed());
    x.saveArtifact(work.resolve("promo"), pc, x.promptStage(pc));
  }

  /** A configuration whose topics, group and transactional ids start with {@code prefix}; creates the topics. */
  static Configuration config(String prefix, EmbeddedKafka kafka, Path work, String rules,
                              Map<String, String> settings) {
    return config(prefix, kafka, work, rules, settings, 1);
  }

  /** As above, with {@code partitions} partitions per topic. */
  static Configuration config(String prefix, EmbeddedKafka kafka, Path work, String rules,
                              Map<String, String> settings, int partitions) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("pinnacle.kafka.bootstrap-servers", kafka.bootstrapServers());
    m.put("pinnacle.topic.interactions", prefix + "-interactions");
    m.put("pinnacle.topic.item-embeddings", prefix + "-item-embeddings");
    m.put("pinnacle.topic.dead-letter", prefix + "-dlq");
    m.put("pinnacle.topic.retention", prefix + "-retention");
    m.put("pinnacle.topic.targeting", prefix + "-targeting");
    m.put("pinnacle.topic.user-vectors", prefix + "-user-vectors");
    m.put("pinnacle.topic.item-catalog", prefix + "-item-catalog");
    m.put("pinnacle.kafka.group-id", prefix + "-updater");
    m.put("pinnacle.kafka.transactional-id-prefix", prefix + "-updater");
    m.put("pinnacle.artifact.base", work.resolve("base").toString());
    m.put("pinnacle.artifact.promo", work.resolve("promo").toString());
    m.put("pinnacle.feedback.rules", rules);
    m.putAll(settings);
    Configuration c = JobConfiguration.of(m);
    Topics topics = Topics.of(c);
    kafka.createTopics(topics.plain(), topics.compacted(), partitions);
    return c;
  }

  /** A replay in which some events are sent again, as a retrying producer would: the events and how many repeat. */
  record Replay(List<InteractionEvent> events, int resent) {}

  /**
   * The split's training events with up to {@code max} events on cold items (every {@code every}-th) sent again
   * {@code after} records later: the item stage finds them. (A repeat on a warm item leaves before the item stage,
   * where it could change nothing; one far behind its original, beyond pinnacle.dedup.per-item later events of the
   * item, is counted again.)
   */
  static Replay withResends(LeaveOneOutSplit split, int every, int after, int max) {
    List<InteractionEvent> events = new ArrayList<>();
    Map<Integer, InteractionEvent> resendAt = new HashMap<>();
    for (int k = 0; k < split.trainingEvents.size(); k++) {
      InteractionEvent e = split.trainingEvents.get(k);
      events.add(e);
      if (resendAt.size() < max && k % every == 0 && split.cold[split.items.dense(e.getItemId())]) {
        resendAt.put(k + after, e);
      }
      InteractionEvent again = resendAt.get(k);
      if (again != null) {
        events.add(again);
      }
    }
    return new Replay(events, resendAt.size());
  }

  /** Every cold item (by the PROMO artifact's threshold) that received labelled feedback has a committed embedding. */
  static void assertEveryColdItemWithFeedbackHasAnEmbedding(LeaveOneOutSplit split, Path promoDir,
                                                            Map<Long, ItemEmbedding> latest) {
    PromoArtifact promo = PromoArtifact.load(promoDir);
    Set<Long> coldWithFeedback = new HashSet<>();
    for (InteractionEvent e : split.trainingEvents) {
      if (promo.trainPositives(e.getItemId()) < promo.metadata().coldThreshold()
          && split.dataset.rules().label(e) != Label.IGNORED) {
        coldWithFeedback.add(e.getItemId());
      }
    }
    assertTrue(coldWithFeedback.size() > 10);
    Set<Long> missing = new HashSet<>(coldWithFeedback);
    missing.removeAll(latest.keySet());
    assertEquals(Set.of(), missing, "every cold item that received feedback has an embedding");
  }
}
