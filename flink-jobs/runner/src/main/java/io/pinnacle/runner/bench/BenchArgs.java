package io.pinnacle.runner.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The command line: required --base, --promo and --out; everything else has a default. */
@Command(name = "pinnacle stream-bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = "The stream benchmark: each job on a real broker, running-job protocol (warm-up, then phases at "
        + "fractions of the measured drain rate), both delivery modes; JSON and a PNG.",
    footer = {"",
        "Without --job: this build's job, as 'new'. NAME=@local is this build's job under another name;",
        "NAME=@local,key=value,... adds job settings (e.g. new-100ms=@local,pinnacle.tuning.max-delay=100ms),",
        "  flink:key=value settings of the job's local Flink cluster.",
        "COMMAND_TEMPLATE is split on whitespace, or read from a file with NAME=@FILE; placeholders:",
        "  {bootstrap} {delivery} {work} {inputTopic} {outputTopic} {deadLetterTopic} {retentionTopic}",
        "  {groupId} {transactionalIdPrefix} {checkpointInterval} (ISO-8601) {checkpointMillis} {base} {promo}"})
final class BenchArgs {
  @Option(names = "--base", required = true, paramLabel = "DIR", description = "base model artifact")
  Path base;
  @Option(names = "--promo", required = true, paramLabel = "DIR", description = "PROMO artifact")
  Path promo;
  @Option(names = "--out", required = true, paramLabel = "FILE.json", description = "results (a PNG beside it)")
  Path out;
  @Option(names = "--job", paramLabel = "NAME=COMMAND_TEMPLATE", description = "a job to measure (repeatable)")
  List<String> jobSpecs = new ArrayList<>();
  @Option(names = "--events", defaultValue = "2000000", description = "events per run (default ${DEFAULT-VALUE})")
  long events;
  @Option(names = "--warmup-events", defaultValue = "200000",
      description = "events before measuring; 0 measures from a cold start (default ${DEFAULT-VALUE})")
  long warmupEvents;
  @Option(names = "--phase-seconds", defaultValue = "60", description = "length of each load phase")
  double phaseSeconds;
  @Option(names = "--fractions", split = ",", defaultValue = "0.5,0.8",
      description = "load phases as fractions of the drain rate (default ${DEFAULT-VALUE})")
  List<Double> fractions;
  @Option(names = "--modes", split = ",", defaultValue = "EXACTLY_ONCE,AT_LEAST_ONCE",
      description = "delivery modes (default ${DEFAULT-VALUE})")
  List<Mode> modes;
  @Option(names = "--checkpoint-interval", defaultValue = "PT10S", description = "ISO-8601 (default ${DEFAULT-VALUE})")
  Duration checkpointInterval;
  @Option(names = "--partitions", defaultValue = "1")
  int partitions;
  @Option(names = "--new-items", defaultValue = "50000")
  int newItems;
  @Option(names = "--cold-share", defaultValue = "0.4")
  double coldShare;
  @Option(names = "--unknown-user-share", defaultValue = "0.05")
  double unknownUserShare;
  @Option(names = "--drain-timeout", defaultValue = "PT30M")
  Duration drainTimeout;
  @Option(names = "--work", paramLabel = "DIR", description = "working directory (default: next to --out)")
  Path work;
  @Option(names = "--seed", defaultValue = "42")
  long seed;
  @Option(names = "--profile", description = "JFR on each job: where its CPU went in the drain")
  boolean profile;

  /** The delivery modes a job can run in. */
  enum Mode { EXACTLY_ONCE, AT_LEAST_ONCE }

  Settings settings;
  List<JobSpec> jobs;

  /**
   * Parses a command line; null after printing the usage when help was asked for. A bad command line throws
   * {@link IllegalArgumentException} with the reason and the usage.
   */
  static BenchArgs parse(String[] args) {
    BenchArgs a = new BenchArgs();
    CommandLine cl = new CommandLine(a);
    cl.registerConverter(Duration.class, Duration::parse);
    try {
      cl.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      throw new IllegalArgumentException(e.getMessage() + "\n" + cl.getUsageMessage(), e);
    }
    if (cl.isUsageHelpRequested() || cl.isVersionHelpRequested()) {
      StringWriter w = new StringWriter();
      cl.usage(new PrintWriter(w));
      System.out.print(w);
      return null;
    }
    a.jobs = new ArrayList<>();
    for (String spec : a.jobSpecs) {
      a.jobs.add(job(spec));
    }
    if (a.jobs.isEmpty()) {
      a.jobs.add(JobSpec.local("new"));
    }
    Path work = a.work;
    if (work == null) {
      String name = a.out.getFileName().toString().replaceFirst("\\.json$", "");
      work = a.out.toAbsolutePath().resolveSibling(name + "-work");
    }
    a.settings = new Settings(a.base, a.promo, a.events, a.warmupEvents, a.phaseSeconds, a.fractions,
        a.modes.stream().map(Mode::name).toList(), a.checkpointInterval, a.partitions, a.newItems, a.coldShare,
        a.unknownUserShare, a.drainTimeout, work, a.out, a.seed, a.profile);
    return a;
  }

  /** NAME=COMMAND or NAME=@FILE (the template in a file, for long class paths). */
  private static JobSpec job(String v) {
    int eq = v.indexOf('=');
    if (eq > 0 && v.startsWith("@local", eq + 1)) {
      String[] parts = v.substring(eq + 1).split(",");
      return JobSpec.local(v.substring(0, eq), List.of(parts).subList(1, parts.length));
    }
    if (eq > 0 && v.startsWith("@", eq + 1)) {
      try {
        String template = Files.readString(Path.of(v.substring(eq + 2))).trim();
        return JobSpec.parse(v.substring(0, eq) + "=" + template);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the job template " + v.substring(eq + 2), e);
      }
    }
    return JobSpec.parse(v);
  }
}
