package io.pinnacle.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.base.SasRecConfig;
import io.pinnacle.bench.EncoderBenchmark;
import io.pinnacle.bench.TunerBenchmark;
import io.pinnacle.data.TemporalSplit;
import io.pinnacle.eval.BaseDiagnostics;
import io.pinnacle.eval.Evaluation;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.pipeline.ColdStartEvaluation;
import io.pinnacle.pipeline.Pretraining;
import io.pinnacle.pipeline.PromoEvaluation;
import io.pinnacle.pipeline.StreamTask;
import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.prompt.PromoGlobals;
import io.pinnacle.report.ColdStartReport;
import io.pinnacle.report.ColdStartTable;
import io.pinnacle.report.HtmlReport;
import io.pinnacle.report.PaperResults;
import io.pinnacle.training.TrainingDivergedException;
import io.pinnacle.training.PromptStageTrainer;
import io.pinnacle.tuning.TuningEngine;
import io.pinnacle.tuning.UpdaterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Option;

/** The {@code pinnacle} command line. */
@Command(name = "pinnacle", mixinStandardHelpOptions = true,
    description = "Streaming cold-start prompt tuning (PROMO): pre-training, evaluation and tools.",
    subcommands = {PinnacleCli.Pretrain.class, PinnacleCli.Evaluate.class, PinnacleCli.Demo.class,
        PinnacleCli.PromptTrain.class, PinnacleCli.Bench.class,
        PinnacleCli.RetentionCompare.class, RetentionReportCommand.class, PrequentialCommand.class,
        SelectCommand.class, FitServingCommand.class, PinnacleCli.Diagnose.class})
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

  @Command(name = "pretrain", mixinStandardHelpOptions = true,
      description = "Train the frozen base model (SASRec two-tower) and write its artifact.")
  static final class Pretrain implements Callable<Integer> {
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

  @Command(name = "evaluate", mixinStandardHelpOptions = true,
      description = "Cold-start evaluation (leave-one-out, 100 sampled negatives).")
  static final class Evaluate implements Callable<Integer> {
    @Mixin DataOptions data;

    @Option(names = "--artifact", required = true, description = "base model artifact directory")
    Path artifact;

    @Option(names = "--json", description = "where to write the JSON results (default: <artifact>/evaluation.json)")
    Path json;

    @Option(names = "--fine-tune-epochs", defaultValue = "30", description = "maximum fine-tune epochs")
    int fineTuneEpochs;

    @Option(names = "--promo", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "add the PROMO rows (prompt stage, PROMO-stream, ablations); --no-promo skips them")
    boolean promo;

    @Option(names = "--ablations", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "run PROMO-M and the ablations (--no-ablations: PROMO and PROMO-stream only)")
    boolean ablations;

    @Option(names = "--tables", description = "also print the full table (always written beside the JSON as Markdown "
        + "and in the HTML report)")
    boolean tables;

    @Override
    public Integer call() throws Exception {
      return evaluate(data, artifact, json, fineTuneEpochs, promo, ablations, tables);
    }
  }

  @Command(name = "diagnose", mixinStandardHelpOptions = true,
      description = "How much taste a base model's scores carry (printed by evaluate too).")
  static final class Diagnose implements Callable<Integer> {
    @Mixin DataOptions data;

    @Option(names = "--artifact", required = true, description = "base model artifact directory")
    Path artifact;

    @Override
    public Integer call() throws Exception {
      BaseModelArtifact base = BaseModelArtifact.load(artifact);
      LeaveOneOutSplit split = data.trainingPeriod(base);
      Map<String, Object> out = new LinkedHashMap<>(JSON.convertValue(baseDiagnostics(split, base), Map.class));
      out.putAll(BaseRanking.of(split, base));
      System.out.println(JSON.writeValueAsString(out));
      return 0;
    }
  }

  @Command(name = "demo", mixinStandardHelpOptions = true,
      description = "Pretrain and evaluate on the built-in synthetic stream (no data needed).")
  static final class Demo implements Callable<Integer> {
    @Option(names = "--work", defaultValue = "target/pinnacle-demo", description = "work directory")
    Path work;

    @Override
    public Integer call() throws Exception {
      DataOptions data = new DataOptions();
      data.dataset = "synthetic";
      Path artifact = work.resolve("base-synthetic");
      TemporalSplit temporal = TemporalSplit.byShare(data.load(), TemporalSplit.DEFAULT_SHARE);
      LeaveOneOutSplit split = LeaveOneOutSplit.of(temporal.before());
      System.out.println(split.describe());
      BaseModelArtifact.Metadata meta = Pretraining.select(split, SasRecConfig.defaultCandidates(), artifact,
          temporal);
      System.out.printf("base model %s written to %s%n", meta.version(), artifact);
      return evaluate(data, artifact, work.resolve("evaluation.json"), 30, true, false, false);
    }
  }

  @Command(name = "prompt-train", mixinStandardHelpOptions = true,
      description = "Run PROMO's prompt stage on a base model and write the PROMO artifact.")
  static final class PromptTrain implements Callable<Integer> {
    @Mixin DataOptions data;

    @Option(names = "--artifact", required = true, description = "base model artifact directory")
    Path artifact;

    @Option(names = "--out", required = true, description = "PROMO artifact directory to write")
    Path out;

    @Option(names = "--keep-item-part", description = "PROMO changes only the user-specific part of an item's "
        + "scores (its change is projected off the mean user vector; an experiment, see model/README.md)")
    boolean keepItemPart;

    @Option(names = "--objective", defaultValue = DEFAULT_OBJECTIVE, description = "what the prompt stage learns: `stream` "
        + "(the job's task: an item's next liker above its next rejecters, replaying the training period) or "
        + "`leave-one-out` (the paper's: each cold item's held-out positives; default)")
    String objective;

    @Override
    public Integer call() throws Exception {
      BaseModelArtifact base = BaseModelArtifact.load(artifact);
      LeaveOneOutSplit split = data.trainingPeriod(base);
      System.out.println(split.describe());
      PromoConfig c = PromoConfig.defaults(base.dim()).withItemPartKept(keepItemPart);
      io.pinnacle.prompt.PromoArtifact.Metadata meta = promptTrain(split, base, out, c, objective);
      System.out.println("PROMO artifact " + meta.version() + " written to " + out);
      return 0;
    }
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

  @Command(name = "retention-compare", mixinStandardHelpOptions = true,
      description = "Pinnacle-memory retention of PROMO-stream vs an online-SGD baseline on one replay; JSON, PNG, table.")
  static final class RetentionCompare implements Callable<Integer> {
    @Mixin DataOptions data;

    @Option(names = "--artifact", required = true, description = "base model artifact directory")
    Path artifact;

    @Option(names = "--promo", required = true, description = "PROMO artifact directory")
    Path promo;

    @Option(names = "--out", defaultValue = "target/retention", description = "output directory")
    Path out;

    @Option(names = "--sample-rate", defaultValue = "1.0", description = "share of pinnacle pairs tracked")
    double sampleRate;

    @Option(names = "--max-per-item", defaultValue = "10")
    int maxPerItem;

    @Option(names = "--sgd-lr", defaultValue = "0.05", description = "learning rate of the SGD baseline")
    float sgdLr;

    @Override
    public Integer call() throws Exception {
      BaseModelArtifact base = BaseModelArtifact.load(artifact);
      LeaveOneOutSplit split = data.trainingPeriod(base);
      var series = io.pinnacle.pipeline.RetentionComparison.run(split, base,
          io.pinnacle.prompt.PromoArtifact.load(promo), sampleRate, maxPerItem, sgdLr);
      Files.createDirectories(out);
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("dataset", split.dataset.name());
      json.put("series", io.pinnacle.report.RetentionReport.json(series));
      Path j = out.resolve("retention-" + split.dataset.name() + ".json");
      JSON.writeValue(j.toFile(), json);
      return RetentionReportCommand.write(series, "Pinnacle memory retention, " + split.dataset.name(),
          out.resolve("retention-" + split.dataset.name()));
    }
  }

  @Command(name = "bench", mixinStandardHelpOptions = true,
      description = "Both tuning engines' throughput per micro-batch size and thread count, "
      + "side by side; writes JSON.")
  static final class Bench implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", defaultValue = "target/bench/prompt-tuner.json", description = "JSON output")
    Path out;

    @Option(names = "--batch-sizes", split = ",", defaultValue = "1,16,64,256,1024")
    int[] batchSizes;

    @Option(names = "--threads", split = ",", defaultValue = "1,2", description = "calling threads per case")
    int[] threads;

    @Option(names = "--engines", split = ",", defaultValue = "JAVA,DJL", description = "JAVA, DJL")
    List<TuningEngine> engines;

    @Option(names = "--steps", defaultValue = "1", description = "Adam steps per update")
    int steps;

    @Option(names = "--seconds", defaultValue = "5", description = "measuring time per case")
    double seconds;

    @Option(names = "--fork", negatable = true, defaultValue = "true",
        description = "run each case in a JVM of its own (--no-fork: all in this one)")
    boolean fork;

    @Option(names = "--dims", split = ",", defaultValue = "16", description = "embedding dimensions (the base's d)")
    int[] dims;

    @Option(names = "--encoder-artifacts", split = ",", description = "base artifacts whose user encoder is timed "
        + "per history, side by side (then the tuner cases run only if --engines is given explicitly)")
    List<Path> encoderArtifacts = new ArrayList<>();

    @Option(names = "--encoder-seconds", defaultValue = "10", description = "measuring time per encoder case")
    double encoderSeconds;

    @Option(names = "--soak-seconds", defaultValue = "0",
        description = "then run the JAVA engine this long at batch 256, sampling resident memory every 10 s")
    double soakSeconds;

    @Override
    public Integer call() throws Exception {
      Map<String, Object> r = new LinkedHashMap<>();
      if (!encoderArtifacts.isEmpty()) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Path a : encoderArtifacts) {
          rows.add(EncoderBenchmark.run(BaseModelArtifact.load(a), encoderSeconds));
        }
        r.put("userEncoder", rows);
      }
      if (encoderArtifacts.isEmpty() || spec.commandLine().getParseResult().hasMatchedOption("--engines")) {
        r.putAll(TunerBenchmark.run(
            new TunerBenchmark.Settings(batchSizes, threads, engines, steps, seconds, 1L, fork, dims)));
      }
      if (soakSeconds > 0) {
        r.put("soak", TunerBenchmark.soak(256, steps, soakSeconds, 1L, dims[0]));
      }
      if (out.getParent() != null) {
        Files.createDirectories(out.getParent());
      }
      JSON.writeValue(out.toFile(), r);
      System.out.println("benchmark written to " + out);
      return 0;
    }
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

  static int evaluate(DataOptions data, Path artifactDir, Path json, int fineTuneEpochs, boolean promo,
                      boolean ablations, boolean printTables) throws Exception {
    long t0 = System.nanoTime();
    BaseModelArtifact artifact = BaseModelArtifact.load(artifactDir);
    LeaveOneOutSplit split = data.trainingPeriod(artifact);
    System.out.println(split.describe());
    ColdStartEvaluation.Outcome outcome = ColdStartEvaluation.run(split, artifact, fineTuneEpochs);
    List<Evaluation> test = new ArrayList<>(outcome.test());
    List<Evaluation> validation = new ArrayList<>(outcome.validation());
    Map<String, Object> promoDetails = null;
    if (promo) {
      PromoEvaluation.Outcome p = PromoEvaluation.run(split, artifact,
          new PromoEvaluation.Options(256, 1, ablations, 200));
      test.addAll(p.test());
      validation.addAll(p.validation());
      promoDetails = p.details();
    }
    var reference = PaperResults.forDataset(split.dataset.name());
    String table = ColdStartTable.markdown(test, reference);
    if (printTables) {
      System.out.println();
      System.out.print(table);
    }
    BaseDiagnostics taste = baseDiagnostics(split, artifact);
    String tasteLine = String.format(Locale.ROOT, "taste       share of the base's score variance (500 users x all "
            + "items): item part %.3f, user part %.3f, interaction %.3f; user vectors: mean pairwise cosine %.3f, "
            + "%.1f of %d dimensions used; items: cosine %.3f, %.1f dimensions; rank correlation of an item's mean "
            + "score with its training positives %.3f", taste.itemShare(), taste.userShare(),
        taste.interactionShare(), taste.userCosine(), taste.userParticipation(), artifact.dim(), taste.itemCosine(),
        taste.itemParticipation(), taste.popularitySpearman());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("baseDiagnostics", taste);
    out.put("dataset", split.dataset.name());
    out.put("baseModelVersion", artifact.version());
    out.put("split", split.describe());
    out.put("test", test);
    out.put("validation", validation);
    out.put("fineTuneBestEpoch", outcome.fineTuneEpoch());
    out.put("promo", promoDetails);
    out.put("reference", reference);
    out.put("seconds", (System.nanoTime() - t0) / 1e9);
    Path target = json != null ? json : artifactDir.resolve("evaluation.json");
    if (target.getParent() != null) {
      Files.createDirectories(target.getParent());
    }
    JSON.writeValue(target.toFile(), out);
    Path md = sibling(target, ".md");
    Path html = sibling(target, ".html");
    String title = "Test stage, " + split.dataset.name() + ", base " + artifact.version()
        + " (cold = users whose test item is cold)";
    Files.writeString(md, "# " + title + "\n\n" + split.describe() + "\n\n" + table + "\n" + tasteLine + "\n");
    List<String> verdict = new ArrayList<>(List.of("Verdict, " + title));
    verdict.addAll(ColdStartReport.verdict(test));
    verdict.add(tasteLine);
    HtmlReport report = new HtmlReport("pinnacle evaluate: " + split.dataset.name());
    report.heading("Verdict").preformatted(String.join("\n", verdict));
    ColdStartReport.addTo(report, test, reference);
    report.setting("data", split.describe()).setting("base model", artifact.version())
        .setting("fine-tune epochs (max)", fineTuneEpochs).setting("PROMO rows", promo).setting("ablations", ablations)
        .setting("java", System.getProperty("java.version"));
    report.write(html);
    System.out.println();
    verdict.forEach(System.out::println);
    System.out.println("report      " + html + "  (table: " + md + "; --tables prints it here)");
    System.out.println("results     " + target);
    for (Evaluation e : test) {
      if (Double.isNaN(e.all().hr10())) {
        return 1;
      }
    }
    return 0;
  }
}
