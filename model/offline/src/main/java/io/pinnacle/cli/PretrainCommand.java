package io.pinnacle.cli;

import io.pinnacle.djl.DjlRuntime;
import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.base.SasRecConfig;
import io.pinnacle.data.TemporalSplit;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.pipeline.Pretraining;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "pretrain", mixinStandardHelpOptions = true,
    description = "Train the frozen base model (SASRec two-tower) and write its artifact.")
final class PretrainCommand implements Callable<Integer> {
  @Mixin DataOptions data;

  @Option(names = "--out", required = true, description = "artifact directory to write")
  Path out;

  @Option(names = "--epochs", description = "maximum epochs (early stopping on validation)")
  Integer epochs;

  @Option(names = "--baseline", description = "start from the PROMO authors' baseline settings (d 16, BCE with "
      + "one negative, shared item table) instead of the defaults")
  boolean baseline;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "a base setting: dim, max-len, dropout, loss "
      + "(bce|softmax), negatives (sampled softmax; 0 = whole catalogue), output-table (shared|separate), lr, "
      + "clip-norm, batch, patience")
  List<String> settings = new ArrayList<>();

  @Option(names = "--grid", paramLabel = "KEY=V1,V2", description = "train one base per combination of these "
      + "values (keys as --set) and keep the best on validation NDCG@10 (the test stage is never used)")
  List<String> grid = new ArrayList<>();

  @Option(names = "--select", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "without --grid: train the default settings with each loss (softmax, BCE) and keep the better "
          + "on validation (default); --no-select trains the defaults only")
  boolean select;

  @Option(names = "--split", defaultValue = "0.5", description = "train on the events up to T: a share of the "
      + "events (default 0.5: the time by which half of them happened), an ISO instant, epoch ms, or none (all)")
  String split;

  @Override
  public Integer call() throws Exception {
    DjlRuntime.initForTraining(); // a training process: every core
    TemporalSplit temporal = TemporalSplit.parse(data.load(), this.split);
    System.out.println(temporal.describe());
    LeaveOneOutSplit split = LeaveOneOutSplit.of(temporal.before());
    System.out.println(split.describe());
    SasRecConfig config = baseline ? SasRecConfig.baseline() : SasRecConfig.defaults();
    if (epochs != null) {
      config = config.withMaxEpochs(epochs);
    }
    for (String kv : settings) {
      config = BaseSettings.apply(config, kv);
    }
    // Without a grid of its own, and unless the loss is given, the loss is chosen on validation.
    boolean lossGiven = baseline || settings.stream().anyMatch(kv -> kv.trim().startsWith("loss="));
    List<String> effectiveGrid = grid.isEmpty() && !lossGiven && select ? List.of("loss=softmax,bce") : grid;
    List<SasRecConfig> candidates = BaseSettings.grid(config, effectiveGrid);
    BaseModelArtifact.Metadata meta = Pretraining.select(split, candidates, out, temporal);
    System.out.printf("base model %s (%s) written to %s (best epoch %s, %.0f s)%n", meta.version(),
        meta.config().label(), out, meta.training().get("bestEpoch"),
        ((Number) meta.training().get("seconds")).doubleValue());
    Object warnings = meta.training().get("warnings");
    if (warnings instanceof List<?> w && !w.isEmpty()) {
      System.out.println("WARNING: " + String.join("; WARNING: ", w.stream().map(String::valueOf).toList()));
    }
    return 0;
  }
}
