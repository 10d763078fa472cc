package io.pinnacle.job;

import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.base.SasRecConfig;
import io.pinnacle.data.SyntheticStream;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.job.config.JobConfiguration;
import io.pinnacle.job.config.PinnacleOptions;
import io.pinnacle.pipeline.Pretraining;
import io.pinnacle.pipeline.PromoExperiment;
import io.pinnacle.prompt.PromoConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;

/** Small real artifacts (a briefly trained base and prompt stage on the tiny synthetic stream), built once. */
public final class TestArtifacts {
  public static final Path DIR = Path.of("target", "test-artifacts");
  public static final Path BASE = DIR.resolve("base");
  public static final Path PROMO = DIR.resolve("promo");
  /** A second base (trained for fewer epochs, so another version) with its own PROMO artifact. */
  public static final Path OTHER_BASE = DIR.resolve("base-other");
  public static final Path OTHER_PROMO = DIR.resolve("promo-other");
  private static LeaveOneOutSplit split;

  private TestArtifacts() {}

  /** The job's settings on these artifacts with the synthetic rules and a cold threshold of 5. */
  public static Configuration config(Map<String, String> overrides) throws Exception {
    ensure();
    Map<String, String> m = new LinkedHashMap<>();
    m.put(PinnacleOptions.ARTIFACT_BASE.key(), BASE.toString());
    m.put(PinnacleOptions.ARTIFACT_PROMO.key(), PROMO.toString());
    m.put(PinnacleOptions.FEEDBACK_RULES.key(), "synthetic");
    m.put(PinnacleOptions.COLD_THRESHOLD.key(), "5");
    m.putAll(overrides);
    return JobConfiguration.of(m);
  }

  public static synchronized LeaveOneOutSplit ensure() throws Exception {
    if (split == null) {
      split = LeaveOneOutSplit.of(SyntheticStream.generate(SyntheticStream.Config.tiny()));
    }
    if (!Files.isDirectory(PROMO)) {
      Pretraining.run(split, SasRecConfig.defaults().withMaxEpochs(5), BASE);
      BaseModelArtifact base = BaseModelArtifact.load(BASE);
      PromoConfig c = PromoConfig.defaults(base.dim()).withPromptEpochs(2);
      PromoExperiment x = new PromoExperiment(split, base, c.k(), c.warmPool(), c.seed());
      x.saveArtifact(PROMO, c, x.promptStage(c));
    }
    if (!Files.isDirectory(OTHER_PROMO)) {
      // Built here, before any test tunes in this JVM, like the first pair.
      Pretraining.run(split, SasRecConfig.defaults().withMaxEpochs(2), OTHER_BASE);
      BaseModelArtifact base = BaseModelArtifact.load(OTHER_BASE);
      PromoConfig c = PromoConfig.defaults(base.dim()).withPromptEpochs(1);
      PromoExperiment x = new PromoExperiment(split, base, c.k(), c.warmPool(), c.seed());
      x.saveArtifact(OTHER_PROMO, c, x.promptStage(c));
    }
    return split;
  }

  /** The job's settings on the second base and its PROMO artifact. */
  public static synchronized Configuration otherConfig(Map<String, String> overrides) throws Exception {
    ensure();
    Map<String, String> m = new LinkedHashMap<>(overrides);
    m.put(PinnacleOptions.ARTIFACT_BASE.key(), OTHER_BASE.toString());
    m.put(PinnacleOptions.ARTIFACT_PROMO.key(), OTHER_PROMO.toString());
    return config(m);
  }
}
