package io.pinnacle.cli;

import io.pinnacle.djl.DjlRuntime;
import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.pipeline.StreamTask;
import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.prompt.PromoGlobals;
import io.pinnacle.training.PromptStageTrainer;
import io.pinnacle.tuning.UpdaterConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "prompt-train", mixinStandardHelpOptions = true,
    description = "Run PROMO's prompt stage on a base model and write the PROMO artifact.")
final class PromptTrainCommand implements Callable<Integer> {
  @Mixin DataOptions data;

  @Option(names = "--artifact", required = true, description = "base model artifact directory")
  Path artifact;

  @Option(names = "--out", required = true, description = "PROMO artifact directory to write")
  Path out;

  @Option(names = "--keep-item-part", description = "PROMO changes only the user-specific part of an item's "
      + "scores (its change is projected off the mean user vector; an experiment, see model/README.md)")
  boolean keepItemPart;

  @Option(names = "--objective", defaultValue = PromptTrainCommand.DEFAULT_OBJECTIVE, description = "what the prompt stage learns: `stream` "
      + "(the job's task: an item's next liker above its next rejecters, replaying the training period) or "
      + "`leave-one-out` (the paper's: each cold item's held-out positives; default)")
  String objective;

  @Override
  public Integer call() throws Exception {
    DjlRuntime.initForTraining(); // a training process: every core
    BaseModelArtifact base = BaseModelArtifact.load(artifact);
    LeaveOneOutSplit split = data.trainingPeriod(base);
    System.out.println(split.describe());
    PromoConfig c = PromoConfig.defaults(base.dim()).withItemPartKept(keepItemPart);
    io.pinnacle.prompt.PromoArtifact.Metadata meta = promptTrain(split, base, out, c, objective);
    System.out.println("PROMO artifact " + meta.version() + " written to " + out);
    return 0;
  }

  /** The prompt stage with default settings, selected on validation, saved for the streaming job. */
  public static io.pinnacle.prompt.PromoArtifact.Metadata promptTrain(LeaveOneOutSplit split, BaseModelArtifact base,
                                                                    Path out) throws java.io.IOException {
    return promptTrain(split, base, out, PromoConfig.defaults(base.dim()));
  }

  /** The prompt stage's objective unless one is given (`pinnacle select` compares both on validation). */
  public static final String DEFAULT_OBJECTIVE = "leave-one-out";

  /** The prompt stage with the given settings and the default objective. */
  public static io.pinnacle.prompt.PromoArtifact.Metadata promptTrain(LeaveOneOutSplit split, BaseModelArtifact base,
                                                                    Path out, PromoConfig c)
      throws java.io.IOException {
    return promptTrain(split, base, out, c, DEFAULT_OBJECTIVE);
  }

  /** The prompt stage with the given settings and objective ({@code stream} or {@code leave-one-out}). */
  public static io.pinnacle.prompt.PromoArtifact.Metadata promptTrain(LeaveOneOutSplit split, BaseModelArtifact base,
                                                                    Path out, PromoConfig c, String objective)
      throws java.io.IOException {
    io.pinnacle.pipeline.PromoExperiment x = new io.pinnacle.pipeline.PromoExperiment(split, base, c.k(),
        c.warmPool(), c.seed());
    switch (objective) {
      case "leave-one-out":
        return x.saveArtifact(out, c, x.promptStage(c), Map.of("objective", objective));
      case "stream":
        StreamTask task = x.streamTask(c, base, UpdaterConfig.defaults(split.dataset.rules().coldThreshold(),
            c.pinnacleMode()), StreamTask.Settings.defaults());
        System.out.println("prompt stage on the stream task: " + task.describe());
        PromptStageTrainer.Trained t = task.train();
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("objective", objective);
        about.put("streamTask", task.describe());
        System.out.printf(Locale.ROOT, "prompt stage: epoch %d, gate %.2f, validation %.4f%n", t.bestEpoch(),
            t.globals().get(PromoGlobals.GATE).data()[0], t.bestValidation());
        return x.saveArtifact(out, c, t, about);
      default:
        throw new IllegalArgumentException("unknown prompt-stage objective '" + objective
            + "' (stream or leave-one-out)");
    }
  }
}
