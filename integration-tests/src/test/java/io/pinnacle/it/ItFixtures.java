package io.pinnacle.it;

import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.base.SasRecConfig;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.job.config.PinnacleJobConfig;
import io.pinnacle.job.embedded.EmbeddedKafka;
import io.pinnacle.pipeline.Pretraining;
import io.pinnacle.pipeline.PromoExperiment;
import io.pinnacle.prompt.PromoConfig;
import java.nio.file.Path;
import java.util.List;

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
  static PinnacleJobConfig config(String prefix, EmbeddedKafka kafka, Path work, String rules) {
    PinnacleJobConfig c = PinnacleJobConfig.defaults()
        .with("kafka.bootstrap.servers", kafka.bootstrapServers())
        .with("topic.interactions", prefix + "-interactions")
        .with("topic.item-embeddings", prefix + "-item-embeddings")
        .with("topic.dead-letter", prefix + "-dlq")
        .with("topic.retention", prefix + "-retention")
        .with("kafka.group.id", prefix + "-updater")
        .with("transactional.id.prefix", prefix + "-updater")
        .with("artifact.base", work.resolve("base").toString())
        .with("artifact.promo", work.resolve("promo").toString())
        .with("feedback.rules", rules);
    kafka.createTopics(List.of(c.get("topic.interactions"), c.get("topic.dead-letter"), c.get("topic.retention")),
        List.of(c.get("topic.item-embeddings")), 1);
    return c;
  }
}
