package io.pinnacle.runner.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The command line: required --base, --promo, --out and at least one --job; everything else has a default. */
final class BenchArgs {
  static final String USAGE = String.join("\n",
      "usage: pinnacle stream-bench --base DIR --promo DIR --out FILE.json [--job NAME=COMMAND_TEMPLATE ...]",
      "  [--events N (2000000)] [--warmup-events N (200000; 0 = measure from a cold start)]",
      "  [--phase-seconds S (60)] [--fractions 0.5,0.8]",
      "  [--modes EXACTLY_ONCE,AT_LEAST_ONCE] [--checkpoint-interval PT10S] [--partitions 1]",
      "  [--new-items 50000] [--cold-share 0.4] [--unknown-user-share 0.05] [--drain-timeout PT30M]",
      "  [--work DIR (next to --out)] [--seed 42] [--profile (JFR on each job; where its CPU went in the drain)]",
      "Without --job: this build's job, as 'new'. NAME=@local is this build's job under another name;",
      "NAME=@local,key=value,... adds job settings (e.g. new-100ms=@local,pinnacle.tuning.max-delay=100ms),",
      "  flink:key=value settings of the job's local Flink cluster.",
      "COMMAND_TEMPLATE is split on whitespace, or read from a file with NAME=@FILE; placeholders:",
      "  {bootstrap} {delivery} {work} {inputTopic} {outputTopic} {deadLetterTopic} {retentionTopic}",
      "  {groupId} {transactionalIdPrefix} {checkpointInterval} (ISO-8601) {checkpointMillis} {base} {promo}");

  final Settings settings;
  final List<JobSpec> jobs;

  private BenchArgs(Settings settings, List<JobSpec> jobs) {
    this.settings = settings;
    this.jobs = jobs;
  }

  static BenchArgs parse(String[] args) throws IOException {
    Path base = null;
    Path promo = null;
    Path out = null;
    Path work = null;
    long events = 2_000_000;
    long warmup = 200_000;
    double phaseSeconds = 60;
    List<Double> fractions = List.of(0.5, 0.8);
    List<String> modes = List.of("EXACTLY_ONCE", "AT_LEAST_ONCE");
    Duration checkpoint = Duration.ofSeconds(10);
    int partitions = 1;
    int newItems = 50_000;
    double coldShare = 0.4;
    double unknownUsers = 0.05;
    Duration drainTimeout = Duration.ofMinutes(30);
    long seed = 42;
    boolean profile = false;
    List<JobSpec> jobs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String k = args[i];
      if (k.equals("--help") || k.equals("-h")) {
        throw new IllegalArgumentException("help");
      }
      if (k.equals("--profile")) {
        profile = true;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(k + " needs a value");
      }
      String v = args[++i];
      switch (k) {
        case "--base" -> base = Path.of(v);
        case "--promo" -> promo = Path.of(v);
        case "--out" -> out = Path.of(v);
        case "--work" -> work = Path.of(v);
        case "--events" -> events = Long.parseLong(v.replace("_", ""));
        case "--warmup-events" -> warmup = Long.parseLong(v.replace("_", ""));
        case "--phase-seconds" -> phaseSeconds = Double.parseDouble(v);
        case "--fractions" -> fractions = Arrays.stream(v.split(",")).map(Double::valueOf).toList();
        case "--modes" -> modes = Arrays.stream(v.split(",")).map(String::trim).toList();
        case "--checkpoint-interval" -> checkpoint = Duration.parse(v);
        case "--partitions" -> partitions = Integer.parseInt(v);
        case "--new-items" -> newItems = Integer.parseInt(v);
        case "--cold-share" -> coldShare = Double.parseDouble(v);
        case "--unknown-user-share" -> unknownUsers = Double.parseDouble(v);
        case "--drain-timeout" -> drainTimeout = Duration.parse(v);
        case "--seed" -> seed = Long.parseLong(v);
        case "--job" -> jobs.add(job(v));
        default -> throw new IllegalArgumentException("unknown option " + k);
      }
    }
    if (base == null || promo == null || out == null) {
      throw new IllegalArgumentException("--base, --promo and --out are required");
    }
    if (jobs.isEmpty()) {
      jobs.add(JobSpec.local("new"));
    }
    for (String m : modes) {
      if (!m.equals("EXACTLY_ONCE") && !m.equals("AT_LEAST_ONCE")) {
        throw new IllegalArgumentException("--modes takes EXACTLY_ONCE and/or AT_LEAST_ONCE, not " + m);
      }
    }
    if (work == null) {
      String name = out.getFileName().toString().replaceFirst("\\.json$", "");
      work = out.toAbsolutePath().resolveSibling(name + "-work");
    }
    return new BenchArgs(new Settings(base, promo, events, warmup, phaseSeconds, fractions, modes, checkpoint,
        partitions, newItems, coldShare, unknownUsers, drainTimeout, work, out, seed, profile), jobs);
  }

  /** NAME=COMMAND or NAME=@FILE (the template in a file, for long class paths). */
  private static JobSpec job(String v) throws IOException {
    int eq = v.indexOf('=');
    if (eq > 0 && v.startsWith("@local", eq + 1)) {
      String[] parts = v.substring(eq + 1).split(",");
      return JobSpec.local(v.substring(0, eq), List.of(parts).subList(1, parts.length));
    }
    if (eq > 0 && v.startsWith("@", eq + 1)) {
      String template = Files.readString(Path.of(v.substring(eq + 2))).trim();
      return JobSpec.parse(v.substring(0, eq) + "=" + template);
    }
    return JobSpec.parse(v);
  }
}
