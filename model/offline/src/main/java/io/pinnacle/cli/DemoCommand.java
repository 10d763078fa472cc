package io.pinnacle.cli;

import io.pinnacle.djl.DjlRuntime;
import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.base.SasRecConfig;
import io.pinnacle.data.TemporalSplit;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.pipeline.Pretraining;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Pretrain and evaluate on the built-in synthetic stream (no data needed).")
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--work", defaultValue = "target/pinnacle-demo", description = "work directory")
  Path work;

  @Override
  public Integer call() throws Exception {
    DjlRuntime.initForTraining(); // a training process: every core
    DataOptions data = new DataOptions();
    data.dataset = "synthetic";
    Path artifact = work.resolve("base-synthetic");
    TemporalSplit temporal = TemporalSplit.byShare(data.load(), TemporalSplit.DEFAULT_SHARE);
    LeaveOneOutSplit split = LeaveOneOutSplit.of(temporal.before());
    System.out.println(split.describe());
    BaseModelArtifact.Metadata meta = Pretraining.select(split, SasRecConfig.defaultCandidates(), artifact,
        temporal);
    System.out.printf("base model %s written to %s%n", meta.version(), artifact);
    return EvaluateCommand.evaluate(data, artifact, work.resolve("evaluation.json"), 30, true, false, false);
  }
}
