package io.pinnacle.cli;

import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.bench.EncoderBenchmark;
import io.pinnacle.bench.TunerBenchmark;
import io.pinnacle.tuning.TuningEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Both tuning engines' throughput per micro-batch size and thread count, "
    + "side by side; writes JSON.")
final class BenchCommand implements Callable<Integer> {
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
    PinnacleCli.JSON.writeValue(out.toFile(), r);
    System.out.println("benchmark written to " + out);
    return 0;
  }
}
