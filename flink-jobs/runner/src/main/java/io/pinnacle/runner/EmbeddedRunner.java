package io.pinnacle.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pinnacle.djl.DjlRuntime;
import io.pinnacle.retrieval.RetrievalConfig;
import io.pinnacle.retrieval.RetrievalService;
import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.cli.Artifacts;
import io.pinnacle.cli.FitServingCommand;
import io.pinnacle.tuning.ServingTable;
import io.pinnacle.cli.RetentionReportCommand;
import io.pinnacle.content.ContentMapper;
import io.pinnacle.data.Dataset;
import io.pinnacle.data.DatasetLoader;
import io.pinnacle.data.TemporalSplit;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.job.config.JobConfiguration;
import io.pinnacle.job.config.PinnacleOptions;
import io.pinnacle.job.kafka.Topics;
import io.pinnacle.prequential.PrequentialConfig;
import io.pinnacle.prequential.PrequentialEvaluation;
import io.pinnacle.prompt.PromoArtifact;
import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.report.RetentionReport;
import io.pinnacle.retention.RetentionStats;
import io.pinnacle.targeting.TargetingStats;
import io.pinnacle.tuning.ArtifactModels.TuningRates;
import io.pinnacle.tuning.UpdaterConfig;
import java.nio.file.Path;
import java.time.Duration;
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
 * The embedded default: the base model and the prompt stage learn from the events up to the split time T, then a
 * real in-process Kafka broker and the job on a local Flink MiniCluster with RocksDB take the events after T,
 * replayed into the input topic in event-time order (so every positive counts once), with a live progress line.
 * At the end: the run's figures, the prequential quality of the same stream (targeting and placement, NEW, COLD and
 * warm-control items, computed offline by the same updater code), retention, and a JSON summary. Works with no data
 * and no network (synthetic by default).
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

  @Option(names = "--split", defaultValue = "0.5", description = "train on the events up to T and stream the rest: "
      + "a share of the events (default 0.5), an ISO instant or epoch ms")
  String split;

  @Option(names = "--rate", defaultValue = "0", description = "events per second (0 = as fast as possible)")
  double rate;

  @Option(names = "--config", description = "job settings file (pinnacle.* keys, see flink-jobs/README.md)")
  Path configFile;

  @Option(names = "--set", description = "job setting key=value (pinnacle.* keys; repeatable)")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(names = "--flink", description = "Flink setting of the local cluster key=value (repeatable)")
  Map<String, String> flinkSettings = new LinkedHashMap<>();

  @Option(names = "--tables", description = "also print every table (they are always written to "
      + "<work>/tables-<dataset>.md and the HTML report)")
  boolean tables;

  @Option(names = "--timeout", defaultValue = "PT60M", description = "give up after this long (ISO-8601)")
  Duration timeout;

  @Option(names = "--serve", description = "after the run, keep the broker up and serve the embeddings "
      + "(./pinnacle serve on its topics) until Ctrl-C")
  boolean serve;

  @Option(names = "--serve-port", defaultValue = "8088", description = "the service's HTTP port (default ${DEFAULT-VALUE})")
  int servePort;

  public static void main(String[] args) {
    System.exit(io.pinnacle.cli.PinnacleCli.execute(new EmbeddedRunner(), args));
  }

  @Override
  public Integer call() throws Exception {
    // Pre-training and the serving fit run here first; the job's tuner and encoder are closed-form Java.
    DjlRuntime.initForTraining();
    Dataset ds = DatasetLoader.load(dataset, data);
    TemporalSplit temporal = TemporalSplit.parse(ds, this.split);
    if (!temporal.hasStream()) {
      throw new IllegalArgumentException("--split " + this.split + " leaves no events after T to stream");
    }
    System.out.println(temporal.describe());
    LeaveOneOutSplit split = LeaveOneOutSplit.of(temporal.before());
    String name = ds.name().toLowerCase(Locale.ROOT);
    Path baseDir = work.resolve("artifacts").resolve("base-" + name);
    Path promoDir = work.resolve("artifacts").resolve("promo-" + name);
    BaseModelArtifact base = Artifacts.base(split, temporal, baseDir);
    PromoArtifact promoArtifact = Artifacts.promo(split, base, promoDir);
    if (!overrides.containsKey(PinnacleOptions.SERVING_TABLE.key())
        && ServingTable.load(promoDir, promoArtifact.metadata().version()) == null) {
      // What each cold item is served from, fitted once per PROMO artifact on the period before T.
      FitServingCommand.fit(ds, base, promoDir, work.resolve("artifacts").resolve("validation-" + name),
          FitServingCommand.VALIDATION_SHARE);
    }
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put(PinnacleOptions.ARTIFACT_BASE.key(), baseDir.toString());
    settings.put(PinnacleOptions.ARTIFACT_PROMO.key(), promoDir.toString());
    settings.put(PinnacleOptions.FEEDBACK_RULES.key(), rulesName(name));
    settings.put(PinnacleOptions.RETENTION_WINDOW.key(), "1 s");
    // A demo catalogue of hundreds of items: micro-batches of 8 dirty items (with the job's 256 only the timer would
    // flush), and every pinnacle pair followed, so that retention is measured as an item's negatives accumulate.
    settings.put(PinnacleOptions.BATCH_SIZE.key(), "8");
    settings.put(PinnacleOptions.RETENTION_SAMPLE_RATE.key(), "1.0");
    settings.put(PinnacleOptions.RETENTION_MAX_PER_ITEM.key(), "10");
    settings.putAll(overrides);
    Path runDir = work.resolve("run-" + name + "-" + System.currentTimeMillis());
    try (EmbeddedKafka kafka = EmbeddedKafka.start(runDir)) {
      settings.put(PinnacleOptions.BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers());
      Configuration config = JobConfiguration.load(new Configuration(), configFile, settings);
      int partitions = Integer.parseInt(flinkSettings.getOrDefault("parallelism.default", "1"));
      Topics topics = Topics.of(config);
      kafka.createTopics(topics.plain(), topics.compacted(), partitions);
      System.out.println("embedded Kafka at " + kafka.bootstrapServers() + "; replaying the " + temporal.after().size()
          + " events of " + name + " after T" + (rate > 0 ? " at " + rate + " events/s" : " at full speed")
          + " (" + JobConfiguration.deliveryGuarantee(config) + ")");
      int promPort = freePort();
      System.out.println("Prometheus metrics at http://localhost:" + promPort + "/metrics (while the job runs)");
      Map<String, String> flink = new LinkedHashMap<>(StreamRun.prometheus(promPort));
      flink.putAll(flinkSettings);
      // With --serve the service follows the run from its start, so that the reach of new items is live.
      RetrievalService service = serve ? startService(kafka, config, baseDir) : null;
      StreamRun.Result r = StreamRun.run(config, temporal.after(), List.of(), catalog(ds), rate,
          runDir.resolve("flink"), true, timeout, flink);
      retention = RetentionReportCommand.fromTopic(kafka.bootstrapServers(),
          config.get(PinnacleOptions.TOPIC_RETENTION));
      liveTargeting = RetentionReportCommand.targetingFromTopic(kafka.bootstrapServers(),
          config.get(PinnacleOptions.TOPIC_TARGETING)).getOrDefault("promo", new TargetingStats());
      report(split, temporal, base, promoDir, r, config, settings);
      if (service != null) {
        serveUntilStopped(service);
      }
      return r.sequenceErrors().isEmpty() ? 0 : 1;
    }
  }

  private RetrievalService startService(EmbeddedKafka kafka, Configuration config, Path baseDir) throws Exception {
    RetrievalConfig rc = new RetrievalConfig(kafka.bootstrapServers(), config.get(PinnacleOptions.TOPIC_EMBEDDINGS),
        config.get(PinnacleOptions.TOPIC_USER_VECTORS), baseDir, servePort, 1000, 50, Map.of(),
        new RetrievalConfig.Reach(config.get(PinnacleOptions.TOPIC_INTERACTIONS),
            config.get(PinnacleOptions.FEEDBACK_RULES), 10));
    RetrievalService service = new RetrievalService(rc);
    System.out.println("retrieval service on http://localhost:" + service.port() + "/ while the job runs");
    return service;
  }

  /** Keeps the retrieval service (and the broker) up until Ctrl-C. */
  private void serveUntilStopped(RetrievalService started) throws Exception {
    java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
    try (RetrievalService service = started) {
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      service.awaitCaughtUp(Duration.ofMinutes(5));
      System.out.println("retrieval service on http://localhost:" + service.port() + "/ (the page; API: "
          + "/recommend?user=ID&k=10, /items/ID, /items/ID/reach, /health, /metrics; " + service.index().size()
          + " items); Ctrl-C stops");
      stop.await();
    }
  }

  private Map<String, RetentionStats> retention = Map.of();
  private TargetingStats liveTargeting = new TargetingStats();

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private void report(LeaveOneOutSplit split, TemporalSplit temporal, BaseModelArtifact base, Path promoDir,
                      StreamRun.Result r, Configuration config, Map<String, String> settings) throws Exception {
    PromoArtifact promo = PromoArtifact.load(promoDir);
    PromoConfig pc = promo.metadata().config();
    // The same stream, test-then-train, with the job's updater settings: quality at the moment of each event.
    UpdaterConfig uc = JobConfiguration.updaterConfig(config, promo, promoDir);
    TuningRates rates = new TuningRates(config.get(PinnacleOptions.LAMBDA1), config.get(PinnacleOptions.LAMBDA2),
        config.get(PinnacleOptions.LEARNING_RATE));
    PrequentialEvaluation.Result q = new PrequentialEvaluation(temporal, base, promo, uc, rates,
        PrequentialConfig.defaults()).run();
    RetentionStats retentionStats = retention.values().stream().findFirst().orElseGet(RetentionStats::new);
    String name = split.dataset.name();
    Map<String, String> shown = new LinkedHashMap<>(settings);
    flinkSettings.forEach((k, v) -> shown.put("flink " + k, v));
    RunReport report = new RunReport(new RunReport.Inputs(name, temporal.describe(), r,
        config.get(PinnacleOptions.USERS_ENABLED), JobConfiguration.deliveryGuarantee(config).name(),
        StreamRun.CHECKPOINT_INTERVAL.toSeconds(), q, liveTargeting, retentionStats, shown));
    Path html = work.resolve("report-" + name + ".html");
    Path tablesFile = work.resolve("tables-" + name + ".md");
    List<String> verdict = report.write(html, tablesFile);
    if (tables) {
      System.out.println();
      System.out.print(report.markdown());
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("dataset", name);
    summary.put("splitTimeMs", temporal.splitTimeMs());
    summary.put("deliveryGuarantee", JobConfiguration.deliveryGuarantee(config).name());
    summary.put("flink", flinkSettings);
    summary.put("settings", settings);
    summary.put("batchSize", config.get(PinnacleOptions.BATCH_SIZE));
    summary.put("userStage", config.get(PinnacleOptions.USERS_ENABLED));
    summary.put("events", r.received());
    summary.put("seconds", r.seconds());
    summary.put("eventsPerSecond", r.eventsPerSecond());
    summary.put("itemUpdates", r.emitted());
    summary.put("itemUpdatesPerSecond", r.updatesPerSecond());
    summary.put("freshnessP50Ms", r.freshnessP50Ms());
    summary.put("freshnessP99Ms", r.freshnessP99Ms());
    summary.put("stateBytesPerColdItem", r.stateBytesPerColdItem());
    summary.put("stateBytesPerUser", r.stateBytesPerUser());
    summary.put("userVectorsEncoded", r.userVectorsEncoded());
    summary.put("eventsWithoutUserVector", r.eventsWithoutUserVector());
    summary.put("deadLettered", r.deadLettered());
    summary.put("duplicates", r.duplicates());
    summary.put("itemsWithEmbeddings", r.latest().size());
    summary.put("updateSeqErrors", r.sequenceErrors());
    summary.put("timeline", r.timeline().json());
    summary.put("prequential", q.json());
    summary.put("liveTargeting", Map.of("job", liveTargeting.toMap(), "offlineTwin", q.liveEstimator().toMap()));
    Map<String, RetentionStats> retentionSeries = new LinkedHashMap<>();
    retentionSeries.put("job", retentionStats);
    retentionSeries.put("offlineTwin", q.retention());
    summary.put("retention", RetentionReport.json(retentionSeries));
    summary.put("verdict", verdict);
    Path out = work.resolve("summary-" + name + ".json");
    JSON.writeValue(out.toFile(), summary);
    System.out.println();
    verdict.forEach(System.out::println);
    System.out.println("summary     " + out);
  }

  /** The data set's item features as the catalog carries them (feature ids per item). */
  private static Map<Long, int[]> catalog(Dataset ds) {
    Map<Long, int[]> out = new HashMap<>();
    if (ds.itemFeatures() != null) {
      ds.itemFeatures().forEach((item, x) -> out.put(item, ContentMapper.featureIds(x)));
    }
    return out;
  }

  private static String rulesName(String dataset) {
    return dataset.startsWith("ml") ? "movielens" : dataset.startsWith("kuairand") ? "kuairand" : "synthetic";
  }
}
