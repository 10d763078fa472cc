package io.pinnacle.runner;

import io.pinnacle.job.topology.PinnacleTopology;
import io.pinnacle.job.config.JobConfiguration;
import io.pinnacle.job.config.PinnacleOptions;
import io.pinnacle.job.ingest.DecodeAndValidate;
import io.pinnacle.job.kafka.KafkaEndpoints;
import io.pinnacle.job.kafka.Topics;
import io.pinnacle.job.tuning.ItemUpdateOperator;
import io.pinnacle.job.users.UserVectorOperator;
import io.pinnacle.schema.InteractionEvent;
import io.pinnacle.schema.ItemEmbedding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * One end-to-end run on a local Flink MiniCluster (RocksDB, checkpoints under the work directory) against a real
 * broker: start the job, replay events into the input topic, follow the committed output, and stop once every
 * input record is accounted for and the output has caught up with what the job emitted.
 */
public final class StreamRun {

  /** What a run measured. */
  public record Result(long sent, long received, long deadLettered, long skipped, long duplicates, long processed,
                       long emitted,
                       long embeddingsRead, Map<Long, ItemEmbedding> latest, List<String> sequenceErrors,
                       double freshnessP50Ms, double freshnessP99Ms, double seconds, double stateBytesPerColdItem,
                       double stateBytesPerUser, long userVectorsEncoded, long eventsWithoutUserVector,
                       RunTimeline timeline) {
    /** Events per second while the job was consuming (first to last record received). */
    public double eventsPerSecond() {
      return received / seconds;
    }

    public double updatesPerSecond() {
      return emitted / seconds;
    }
  }

  private StreamRun() {}

  public static Result run(Configuration config, List<InteractionEvent> events, List<byte[]> badRecords,
                           double rate, Path work, boolean printProgress, Duration timeout) throws Exception {
    return run(config, events, badRecords, rate, work, printProgress, timeout, Map.of());
  }

  /** Flink settings for the Prometheus reporter on a local port. */
  public static Map<String, String> prometheus(int port) {
    return Map.of("metrics.reporter.prom.factory.class",
        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory", "metrics.reporter.prom.port",
        Integer.toString(port));
  }

  public static Result run(Configuration config, List<InteractionEvent> events, List<byte[]> badRecords,
                           double rate, Path work, boolean printProgress, Duration timeout,
                           Map<String, String> flinkExtra) throws Exception {
    return run(config, events, badRecords, Map.of(), rate, work, printProgress, timeout, flinkExtra);
  }

  /** As above, describing items in the catalog topic ({@code catalog}: feature ids per item) before their events. */
  public static Result run(Configuration config, List<InteractionEvent> events, List<byte[]> badRecords,
                           Map<Long, int[]> catalog, double rate, Path work, boolean printProgress,
                           Duration timeout, Map<String, String> flinkExtra) throws Exception {
    return run(config, new Input(events, badRecords, catalog, List.of()), rate, work, printProgress, timeout,
        flinkExtra);
  }

  /**
   * What a run sends: events (with each item's catalog features just before its first event), then raw values to
   * the interaction topic and raw values to the catalog topic (deliberately broken ones, say).
   */
  public record Input(List<InteractionEvent> events, List<byte[]> badRecords, Map<Long, int[]> catalog,
                      List<byte[]> badCatalogRecords) {}

  public static Result run(Configuration config, Input input, double rate, Path work, boolean printProgress,
                           Duration timeout, Map<String, String> flinkExtra) throws Exception {
    long started = System.nanoTime();
    String bootstrap = config.get(PinnacleOptions.BOOTSTRAP_SERVERS);
    JobClient job = start(config, work, flinkExtra);
    ReplayProducer producer = new ReplayProducer(bootstrap, config.get(PinnacleOptions.TOPIC_INTERACTIONS))
        .withCatalog(config.get(PinnacleOptions.TOPIC_CATALOG), input.catalog())
        .withRawCatalogValues(input.badCatalogRecords());
    List<InteractionEvent> events = input.events();
    List<byte[]> badRecords = input.badRecords();
    Thread replay = new Thread(() -> producer.replay(events, badRecords, rate), "replay");
    replay.setDaemon(true);
    replay.start();
    try (EmbeddingMonitor monitor = new EmbeddingMonitor(bootstrap, config.get(PinnacleOptions.TOPIC_EMBEDDINGS))) {
      Quiet q = awaitQuiet(job, monitor, config, replay, producer, events.size() + badRecords.size(),
          printProgress, started, timeout);
      job.cancel().get();
      return result(producer.sent.get(), q, monitor);
    }
  }

  /**
   * Starts the job on a local MiniCluster, which plays the cluster: parallelism 1, checkpoints every 5 s and
   * RocksDB under the work directory; {@code extra} adds or overrides Flink settings (a restore path, say).
   */
  public static JobClient start(Configuration config, Path work, Map<String, String> extra) throws Exception {
    Files.createDirectories(work);
    Configuration flink = new Configuration();
    flink.setString("parallelism.default", "1");
    flink.setString("execution.checkpointing.interval", CHECKPOINT_INTERVAL.toMillis() + " ms");
    flink.setString("execution.checkpointing.dir", work.resolve("checkpoints").toUri().toString());
    flink.setString("io.tmp.dirs", work.resolve("tmp").toAbsolutePath().toString());
    flink.setString("state.backend.rocksdb.localdir", work.resolve("rocksdb").toAbsolutePath().toString());
    // Accumulators reach the client with the task heartbeat: every second, so the progress line shows what the job
    // has processed rather than what the last 10-second heartbeat knew.
    flink.setString("heartbeat.interval", "1 s");
    extra.forEach(flink::setString);
    flink.addAll(JobConfiguration.flinkDefaults(flink));
    if (config.get(PinnacleOptions.CHECK_TOPICS)) {
      Topics.requireExisting(config);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(flink);
    PinnacleTopology.build(KafkaEndpoints.inputs(env, config, false), config, KafkaEndpoints.outputs(config));
    return env.executeAsync("pinnacle-updater");
  }

  /** The local cluster's checkpoint interval unless {@code extra} sets one (a quiet run waits for two). */
  public static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(5);

  /** How often the progress line is printed (the rate it shows is over this interval). */
  private static final long PROGRESS_EVERY_MS = 3_000;

  /** Accumulators and timing when the job went quiet. */
  public record Quiet(Map<String, Object> accumulators, double seconds, RunTimeline timeline) {}

  /**
   * Waits until the replay finished, the job received {@code total} records, everything it emitted is readable
   * (committed), and nothing changed for a checkpoint interval plus the longer of the max delay and the retention
   * window (at most another interval), so that the last window's reports are committed too. Samples the run's
   * timeline every second and prints a progress line every 3 s when asked.
   */
  public static Quiet awaitQuiet(JobClient job, EmbeddingMonitor monitor, Configuration config, Thread replay,
                                 ReplayProducer producer, long total, boolean printProgress, long startedNs,
                                 Duration timeout) throws Exception {
    // Once the output is committed, the last retention and targeting windows still have to close and be committed
    // by the next checkpoint.
    long checkpointMs = CHECKPOINT_INTERVAL.toMillis();
    long stableFor = checkpointMs + Math.min(checkpointMs, Math.max(config.get(PinnacleOptions.MAX_DELAY).toMillis(),
        config.get(PinnacleOptions.RETENTION_WINDOW).toMillis())) + 2_000;
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    long lastChange = System.currentTimeMillis();
    long lastPrint = 0;
    long lastPrintedReceived = 0;
    boolean endAnnounced = false;
    RunTimeline timeline = new RunTimeline();
    long lastSample = 0;
    String lastSignature = "";
    Map<String, Object> acc;
    while (true) {
      monitor.poll(Duration.ofMillis(200));
      if (job.getJobStatus().get().isGloballyTerminalState()) {
        throw new IllegalStateException("the job stopped unexpectedly: " + job.getJobStatus().get());
      }
      acc = job.getAccumulators().get();
      long received = get(acc, DecodeAndValidate.RECEIVED);
      long emitted = get(acc, ItemUpdateOperator.EMITTED);
      String signature = received + "/" + emitted + "/" + monitor.records();
      long now = System.currentTimeMillis();
      if (!signature.equals(lastSignature)) {
        lastSignature = signature;
        lastChange = now;
      }
      if (now - lastSample >= 1_000) {
        lastSample = now;
        timeline.sample((System.nanoTime() - startedNs) / 1e9, producer.sent.get(), received, emitted, monitor);
      }
      if (printProgress && now - lastPrint >= PROGRESS_EVERY_MS) {
        // The rate over the last interval, not the whole run: it falls to 0 when the input has ended.
        double rate = lastPrint == 0 ? 0 : (received - lastPrintedReceived) * 1e3 / (now - lastPrint);
        lastPrint = now;
        lastPrintedReceived = received;
        double secs = (System.nanoTime() - startedNs) / 1e9;
        System.err.printf("[%4.0fs] sent %,d/%,d  processed by the job %,d (%,.0f events/s)  dead-lettered %,d  "
                + "item updates %,d  committed and read %,d  items with embeddings %,d  freshness %s%n", secs,
            producer.sent.get(), total, received, rate, get(acc, DecodeAndValidate.DEAD_LETTERED)
                + get(acc, ItemUpdateOperator.DUPLICATES), emitted, monitor.recordsSinceMark(),
            monitor.latest().size(), freshness(monitor));
        if (!endAnnounced && !replay.isAlive() && received == total) {
          endAnnounced = true;
          System.err.printf("[%4.0fs] input ended: the job has processed all %,d events; waiting for the checkpoint "
              + "that commits its last output (every %d s)%n", secs, total, CHECKPOINT_INTERVAL.toSeconds());
        }
      }
      // Counts are per job run: compare with what this run emitted, on top of what was read before it started.
      boolean done = !replay.isAlive() && received == total && monitor.recordsSinceMark() == emitted
          && now - lastChange >= stableFor;
      if (done) {
        break;
      }
      if (now > deadline) {
        throw new IllegalStateException("timed out: sent " + producer.sent.get() + ", received " + received
            + ", emitted " + emitted + ", read " + monitor.recordsSinceMark());
      }
    }
    // Throughput over the time the job was actually consuming: first to last record, as the job saw them.
    double seconds = Math.max(0.001, (get(acc, DecodeAndValidate.LAST_MS) - get(acc, DecodeAndValidate.FIRST_MS))
        / 1e3);
    return new Quiet(acc, seconds, timeline);
  }

  private static Result result(long sent, Quiet q, EmbeddingMonitor monitor) {
    Map<String, Object> acc = q.accumulators();
    Object avg = acc.get(ItemUpdateOperator.STATE_BYTES);
    Object userAvg = acc.get(UserVectorOperator.STATE_BYTES);
    return new Result(sent, get(acc, DecodeAndValidate.RECEIVED), get(acc, DecodeAndValidate.DEAD_LETTERED),
        get(acc, DecodeAndValidate.SKIPPED) + get(acc, UserVectorOperator.LEFT), get(acc, ItemUpdateOperator.DUPLICATES), get(acc, ItemUpdateOperator.PROCESSED),
        get(acc, ItemUpdateOperator.EMITTED), monitor.records(), Map.copyOf(monitor.latest()),
        List.copyOf(monitor.sequenceErrors()), monitor.freshnessPercentile(0.5), monitor.freshnessPercentile(0.99),
        q.seconds(), avg instanceof Number n ? n.doubleValue() : Double.NaN,
        userAvg instanceof Number u ? u.doubleValue() : Double.NaN, get(acc, UserVectorOperator.ENCODED),
        get(acc, UserVectorOperator.WITHOUT_VECTOR), q.timeline());
  }

  /** p50 / p99 of the updates read so far, or a dash before the first. */
  private static String freshness(EmbeddingMonitor monitor) {
    double p50 = monitor.freshnessPercentile(0.5);
    return Double.isNaN(p50) ? "-" : String.format(Locale.ROOT, "p50 %.0f ms p99 %.0f ms", p50,
        monitor.freshnessPercentile(0.99));
  }

  private static long get(Map<String, Object> acc, String name) {
    Object v = acc.get(name);
    return v instanceof Number n ? n.longValue() : 0L;
  }
}
