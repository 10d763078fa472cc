package io.pinnacle.runner.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.base.SasRecConfig;
import io.pinnacle.cli.PinnacleCli;
import io.pinnacle.data.DatasetLoader;
import io.pinnacle.data.TemporalSplit;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.pipeline.Pretraining;
import io.pinnacle.pipeline.PromoExperiment;
import io.pinnacle.prompt.PromoConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state-size measurement on the tiny stream: every kind measured, and a cold item within its bound on paper. */
class StateSizesTest {
  @TempDir Path work;

  @Test
  @SuppressWarnings("unchecked")
  void measuresEveryKindWithinTheBound() throws Exception {
    TemporalSplit temporal = TemporalSplit.parse(DatasetLoader.load("synthetic-tiny", null), "0.5");
    LeaveOneOutSplit split = LeaveOneOutSplit.of(temporal.before());
    Pretraining.run(split, SasRecConfig.defaults().withMaxEpochs(3), work.resolve("base"), temporal);
    PromoConfig pc = PromoConfig.defaults(16).withPromptEpochs(1);
    PromoExperiment x = new PromoExperiment(split, BaseModelArtifact.load(work.resolve("base")), pc.k(),
        pc.warmPool(), pc.seed());
    x.saveArtifact(work.resolve("promo"), pc, x.promptStage(pc));
    Path out = work.resolve("sizes.json");
    int code = PinnacleCli.execute(new StateSizes(), new String[] {"--dataset", "synthetic-tiny", "--artifact",
        work.resolve("base").toString(), "--promo", work.resolve("promo").toString(), "--out", out.toString()});
    assertEquals(0, code);
    Map<String, Object> json = new ObjectMapper().readValue(out.toFile(), Map.class);
    Map<String, Number> cold = (Map<String, Number>) json.get("coldItem");
    Map<String, Number> graduated = (Map<String, Number>) json.get("graduatedItem");
    Map<String, Number> user = (Map<String, Number>) json.get("user");
    assertTrue(cold.get("count").longValue() > 50, "cold items measured: " + cold);
    assertTrue(graduated.get("count").longValue() > 0, "graduated items measured: " + graduated);
    assertTrue(user.get("count").longValue() > 50, "users measured: " + user);
    // The bound on paper at the defaults (flink-jobs/README.md): about 3.9 KB for a cold item, 400 B graduated,
    // 260 B for a user with a full history; a state that outgrows them has grown a field.
    assertTrue(cold.get("max").longValue() <= 4_000, "cold item " + cold);
    assertTrue(graduated.get("max").longValue() <= 420, "graduated item " + graduated);
    assertTrue(user.get("max").longValue() <= 280, "user " + user);
    assertTrue(cold.get("p50").longValue() > graduated.get("p50").longValue());
  }
}
