package io.pinnacle.runner.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pinnacle.job.config.PinnacleOptions;
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
 * The soak on the local cluster: generated events at a steady rate for a long time while every TaskManager's
 * resident memory, its memory outside the Java heap (RocksDB, PyTorch, metaspace, buffers), the latest checkpoint's
 * size and duration and the consumer lag are sampled. Writes every sample and a verdict on each series'
 * trend after the warm-up (JSON), and the curves (PNG). Users and items come from a fixed population (the base's
 * users, the catalogue's items), so that state reaches its size within the run: with new keys it grows until their
 * TTLs expire them, which a soak of minutes cannot show.
 * <pre>
 *   ClusterSoak BOOTSTRAP REST_URL BASE_DIR PROMO_DIR RATE SECONDS OUT_DIR TM_NAME=PID...
 * </pre>
 */
public final class ClusterSoak {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final long SAMPLE_MS = 20_000;
  /** Samples before this share of the run are the warm-up (caches, RocksDB memtables, JIT) and not judged. */
  private static final double WARM_UP = 0.25;
  /** A series is flat when its least-squares trend after the warm-up adds less than this share per hour. */
  private static final double FLAT_PER_HOUR = 0.10;

  /** One sample: seconds since start, and per TaskManager name its figures; the job's latest checkpoint and lag. */
  record Sample(double seconds, Map<String, Long> rssMb, Map<String, Long> outsideHeapMb,
                Map<String, Long> rocksDbMb, long checkpointId,
                long checkpointKb, long checkpointFullKb, long checkpointMs, long lag, long sent) {}

  private ClusterSoak() {}

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String rest = args[1];
    double rate = Double.parseDouble(args[4]);
    double seconds = Double.parseDouble(args[5]);
    Path out = Path.of(args[6]);
    Map<String, Long> pids = new LinkedHashMap<>();
    for (int j = 7; j < args.length; j++) {
      String[] kv = args[j].split("=");
      pids.put(kv[0], Long.parseLong(kv[1]));
    }
    Files.createDirectories(out);
    Configuration defaults = new Configuration();
    String input = defaults.get(PinnacleOptions.TOPIC_INTERACTIONS);
    Catalogue catalogue = Catalogue.load(Path.of(args[2]), Path.of(args[3]), 50_000, 21);
    HttpClient http = HttpClient.newHttpClient();
    List<Sample> samples = new ArrayList<>();
    long start = System.currentTimeMillis();
    try (EventProducer producer = new EventProducer(bootstrap, input,
        new EventFactory(catalogue, 0.4, 0.0, "soak", 21));
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
        Sample s = sample(http, rest, admin, input, defaults.get(PinnacleOptions.GROUP_ID), pids,
            (System.currentTimeMillis() - start) / 1e3, producer.sent.get());
        samples.add(s);
        Bench.progress("soak %4.0f s: rss %s MB, outside heap %s MB, RocksDB %s MB, checkpoint %d: %d KB in %d ms, "
            + "lag %d", s.seconds(), s.rssMb(), s.outsideHeapMb(), s.rocksDbMb(), s.checkpointId(), s.checkpointKb(),
            s.checkpointMs(), s.lag());
      }
      if (sendFailure.get() != null) {
        throw sendFailure.get(); // the soak's input was not all delivered: its series would be wrong
      }
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("eventsPerSecond", rate);
    result.put("seconds", seconds);
    result.put("sampleEverySeconds", SAMPLE_MS / 1000);
    result.put("warmUpShare", WARM_UP);
    result.put("flatWhenTrendPerHourBelow", FLAT_PER_HOUR);
    Map<String, Object> trends = new LinkedHashMap<>();
    for (String tm : pids.keySet()) {
      trends.put(tm + ".rssMb", trend(samples, s -> s.rssMb().getOrDefault(tm, 0L)));
      trends.put(tm + ".outsideHeapMb", trend(samples, s -> s.outsideHeapMb().getOrDefault(tm, 0L)));
      trends.put(tm + ".rocksDbMb", trend(samples, s -> s.rocksDbMb().getOrDefault(tm, 0L)));
    }
    trends.put("checkpointKb", trend(samples, Sample::checkpointKb));
    trends.put("checkpointFullKb", trend(samples, Sample::checkpointFullKb));
    trends.put("checkpointMs", trend(samples, Sample::checkpointMs));
    result.put("trends", trends);
    result.put("maxLag", samples.stream().mapToLong(Sample::lag).max().orElse(0));
    result.put("samples", samples);
    JSON.writeValue(out.resolve("soak.json").toFile(), result);
    SoakChart.write(samples, pids.keySet(), out.resolve("soak.png"));
    Map<String, Object> shown = new LinkedHashMap<>(result);
    shown.remove("samples");
    SoakChart.html(samples, pids.keySet(), shown, out.resolve("soak.html"));
    System.out.println(JSON.writeValueAsString(trends));
  }

  /** Least-squares slope after the warm-up, as a share of the series' mean per hour; flat below the bound. */
  static Map<String, Object> trend(List<Sample> samples, ToLongFunction<Sample> f) {
    List<Sample> judged = samples.subList((int) (samples.size() * WARM_UP), samples.size());
    Map<String, Object> t = new LinkedHashMap<>();
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
    double share = my == 0 ? 0 : perHour / my;
    t.put("first", f.applyAsLong(judged.get(0)));
    t.put("last", f.applyAsLong(judged.get(judged.size() - 1)));
    t.put("mean", Math.round(my));
    t.put("perHour", Math.round(perHour));
    t.put("sharePerHour", Math.round(share * 1000) / 1000.0);
    t.put("verdict", Math.abs(share) < FLAT_PER_HOUR ? "flat" : share > 0 ? "growing" : "falling");
    return t;
  }

  private static Sample sample(HttpClient http, String rest, Admin admin, String input, String group,
                               Map<String, Long> pids, double seconds, long sent) throws Exception {
    Map<String, Long> rss = new LinkedHashMap<>();
    Map<String, Long> outside = new LinkedHashMap<>();
    for (Map.Entry<String, Long> p : pids.entrySet()) {
      ProcStats.Reading r = ProcStats.read(p.getValue());
      rss.put(p.getKey(), r == null ? 0 : r.rssBytes() >> 20);
      outside.put(p.getKey(), residentOutsideHeap(p.getValue()) >> 20);
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
    return new Sample(seconds, rss, outside, rocksDb(http), id, kb, fullKb, ms, lag(admin, input, group), sent);
  }

  /**
   * Resident bytes of the process outside its Java heap's address range (from /proc/PID/smaps, the range from
   * {@code jcmd PID GC.heap_info}): RocksDB, PyTorch, metaspace, code, thread stacks, direct buffers. Unlike RSS it
   * does not move with the heap's own growth up to -Xmx.
   */
  static long residentOutsideHeap(long pid) {
    try {
      long[] heap = HEAP_RANGES.computeIfAbsent(pid, ClusterSoak::heapRange);
      long outside = 0;
      boolean in = false;
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps"))) {
        int dash = line.indexOf('-');
        if (dash > 0 && line.indexOf(' ') > dash && HEX.matcher(line.substring(0, dash)).matches()) {
          long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
          in = heap != null && start >= heap[0] && start < heap[1];
        } else if (line.startsWith("Rss:") && !in) {
          outside += Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
      return outside;
    } catch (IOException | RuntimeException e) {
      return 0;
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
   * RocksDB's own memory per TaskManager from Prometheus (the cluster enables RocksDB's memory metrics): the shared
   * block cache (every column family reports the same one) plus every column family's memtables and table readers.
   * Empty without Prometheus.
   */
  private static Map<String, Long> rocksDb(HttpClient http) {
    Map<String, Long> out = new LinkedHashMap<>();
    String metric = "{__name__=~\"flink_taskmanager_job_task_operator_.*_rocksdb_%s\"}";
    String[] queries = {"max by (tm_id) (" + metric.formatted("block_cache_usage") + ")",
        "sum by (tm_id) (" + metric.formatted("cur_size_all_mem_tables") + ")",
        "sum by (tm_id) (" + metric.formatted("estimate_table_readers_mem") + ")"};
    for (String q : queries) {
      JsonNode r = get(http, PROMETHEUS + "/api/v1/query?query=" + URLEncoder.encode(q, StandardCharsets.UTF_8));
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

  private static final String PROMETHEUS = "http://localhost:9090";

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
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    return p;
  }
}
