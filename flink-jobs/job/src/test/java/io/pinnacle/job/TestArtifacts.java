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
    build(BASE, PROMO, 5, 2);
    // The second pair is built here too, before any test tunes in this JVM, like the first.
    build(OTHER_BASE, OTHER_PROMO, 2, 1);
    return split;
  }

  /** A briefly trained base and PROMO pair on the tiny stream, unless it exists. */
  private static void build(Path baseDir, Path promoDir, int baseEpochs, int promptEpochs) throws Exception {
    if (Files.isDirectory(promoDir)) {
      return;
    }
    Pretraining.run(split, SasRecConfig.defaults().withMaxEpochs(baseEpochs), baseDir);
    BaseModelArtifact base = BaseModelArtifact.load(baseDir);
    PromoConfig c = PromoConfig.defaults(base.dim()).withPromptEpochs(promptEpochs);
    PromoExperiment x = new PromoExperiment(split, base, c.k(), c.warmPool(), c.seed());
    x.saveArtifact(promoDir, c, x.promptStage(c));
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
