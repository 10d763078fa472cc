package io.pinnacle.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.eval.BaseDiagnostics;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.training.TrainingDivergedException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.UsageMessageSpec;

/** The {@code pinnacle} command line. */
@Command(name = "pinnacle", mixinStandardHelpOptions = true,
    description = "Streaming cold-start prompt tuning (PROMO): pre-training, evaluation and tools.",
    subcommands = {PretrainCommand.class, EvaluateCommand.class, DemoCommand.class,
        PromptTrainCommand.class, BenchCommand.class,
        RetentionCompareCommand.class, RetentionReportCommand.class, PrequentialCommand.class,
        SelectCommand.class, FitServingCommand.class, DiagnoseCommand.class})
public final class PinnacleCli {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  /**
   * The two commands the {@code pinnacle} script hands to the runner module (the job and its benchmark need Kafka and
   * Flink, which this module does not have), listed with the others in picocli's layout.
   */
  static final String STREAM_COMMANDS = String.join(System.lineSeparator(),
      "  run                The streaming job end to end on an embedded Kafka broker",
      "                       and Flink MiniCluster (synthetic stream by default).",
      "  stream-bench       The stream benchmark: broker and jobs in their own JVMs,",
      "                       max rate, freshness, resident memory; JSON, PNG, HTML.",
      "  state-size         Bytes of keyed state per cold item, graduated item and",
      "                       user at the job's defaults, and for a large catalogue.", "");

  public static void main(String[] args) {
    System.exit(execute(new PinnacleCli(), args));
  }

  /** Runs a picocli command; expected failures (bad data path, corrupt artifact) get one clear line, exit code 2. */
  public static int execute(Object command, String[] args) {
    CommandLine cli = new CommandLine(command);
    if (command instanceof PinnacleCli) {
      cli.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_COMMAND_LIST, help -> STREAM_COMMANDS
          + help.commandList());
    }
    return cli
        .setExecutionExceptionHandler((ex, cmd, parsed) -> {
          if (ex instanceof IllegalArgumentException || ex instanceof java.io.UncheckedIOException) {
            cmd.getErr().println("pinnacle: " + ex.getMessage());
            return 2;
          }
          if (ex instanceof TrainingDivergedException) {
            cmd.getErr().println("pinnacle: " + ex.getMessage());
            return 3;
          }
          throw ex;
        })
        .execute(args);
  }


  /** {@code dir/name.json} -> {@code dir/name<suffix>}. */
  static Path sibling(Path json, String suffix) {
    String name = json.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return json.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + suffix);
  }

  /** The base's taste diagnostics over the training period's items and positives. */
  static BaseDiagnostics baseDiagnostics(LeaveOneOutSplit split, BaseModelArtifact base) {
    Map<Long, Long> positives = new HashMap<>();
    for (int[] items : split.trainPositives) {
      for (int i : items) {
        positives.merge(split.items.external(i), 1L, Long::sum);
      }
    }
    return BaseDiagnostics.of(base, positives, 500, 2024L);
  }

}
