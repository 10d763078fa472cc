package io.pinnacle.runner.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pinnacle.job.config.PinnacleOptions;
import io.pinnacle.runner.KafkaClientConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.admin.Admin;

/**
 * The soak on the local cluster: generated events at a steady rate for hours while every TaskManager's memory, the
 * latest checkpoint's size and duration and the consumer lag are sampled. The feed churns ({@link EventFactory.Churn}):
 * cold items and new users live for a while and are never seen again, so that with the job's TTLs set below their
 * lifetime every key ages out and the state saturates after about a lifetime plus a TTL. Each TaskManager's memory
 * outside the Java heap is taken apart: RocksDB's own account (block cache, which with Flink's managed memory also
 * carries the memtables, and table readers) against the managed memory it is bounded by; the JVM's own native
 * memory (Native Memory Tracking, when the TaskManager runs with it); mapped files; and what none of them accounts
 * for. Every series is judged after saturation: flat when its least-squares
 * trend is under 5% of its mean per hour. Writes every sample and the verdicts (JSON), the curves (PNG) and a page.
 * <pre>
 *   ClusterSoak BOOTSTRAP REST_URL BASE_DIR PROMO_DIR RATE SECONDS OUT_DIR [churn=ITEMS,USERS,SHARE,LIFETIME_S]
 *       [judge-after=SECONDS] [prometheus=URL] TM_NAME=PID...
 * </pre>
 */
public final class ClusterSoak {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final long SAMPLE_MS = 20_000;
  /** A series is flat when its least-squares trend after saturation adds less than this share of its mean per hour. */
  static final double FLAT_PER_HOUR = 0.05;

  /**
   * One TaskManager's memory in MB: resident, resident outside the heap, and its parts: mapped files (the JVM's,
   * RocksDB's and PyTorch's code), RocksDB's own account and the managed memory bounding it, the JVM's committed
   * native memory. -1: not measured.
   */
  record Memory(long rssMb, long outsideHeapMb, long filesMb, long rocksDbMb, long managedMb, long jvmNativeMb) {
    /** Anonymous memory outside the heap that neither the JVM nor RocksDB accounts for: other native allocations
     * (PyTorch, Kafka's compression codecs) and what the allocator keeps without handing it out. */
    long unattributedMb() {
      return jvmNativeMb < 0 ? -1 : outsideHeapMb - filesMb - jvmNativeMb - Math.max(0, rocksDbMb);
    }
  }

  /** One sample: seconds since start, per TaskManager its memory; the job's latest checkpoint and lag. */
  record Sample(double seconds, Map<String, Memory> memory, long checkpointId, long checkpointKb,
                long checkpointFullKb, long checkpointMs, long lag, long sent) {
    long of(String tm, ToLongFunction<Memory> f) {
      Memory m = memory.get(tm);
      return m == null ? 0 : f.applyAsLong(m);
    }
  }

  /**
   * A series of the soak: its name, how to read it from a sample, and what its trend is a share of: its own mean, or
   * (a small remainder such as the unattributed native memory, whose own mean may be near zero) a whole's mean.
   */
  record Series(String name, ToLongFunction<Sample> value, ToLongFunction<Sample> whole) {
    Series(String name, ToLongFunction<Sample> value) {
      this(name, value, value);
    }

    Map<String, Object> trend(List<Sample> samples, double after) {
      return ClusterSoak.trend(samples, after, value, whole);
    }
  }

  private ClusterSoak() {}

  /** The soak's command line (deploy/local/cluster.sh soak passes it). */
  @Command(name = "cluster-soak", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Feeds the local cluster at a fixed rate and samples each TaskManager's memory and parts, RocksDB, "
          + "checkpoints and lag; judges each series' trend after the saturation time.")
  static final class Options {
    @Option(names = "--bootstrap", required = true)
    String bootstrap;
    @Option(names = "--rest", required = true, description = "the JobManager's REST address")
    String rest;
    @Option(names = "--base", required = true, paramLabel = "DIR")
    Path base;
    @Option(names = "--promo", required = true, paramLabel = "DIR")
    Path promo;
    @Option(names = "--rate", required = true, description = "events per second")
    double rate;
    @Option(names = "--seconds", required = true, description = "how long to feed")
    double seconds;
    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;
    @Option(names = "--churn", paramLabel = "ITEMS,USERS,NEW_SHARE,LIFETIME_S",
        description = "a churning feed: live items and users, the share of new ones, their lifetime")
    String churn;
    @Option(names = "--judge-after", description = "seconds before trends are judged (default: a quarter of the run)")
    Double judgeAfter;
    @Option(names = "--prometheus", defaultValue = "http://localhost:9090")
    String prometheus;
    @Option(names = "--pid", paramLabel = "NAME=PID", description = "a TaskManager to sample (repeatable)")
    Map<String, Long> pids = new LinkedHashMap<>();
  }

  /** Parses the soak's command line; a bad one throws {@link CommandLine.ParameterException}. */
  static Options parse(String... args) {
    Options o = new Options();
    new CommandLine(o).parseArgs(args);
    return o;
  }

  public static void main(String[] args) throws Exception {
    CommandLine cl = new CommandLine(new Options());
    Options o;
    try {
      o = parse(args);
    } catch (CommandLine.ParameterException e) {
      System.err.println(e.getMessage());
      cl.usage(System.err);
      System.exit(2);
      return;
    }
    run(o);
  }

  static void run(Options o) throws Exception {
    String bootstrap = o.bootstrap;
    KafkaClientConfig.loadClusterConfiguration(System.getenv(KafkaClientConfig.CONF_DIR_ENV));
    String rest = o.rest;
    double rate = o.rate;
    double seconds = o.seconds;
    Path out = o.out;
    Map<String, Long> pids = new LinkedHashMap<>(o.pids);
    EventFactory.Churn churn = null;
    if (o.churn != null) {
      String[] c = o.churn.split(",");
      churn = new EventFactory.Churn(Integer.parseInt(c[0]), Integer.parseInt(c[1]), Double.parseDouble(c[2]),
          Double.parseDouble(c[3]));
    }
    double judgeAfter = o.judgeAfter != null ? o.judgeAfter : seconds / 4;
    String prometheus = o.prometheus;
    Files.createDirectories(out);
    Configuration defaults = new Configuration();
    String input = defaults.get(PinnacleOptions.TOPIC_INTERACTIONS);
    Catalogue catalogue = Catalogue.load(o.base, o.promo, 50_000, 21);
    EventFactory events = new EventFactory(catalogue, 0.4, 0.0, "soak", 21);
    if (churn != null) {
      events.withChurn(churn);
    }
    HttpClient http = HttpClient.newHttpClient();
    Map<String, Long> managed = managedMemoryMb(http, rest);
    List<Sample> samples = new ArrayList<>();
    long start = System.currentTimeMillis();
    try (EventProducer producer = new EventProducer(bootstrap, input, events);
         Admin admin = Admin.create(props(bootstrap))) {
      AtomicReference<RuntimeException> sendFailure = new AtomicReference<>();
      Thread sender = new Thread(() -> {
        try {
          producer.steady(rate, seconds);
        } catch (RuntimeException e) {
          sendFailure.set(e);
        }
      }, "soak-producer");
      sender.start();
      while (sender.isAlive()) {
        sender.join(SAMPLE_MS);
        Sample s = sample(http, rest, prometheus, admin, input, defaults.get(PinnacleOptions.GROUP_ID), pids,
            managed, (System.currentTimeMillis() - start) / 1e3, producer.sent.get());
        samples.add(s);
        Bench.progress("soak %4.0f s: %s, checkpoint %d: %d KB of %d KB in %d ms, lag %d", s.seconds(), s.memory(),
            s.checkpointId(), s.checkpointKb(), s.checkpointFullKb(), s.checkpointMs(), s.lag());
      }
      if (sendFailure.get() != null) {
        throw sendFailure.get(); // the soak's input was not all delivered: its series would be wrong
      }
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("eventsPerSecond", rate);
    result.put("seconds", seconds);
    result.put("sampleEverySeconds", SAMPLE_MS / 1000);
    result.put("churn", churn);
    result.put("judgedAfterSeconds", judgeAfter);
    result.put("flatWhenTrendPerHourBelow", FLAT_PER_HOUR);
    result.put("managedMemoryMb", managed);
    Map<String, Object> trends = new LinkedHashMap<>();
    for (Series series : series(pids.keySet())) {
      trends.put(series.name(), series.trend(samples, judgeAfter));
    }
    result.put("trends", trends);
    result.put("rocksDbOverManagedMemory", overManaged(samples, pids.keySet()));
    result.put("maxLag", samples.stream().mapToLong(Sample::lag).max().orElse(0));
    result.put("samples", samples);
    JSON.writeValue(out.resolve("soak.json").toFile(), result);
    SoakChart.write(samples, pids.keySet(), out.resolve("soak.png"));
    Map<String, Object> shown = new LinkedHashMap<>(result);
    shown.remove("samples");
    shown.remove("trends");
    SoakChart.html(samples, pids.keySet(), trends, shown, out.resolve("soak.html"));
    System.out.println(SoakChart.verdicts(trends).markdown());
  }

  /** The judged series: per TaskManager its memory and its parts, then the checkpoints. */
  static List<Series> series(Collection<String> taskManagers) {
    List<Series> out = new ArrayList<>();
    for (String tm : taskManagers) {
      out.add(new Series(tm + " resident MB", s -> s.of(tm, Memory::rssMb)));
      out.add(new Series(tm + " outside the heap MB", s -> s.of(tm, Memory::outsideHeapMb)));
      out.add(new Series(tm + " RocksDB MB", s -> s.of(tm, Memory::rocksDbMb)));
      out.add(new Series(tm + " JVM native (NMT) MB", s -> s.of(tm, Memory::jvmNativeMb)));
      out.add(new Series(tm + " unattributed native MB (share of outside the heap)",
          s -> s.of(tm, Memory::unattributedMb), s -> s.of(tm, Memory::outsideHeapMb)));
    }
    out.add(new Series("checkpoint full size KB", Sample::checkpointFullKb));
    out.add(new Series("checkpoint upload KB", Sample::checkpointKb));
    out.add(new Series("checkpoint duration ms", Sample::checkpointMs));
    return out;
  }

  /** Samples in which a TaskManager's RocksDB held more than its managed memory, per TaskManager. */
  private static Map<String, Long> overManaged(List<Sample> samples, Collection<String> taskManagers) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String tm : taskManagers) {
      out.put(tm, samples.stream().filter(s -> s.of(tm, Memory::managedMb) > 0
          && s.of(tm, Memory::rocksDbMb) > s.of(tm, Memory::managedMb)).count());
    }
    return out;
  }

  /**
   * Least-squares slope of the samples after {@code after} seconds, as a share per hour of the mean of
   * {@code whole} (the series itself, or the whole it is a part of); flat under {@link #FLAT_PER_HOUR}. A series
   * never measured (all -1) is "not measured".
   */
  static Map<String, Object> trend(List<Sample> samples, double after, ToLongFunction<Sample> f,
                                   ToLongFunction<Sample> whole) {
    List<Sample> judged = samples.stream().filter(s -> s.seconds() >= after).toList();
    Map<String, Object> t = new LinkedHashMap<>();
    if (judged.stream().allMatch(s -> f.applyAsLong(s) < 0)) {
      t.put("verdict", "not measured");
      return t;
    }
    if (judged.size() < 3) {
      t.put("verdict", "too short");
      return t;
    }
    double n = judged.size();
    double mx = judged.stream().mapToDouble(Sample::seconds).sum() / n;
    double my = judged.stream().mapToDouble(f::applyAsLong).sum() / n;
    double sxy = 0;
    double sxx = 0;
    for (Sample s : judged) {
      sxy += (s.seconds() - mx) * (f.applyAsLong(s) - my);
      sxx += (s.seconds() - mx) * (s.seconds() - mx);
    }
    double perHour = sxx == 0 ? 0 : sxy / sxx * 3600;
    double mw = judged.stream().mapToDouble(whole::applyAsLong).sum() / n;
    double share = mw == 0 ? 0 : perHour / mw;
    t.put("atSaturation", f.applyAsLong(judged.get(0)));
    t.put("atEnd", f.applyAsLong(judged.get(judged.size() - 1)));
    t.put("mean", Math.round(my));
    t.put("perHour", Math.round(perHour * 10) / 10.0);
    t.put("sharePerHour", Math.round(share * 1000) / 1000.0);
    t.put("verdict", Math.abs(share) < FLAT_PER_HOUR ? "flat" : share > 0 ? "growing" : "falling");
    return t;
  }

  private static Sample sample(HttpClient http, String rest, String prometheus, Admin admin, String input,
                               String group, Map<String, Long> pids, Map<String, Long> managed, double seconds,
                               long sent)
      throws Exception {
    Map<String, Long> rocksDb = rocksDb(http, prometheus);
    Map<String, Memory> memory = new LinkedHashMap<>();
    for (Map.Entry<String, Long> p : pids.entrySet()) {
      ProcStats.Reading r = ProcStats.read(p.getValue());
      long[] parts = outsideHeap(p.getValue());
      memory.put(p.getKey(), new Memory(r == null ? 0 : r.rssBytes() >> 20, parts[0] >> 20, parts[1] >> 20,
          rocksDb.getOrDefault(p.getKey(), -1L), managed.getOrDefault(p.getKey(), -1L), jvmNativeMb(p.getValue())));
    }
    long id = -1;
    long kb = 0;
    long fullKb = 0;
    long ms = 0;
    JsonNode jobs = get(http, rest + "/jobs/overview");
    String jid = null;
    if (jobs != null) {
      for (JsonNode j : jobs.get("jobs")) {
        if ("RUNNING".equals(j.get("state").asText())) {
          jid = j.get("jid").asText();
        }
      }
    }
    if (jid != null) {
      JsonNode c = get(http, rest + "/jobs/" + jid + "/checkpoints");
      JsonNode done = c == null ? null : c.path("latest").path("completed");
      if (done != null && !done.isMissingNode() && !done.isNull()) {
        id = done.path("id").asLong();
        kb = done.path("checkpointed_size").asLong() >> 10;
        fullKb = done.path("state_size").asLong() >> 10;
        ms = done.path("end_to_end_duration").asLong();
      }
    }
    return new Sample(seconds, memory, id, kb, fullKb, ms, lag(admin, input, group), sent);
  }

  /** Managed memory per TaskManager (its resource id, as the cluster names it), from the REST API. */
  private static Map<String, Long> managedMemoryMb(HttpClient http, String rest) {
    Map<String, Long> out = new LinkedHashMap<>();
    JsonNode tms = get(http, rest + "/taskmanagers");
    if (tms != null) {
      for (JsonNode tm : tms.path("taskmanagers")) {
        JsonNode detail = get(http, rest + "/taskmanagers/" + tm.path("id").asText());
        if (detail != null) {
          out.put(tm.path("id").asText(), detail.path("memoryConfiguration").path("managedMemory").asLong() >> 20);
        }
      }
    }
    return out;
  }

  /**
   * The JVM's own committed native memory outside the Java heap (Native Memory Tracking's total minus its
   * "Java Heap"; metaspace, class space, code, threads, GC, internal, NIO buffers); -1 without NMT.
   */
  static long jvmNativeMb(long pid) {
    try {
      Process p = new ProcessBuilder("jcmd", Long.toString(pid), "VM.native_memory", "summary", "scale=MB")
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      p.waitFor();
      Matcher total = NMT_TOTAL.matcher(out);
      Matcher heap = NMT_HEAP.matcher(out);
      if (!total.find() || !heap.find()) {
        return -1;
      }
      return Long.parseLong(total.group(1)) - Long.parseLong(heap.group(1));
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static final Pattern NMT_TOTAL = Pattern.compile("Total: reserved=\\d+MB, committed=(\\d+)MB");
  private static final Pattern NMT_HEAP = Pattern.compile("Java Heap \\(reserved=\\d+MB, committed=(\\d+)MB\\)");

  /**
   * Resident bytes of the process outside its Java heap's address range (from /proc/PID/smaps, the range from
   * {@code jcmd PID GC.heap_info}): RocksDB, PyTorch, metaspace, code, thread stacks, direct buffers; unlike RSS it
   * does not move with the heap's own growth up to -Xmx. Second, the resident bytes of mapped files among them.
   */
  static long[] outsideHeap(long pid) {
    try {
      long[] heap = HEAP_RANGES.computeIfAbsent(pid, ClusterSoak::heapRange);
      long outside = 0;
      long files = 0;
      boolean in = false;
      boolean file = false;
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps"))) {
        int dash = line.indexOf('-');
        int space = line.indexOf(' ');
        if (dash > 0 && space > dash && HEX.matcher(line.substring(0, dash)).matches()) {
          long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
          in = heap != null && start >= heap[0] && start < heap[1];
          String[] fields = line.trim().split("\\s+");
          file = fields.length >= 6 && fields[5].startsWith("/");
        } else if (line.startsWith("Rss:") && !in) {
          long bytes = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
          outside += bytes;
          if (file) {
            files += bytes;
          }
        }
      }
      return new long[] {outside, files};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  private static final Map<Long, long[]> HEAP_RANGES = new LinkedHashMap<>();
  private static final Pattern HEX = Pattern.compile("[0-9a-f]+");
  private static final Pattern RANGE = Pattern.compile("\\[0x([0-9a-f]+), 0x([0-9a-f]+)\\)");

  private static long[] heapRange(long pid) {
    try {
      Process p = new ProcessBuilder("jcmd", Long.toString(pid), "GC.heap_info").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      p.waitFor();
      Matcher m = RANGE.matcher(out);
      return m.find() ? new long[] {Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(2), 16)}
          : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * RocksDB's own memory per TaskManager from Prometheus (the cluster enables RocksDB's memory metrics): the usage
   * of the slot's shared block cache (every column family reports the same one; with Flink's managed memory its
   * write buffer manager charges the memtables to this cache, so they are in it) plus every column family's table
   * readers. Empty without Prometheus.
   */
  private static Map<String, Long> rocksDb(HttpClient http, String prometheus) {
    Map<String, Long> out = new LinkedHashMap<>();
    String metric = "{__name__=~\"flink_taskmanager_job_task_operator_.*_rocksdb_%s\"}";
    String[] queries = {"max by (tm_id) (" + metric.formatted("block_cache_usage") + ")",
        "sum by (tm_id) (" + metric.formatted("estimate_table_readers_mem") + ")"};
    for (String q : queries) {
      JsonNode r = get(http, prometheus + "/api/v1/query?query=" + URLEncoder.encode(q, StandardCharsets.UTF_8));
      if (r == null) {
        return out;
      }
      for (JsonNode series : r.path("data").path("result")) {
        String tm = series.path("metric").path("tm_id").asText().replace('_', '-');
        out.merge(tm, (long) series.path("value").get(1).asDouble(), Long::sum);
      }
    }
    out.replaceAll((tm, bytes) -> bytes >> 20);
    return out;
  }


  private static long lag(Admin admin, String input, String group) throws Exception {
    long[] offsets = ClusterTool.inputOffsets(admin, input, group);
    return offsets[0] - offsets[1];
  }

  private static JsonNode get(HttpClient http, String url) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
          .build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static Properties props(String bootstrap) {
    return KafkaClientConfig.properties(bootstrap);
  }
}
