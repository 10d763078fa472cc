package io.pinnacle.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.base.SasRecConfig;
import io.pinnacle.data.Dataset;
import io.pinnacle.data.DatasetLoader;
import io.pinnacle.eval.Evaluation;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.eval.Stage;
import io.pinnacle.job.config.JobConfiguration;
import io.pinnacle.job.config.PinnacleOptions;
import io.pinnacle.pipeline.Pretraining;
import io.pinnacle.pipeline.PromoExperiment;
import io.pinnacle.prompt.PromoArtifact;
import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.report.ColdStartTable;
import io.pinnacle.schema.ItemEmbedding;
import io.pinnacle.tuning.UpdaterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The embedded default: a real in-process Kafka broker, the job on a local Flink MiniCluster with RocksDB, the
 * training period of a data set replayed into the input topic in event-time order, a live progress line, and at
 * the end the cold-item quality of the streamed embeddings (leave-one-out test stage) against Pre-train and the
 * offline PROMO-stream replay, plus a JSON summary. Works with no data and no network (synthetic by default).
 */
@Command(name = "pinnacle run", mixinStandardHelpOptions = true,
    description = "Run the streaming updater end to end on an embedded Kafka broker and Flink MiniCluster.")
public final class EmbeddedRunner implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Option(names = "--dataset", defaultValue = "synthetic", description = "synthetic (default), ml-100k or kuairand")
  String dataset;

  @Option(names = "--data", description = "data set directory (ml-100k, kuairand)")
  Path data;

  @Option(names = "--work", defaultValue = "target/pinnacle-run", description = "work directory")
  Path work;

  @Option(names = "--rate", defaultValue = "0", description = "events per second (0 = as fast as possible)")
  double rate;

  @Option(names = "--config", description = "job settings file (pinnacle.* keys, see flink-jobs/README.md)")
  Path configFile;

  @Option(names = "--set", description = "job setting key=value (pinnacle.* keys; repeatable)")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(names = "--flink", description = "Flink setting of the local cluster key=value (repeatable)")
  Map<String, String> flinkSettings = new LinkedHashMap<>();

  @Option(names = "--timeout", defaultValue = "PT60M", description = "give up after this long (ISO-8601)")
  Duration timeout;

  public static void main(String[] args) {
    System.exit(io.pinnacle.cli.PinnacleCli.execute(new EmbeddedRunner(), args));
  }

  @Override
  public Integer call() throws Exception {
    Dataset ds = DatasetLoader.load(dataset, data);
    LeaveOneOutSplit split = LeaveOneOutSplit.of(ds);
    System.out.println(split.describe());
    String name = ds.name().toLowerCase(Locale.ROOT);
    Path baseDir = work.resolve("artifacts").resolve("base-" + name);
    Path promoDir = work.resolve("artifacts").resolve("promo-" + name);
    BaseModelArtifact base = ensureBase(split, baseDir);
    ensurePromo(split, base, promoDir);

    Map<String, String> settings = new LinkedHashMap<>();
    settings.put(PinnacleOptions.ARTIFACT_BASE.key(), baseDir.toString());
    settings.put(PinnacleOptions.ARTIFACT_PROMO.key(), promoDir.toString());
    settings.put(PinnacleOptions.FEEDBACK_RULES.key(), rulesName(name));
    settings.put(PinnacleOptions.RETENTION_WINDOW.key(), "5 s");
    settings.putAll(overrides);
    Path runDir = work.resolve("run-" + name + "-" + System.currentTimeMillis());
    try (EmbeddedKafka kafka = EmbeddedKafka.start(runDir)) {
      settings.put(PinnacleOptions.BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers());
      Configuration config = JobConfiguration.load(new Configuration(), configFile, settings);
      int partitions = Integer.parseInt(flinkSettings.getOrDefault("parallelism.default", "1"));
      kafka.createTopics(List.of(config.get(PinnacleOptions.TOPIC_INTERACTIONS),
              config.get(PinnacleOptions.TOPIC_DEAD_LETTER), config.get(PinnacleOptions.TOPIC_RETENTION)),
          List.of(config.get(PinnacleOptions.TOPIC_EMBEDDINGS)), partitions);
      System.out.println("embedded Kafka at " + kafka.bootstrapServers() + "; replaying " + split.trainingEvents.size()
          + " training-period events of " + name + (rate > 0 ? " at " + rate + " events/s" : " at full speed")
          + " (" + JobConfiguration.deliveryGuarantee(config) + ")");
      int promPort = freePort();
      System.out.println("Prometheus metrics at http://localhost:" + promPort + "/metrics (while the job runs)");
      Map<String, String> flink = new LinkedHashMap<>(StreamRun.prometheus(promPort));
      flink.putAll(flinkSettings);
      StreamRun.Result r = StreamRun.run(config, split.trainingEvents, List.of(), rate, runDir.resolve("flink"), true,
          timeout, flink);
      retention = io.pinnacle.cli.RetentionReportCommand.fromTopic(kafka.bootstrapServers(),
          config.get(PinnacleOptions.TOPIC_RETENTION));
      report(split, base, promoDir, r, config, runDir);
      return r.sequenceErrors().isEmpty() ? 0 : 1;
    }
  }

  private Map<String, io.pinnacle.retention.RetentionStats> retention = Map.of();

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private void report(LeaveOneOutSplit split, BaseModelArtifact base, Path promoDir, StreamRun.Result r,
                      Configuration config, Path runDir) throws Exception {
    PromoArtifact promo = PromoArtifact.load(promoDir);
    PromoConfig pc = promo.metadata().config();
    PromoExperiment x = new PromoExperiment(split, base, pc.k(), pc.warmPool(), pc.seed());
    Map<Long, float[]> streamed = new HashMap<>();
    for (ItemEmbedding e : r.latest().values()) {
      float[] v = new float[e.getEmbedding().size()];
      for (int k = 0; k < v.length; k++) {
        v[k] = e.getEmbedding().get(k);
      }
      streamed.put(e.getItemId(), v);
    }
    float[][] streamTable = x.baseItemTable();
    int covered = x.overrideColdItems(streamTable, streamed);
    // The same updater settings as the job, and like the job each cold item starts from its training positives.
    UpdaterConfig uc = JobConfiguration.updaterConfig(config, promo.metadata().coldThreshold(), pc.pinnacleMode());
    float[][] replayTable = x.streamReplay(pc, promo.globals(), uc, config.get(PinnacleOptions.BATCH_SIZE), null,
        null, true);
    List<Evaluation> rows = new ArrayList<>();
    // A row that knows nothing of taste: the same cold items, each with a zero embedding (every user scores it 0).
    Map<Long, float[]> zeros = new HashMap<>();
    streamed.forEach((item, v) -> zeros.put(item, new float[v.length]));
    float[][] zeroTable = x.baseItemTable();
    x.overrideColdItems(zeroTable, zeros);
    rows.add(x.evaluate("Zero vector for the same cold items (no taste)", zeroTable, Stage.TEST));
    rows.add(x.evaluate("Pre-train", x.baseItemTable(), Stage.TEST));
    rows.add(x.evaluate("PROMO-stream (offline replay)", replayTable, Stage.TEST));
    rows.add(x.evaluate("Streamed embeddings (this run)", streamTable, Stage.TEST));
    System.out.println();
    System.out.printf(Locale.ROOT, "stream: %,d events in %.1f s (%,.0f events/s), %,d item updates (%,.0f/s), "
            + "freshness p50 %.0f ms p99 %.0f ms, state %.0f bytes per cold item, %d cold items with embeddings, "
            + "dead-lettered %d, duplicates %d, updateSeq errors %d%n", r.received(), r.seconds(),
        r.eventsPerSecond(), r.emitted(), r.updatesPerSecond(), r.freshnessP50Ms(), r.freshnessP99Ms(),
        r.stateBytesPerColdItem(), covered, r.deadLettered(), r.duplicates(), r.sequenceErrors().size());
    System.out.println();
    System.out.println("Cold-item quality, test stage (" + split.dataset.name() + "):");
    System.out.print(ColdStartTable.markdown(rows, Map.of()));
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("dataset", split.dataset.name());
    summary.put("deliveryGuarantee", JobConfiguration.deliveryGuarantee(config).name());
    summary.put("flink", flinkSettings);
    summary.put("batchSize", config.get(PinnacleOptions.BATCH_SIZE));
    summary.put("events", r.received());
    summary.put("seconds", r.seconds());
    summary.put("eventsPerSecond", r.eventsPerSecond());
    summary.put("itemUpdates", r.emitted());
    summary.put("itemUpdatesPerSecond", r.updatesPerSecond());
    summary.put("freshnessP50Ms", r.freshnessP50Ms());
    summary.put("freshnessP99Ms", r.freshnessP99Ms());
    summary.put("stateBytesPerColdItem", r.stateBytesPerColdItem());
    summary.put("deadLettered", r.deadLettered());
    summary.put("duplicates", r.duplicates());
    summary.put("coldItemsWithEmbeddings", covered);
    summary.put("updateSeqErrors", r.sequenceErrors());
    summary.put("quality", rows);
    // Retention: this run's reports from the topic, beside the online-SGD baseline on the same replay.
    Map<String, io.pinnacle.retention.RetentionStats> series = new LinkedHashMap<>();
    retention.forEach((k, v) -> series.put("PROMO (this run)", v));
    series.put(io.pinnacle.retention.RetentionComparison.BASELINE, io.pinnacle.retention.RetentionComparison.run(
        split, base, promo, config.get(PinnacleOptions.RETENTION_SAMPLE_RATE),
        config.get(PinnacleOptions.RETENTION_MAX_PER_ITEM), 0.05f).get(io.pinnacle.retention.RetentionComparison.BASELINE));
    Path chart = work.resolve("retention-" + split.dataset.name());
    System.out.println();
    System.out.println("Pinnacle memory retention (" + split.dataset.name() + "):");
    io.pinnacle.cli.RetentionReportCommand.write(series, "Pinnacle memory retention, " + split.dataset.name(), chart);
    summary.put("retention", Map.of("series", io.pinnacle.retention.RetentionReport.json(series),
        "chart", chart + ".png"));
    Path out = work.resolve("summary-" + split.dataset.name() + ".json");
    JSON.writeValue(out.toFile(), summary);
    System.out.println("summary written to " + out);
  }

  private static BaseModelArtifact ensureBase(LeaveOneOutSplit split, Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      System.out.println("pre-training the base model into " + dir + " (first run only)");
      Pretraining.run(split, SasRecConfig.defaults(), dir);
    }
    return BaseModelArtifact.load(dir);
  }

  private static void ensurePromo(LeaveOneOutSplit split, BaseModelArtifact base, Path dir) throws Exception {
    if (Files.isDirectory(dir)) {
      PromoArtifact existing = PromoArtifact.load(dir);
      if (existing.metadata().baseModelVersion().equals(base.version())) {
        return;
      }
    }
    System.out.println("running the PROMO prompt stage into " + dir + " (first run only)");
    io.pinnacle.cli.PinnacleCli.promptTrain(split, base, dir);
  }

  private static String rulesName(String dataset) {
    return dataset.startsWith("ml") ? "movielens" : dataset.startsWith("kuairand") ? "kuairand" : "synthetic";
  }
}
