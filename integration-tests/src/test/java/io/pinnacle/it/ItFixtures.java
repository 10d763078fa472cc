package io.pinnacle.it;

import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.base.SasRecConfig;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.job.config.JobConfiguration;
import io.pinnacle.job.config.PinnacleOptions;
import io.pinnacle.job.kafka.Topics;
import io.pinnacle.pipeline.Pretraining;
import io.pinnacle.pipeline.PromoExperiment;
import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.runner.EmbeddedKafka;
import io.pinnacle.schema.InteractionEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
}
