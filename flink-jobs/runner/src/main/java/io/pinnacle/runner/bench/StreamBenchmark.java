package io.pinnacle.runner.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stream benchmark: one broker in its own JVM, then for every job and delivery mode a {@link ModeRun} on fresh
 * topics; writes JSON (rewritten after every run, so a long benchmark keeps what it measured) and a PNG beside it.
 */
public final class StreamBenchmark {
  private StreamBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchArgs a;
    try {
      a = BenchArgs.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    if (a == null) {
      return; // --help
    }
    Settings s = a.settings;
    Files.createDirectories(s.work());
    Catalogue catalogue = Catalogue.load(s.base(), s.promo(), s.newItems(), s.seed());
    Bench.progress("catalogue: %d users, %d cold items (%d from the artifacts, %d new), %d warm; cold below %d "
            + "positives", catalogue.users.length, catalogue.coldItems.length, catalogue.catalogueColdItems,
        s.newItems(), catalogue.warmItems.length, catalogue.coldThreshold);
    String runTag = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    Path png = s.out().toAbsolutePath().resolveSibling(s.out().getFileName().toString()
        .replaceFirst("\\.json$", "") + ".png");
    String started = Instant.now().toString();
    List<Results.ModeResult> runs = new ArrayList<>();
    try (BrokerProcess broker = BrokerProcess.start(s.work());
         ProcessSampler brokerSampler = new ProcessSampler(broker.pid(), 1_000)) {
      Bench.progress("broker pid %d at %s", broker.pid(), broker.bootstrapServers());
      for (JobSpec job : a.jobs) {
        for (String mode : s.deliveryModes()) {
          long t0 = System.nanoTime();
          runs.add(new ModeRun(broker, brokerSampler, catalogue, s, job, mode, runTag).run());
          Bench.progress("%s %s finished in %.0f s", job.name(), mode, (System.nanoTime() - t0) / 1e9);
          write(s, catalogue, started, runs, png);
        }
      }
    }
    SummaryTable.print(runs);
    Bench.progress("wrote %s and %s", s.out(), png);
  }

  private static void write(Settings s, Catalogue c, String started, List<Results.ModeResult> runs, Path png)
      throws Exception {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("events", s.events());
    settings.put("warmupEvents", s.warmupEvents());
    settings.put("phaseSeconds", s.phaseSeconds());
    settings.put("fractions", s.fractions());
    settings.put("deliveryModes", s.deliveryModes());
    settings.put("checkpointInterval", s.checkpointInterval().toString());
    settings.put("partitions", s.partitions());
    settings.put("coldShare", s.coldShare());
    settings.put("unknownUserShare", s.unknownUserShare());
    settings.put("seed", s.seed());
    Map<String, Object> catalogue = new LinkedHashMap<>();
    catalogue.put("users", c.users.length);
    catalogue.put("coldItemsFromArtifacts", c.catalogueColdItems);
    catalogue.put("newColdItems", s.newItems());
    catalogue.put("warmItems", c.warmItems.length);
    catalogue.put("coldThreshold", c.coldThreshold);
    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("java", System.getProperty("java.version"));
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    Results.Benchmark b = new Results.Benchmark(started, settings, catalogue, machine, runs);
    Path out = s.out().toAbsolutePath();
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), b);
    ChartWriter.write(runs, png);
    Path html = png.resolveSibling(png.getFileName().toString().replaceFirst("\\.png$", ".html"));
    BenchReport.write(b, html);
    System.out.println("report written to " + html);
  }
}
