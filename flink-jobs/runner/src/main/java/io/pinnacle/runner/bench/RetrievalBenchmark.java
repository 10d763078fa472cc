package io.pinnacle.runner.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.job.config.JobConfiguration;
import io.pinnacle.job.config.PinnacleOptions;
import io.pinnacle.job.kafka.Topics;
import io.pinnacle.retrieval.ItemIndex;
import io.pinnacle.retrieval.RetrievalConfig;
import io.pinnacle.retrieval.RetrievalService;
import io.pinnacle.retrieval.UserVectors;
import io.pinnacle.runner.EmbeddedKafka;
import io.pinnacle.runner.StreamRun;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The retrieval service while the job runs: a broker, the job on a MiniCluster fed KuaiRand-like events at a steady
 * rate, and the service on the job's topics, all in this JVM on this machine. Open-loop queries at each rate (a
 * query's latency counts from when it was due, so queueing is included), update-to-searchable times from the
 * service, HNSW recall against exact inner product on the same users, and index memory per item; JSON.
 */
@Command(name = "pinnacle retrieval-bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Query latency at given rates, update-to-searchable time, recall and index memory of the retrieval "
        + "service while the job runs; writes JSON.")
public final class RetrievalBenchmark implements Callable<Integer> {
  @Option(names = "--base", required = true, paramLabel = "DIR")
  Path base;
  @Option(names = "--promo", required = true, paramLabel = "DIR")
  Path promo;
  @Option(names = "--out", required = true, paramLabel = "FILE.json")
  Path out;
  @Option(names = "--event-rate", defaultValue = "2000", description = "events/s into the job (default ${DEFAULT-VALUE})")
  double eventRate;
  @Option(names = "--qps", split = ",", defaultValue = "0,100,1000",
      description = "query rates, 0: none, updates only (default ${DEFAULT-VALUE})")
  List<Integer> qps;
  @Option(names = "--seconds", defaultValue = "30", description = "per query rate (default ${DEFAULT-VALUE})")
  int seconds;
  @Option(names = "--k", defaultValue = "10")
  int k;
  @Option(names = "--new-items", defaultValue = "20000", description = "item ids unknown to the base (default ${DEFAULT-VALUE})")
  int newItems;
  @Option(names = "--delivery", defaultValue = "at-least-once")
  String delivery;
  @Option(names = "--work", paramLabel = "DIR", description = "working directory (default: next to --out)")
  Path work;

  /** One query rate's outcome; latencies in ms from the query's due time to its answer. */
  public record QueryPhase(int targetQps, double achievedQps, long queries, long errors, double p50Ms, double p99Ms,
                           double maxMs, long itemUpdates, double updateToSearchableP50Ms,
                           double updateToSearchableP99Ms) {}

  /** HNSW against exact inner product for the same users. */
  public record Recall(int k, int users, double recall) {}

  public record Result(Instant startedAt, Map<String, Object> settings, List<QueryPhase> queries, List<Recall> recall,
                       long itemUpdatesApplied, double updateToSearchableP50Ms, double updateToSearchableP99Ms,
                       int items, long indexBytes, double indexBytesPerItem, int publishedUsers) {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new RetrievalBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path dir = work != null ? work : out.toAbsolutePath().getParent().resolve("retrieval-bench-work");
    Files.createDirectories(dir);
    Instant started = Instant.now();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka-" + System.currentTimeMillis()))) {
      Map<String, String> settings = new LinkedHashMap<>();
      settings.put(PinnacleOptions.BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers());
      settings.put(PinnacleOptions.ARTIFACT_BASE.key(), base.toAbsolutePath().toString());
      settings.put(PinnacleOptions.ARTIFACT_PROMO.key(), promo.toAbsolutePath().toString());
      settings.put(PinnacleOptions.FEEDBACK_RULES.key(), "synthetic");
      settings.put(PinnacleOptions.DELIVERY_GUARANTEE.key(), delivery);
      var config = JobConfiguration.of(settings);
      Topics topics = Topics.of(config);
      kafka.createTopics(topics.plain(), topics.compacted(), 1);
      JobClient job = StreamRun.start(config, dir.resolve("flink"), Map.of());
      Catalogue catalogue = Catalogue.load(base, promo, newItems, 7);
      long totalSeconds = 20L + (long) seconds * qps.size() + 30;
      RetrievalConfig rc = new RetrievalConfig(kafka.bootstrapServers(), config.get(PinnacleOptions.TOPIC_EMBEDDINGS),
          config.get(PinnacleOptions.TOPIC_USER_VECTORS), base, 0, 1000, 50, Map.of());
      try (EventProducer producer = new EventProducer(kafka.bootstrapServers(),
          config.get(PinnacleOptions.TOPIC_INTERACTIONS), new EventFactory(catalogue, 0.4, 0.05, "rb", 7));
           RetrievalService service = new RetrievalService(rc)) {
        Thread feeder = new Thread(() -> producer.steady(eventRate, totalSeconds), "events");
        feeder.setDaemon(true);
        feeder.start();
        HttpClient client = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
        long[] users = catalogue.users;
        System.out.println("warm-up: 20 s of events at " + eventRate + "/s and queries at 50/s");
        query(client, service.port(), users, 50, 20);
        List<QueryPhase> phases = new ArrayList<>();
        var updates = service.metrics().recentUpdates;
        for (int rate : qps) {
          long before = updates.count();
          QueryPhase q = rate > 0 ? query(client, service.port(), users, rate, seconds) : idle(seconds);
          QueryPhase p = new QueryPhase(q.targetQps(), q.achievedQps(), q.queries(), q.errors(), q.p50Ms(), q.p99Ms(),
              q.maxMs(), updates.count() - before, updates.quantileSince(before, 0.5),
              updates.quantileSince(before, 0.99));
          System.out.printf("queries at %d/s: achieved %.0f/s, p50 %.2f ms, p99 %.2f ms, max %.1f ms, errors %d; "
                  + "%d item updates, searchable after p50 %.0f ms, p99 %.0f ms%n", rate, p.achievedQps(), p.p50Ms(),
              p.p99Ms(), p.maxMs(), p.errors(), p.itemUpdates(), p.updateToSearchableP50Ms(),
              p.updateToSearchableP99Ms());
          phases.add(p);
        }
        List<Recall> recall = new ArrayList<>();
        for (int kk : new int[] {10, 50}) {
          recall.add(recall(service, users, kk));
        }
        job.cancel().get(1, TimeUnit.MINUTES);
        var m = service.metrics();
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("eventRate", eventRate);
        shown.put("delivery", delivery);
        shown.put("k", k);
        shown.put("seconds", seconds);
        shown.put("newItems", newItems);
        shown.put("base", base.toString());
        ItemIndex index = service.index();
        Result r = new Result(started, shown, phases, recall, m.recentUpdates.count(),
            m.recentUpdates.quantile(0.5), m.recentUpdates.quantile(0.99), index.size(), index.indexBytes(),
            (double) index.indexBytes() / index.size(), service.users().publishedUsers());
        new ObjectMapper().findAndRegisterModules().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).writeValue(out.toFile(), r);
        System.out.printf("update to searchable p50 %.0f ms, p99 %.0f ms over %d updates; recall@10 %.3f, @50 %.3f; "
                + "%d items, %.0f index bytes per item; wrote %s%n", r.updateToSearchableP50Ms(),
            r.updateToSearchableP99Ms(), r.itemUpdatesApplied(), recall.get(0).recall(), recall.get(1).recall(),
            r.items(), r.indexBytesPerItem(), out);
      }
    }
    return 0;
  }

  private static QueryPhase idle(int secs) throws InterruptedException {
    TimeUnit.SECONDS.sleep(secs);
    return new QueryPhase(0, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN, 0, Double.NaN, Double.NaN);
  }

  /** Open loop: query i is due at start + i / rate; its latency runs from then to its answer. */
  private QueryPhase query(HttpClient client, int port, long[] users, int rate, int secs) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    Random rnd = new Random(rate);
    int n = rate * secs;
    double[] latencies = new double[n];
    AtomicLong errors = new AtomicLong();
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      long due = start + (long) (i * 1e9 / rate);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      int slot = i;
      long user = users[rnd.nextInt(users.length)];
      pool.submit(() -> {
        try {
          HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
              + "/recommend?user=" + user + "&k=" + k)).build(), HttpResponse.BodyHandlers.discarding());
          if (r.statusCode() != 200) {
            errors.incrementAndGet();
          }
        } catch (Exception e) {
          errors.incrementAndGet();
        }
        latencies[slot] = (System.nanoTime() - due) / 1e6;
      });
    }
    pool.shutdown();
    pool.awaitTermination(5, TimeUnit.MINUTES);
    double elapsed = (System.nanoTime() - start) / 1e9;
    double[] sorted = latencies.clone();
    Arrays.sort(sorted);
    return new QueryPhase(rate, n / elapsed, n, errors.get(), sorted[(int) (0.5 * (n - 1))],
        sorted[(int) Math.ceil(0.99 * (n - 1))], sorted[n - 1], 0, Double.NaN, Double.NaN);
  }

  private static Recall recall(RetrievalService service, long[] users, int kk) {
    Random rnd = new Random(kk);
    double found = 0;
    int queried = 0;
    for (int q = 0; q < 500; q++) {
      UserVectors.UserVector v = service.users().get(users[rnd.nextInt(users.length)]);
      if (v == null) {
        continue;
      }
      Set<Long> exact = new HashSet<>();
      service.index().exact(v.vector(), kk).forEach(h -> exact.add(h.item().itemId()));
      found += service.index().search(v.vector(), kk).stream().filter(h -> exact.contains(h.item().itemId())).count();
      queried++;
    }
    return new Recall(kk, queried, found / ((double) kk * queried));
  }
}
