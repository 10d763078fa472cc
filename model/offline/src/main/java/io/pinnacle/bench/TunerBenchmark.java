package io.pinnacle.bench;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pinnacle.base.NamedTensors;
import io.pinnacle.djl.DjlRuntime;
import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.prompt.PromoGlobals;
import io.pinnacle.tuning.ItemTuningInput;
import io.pinnacle.tuning.PromptState;
import io.pinnacle.tuning.PromptTuning;
import io.pinnacle.tuning.TuningEngine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Throughput of both tuning engines side by side in one run: item-updates per second per micro-batch size, with
 * one and two calling threads, the allocation per item-update of the calling threads, and resident memory. Items
 * look like the stream's: k = 10 pinnacle and negative users, 16 labelled samples, d = 16; the globals are the
 * initial ones with every map perturbed, so no part of the arithmetic is trivially zero.
 */
public final class TunerBenchmark {
  private static final long WARM_UP_NANOS = 2_000_000_000L;
  private static final long JIT_WARM_UP_NANOS = 4_000_000_000L;

  /** What to measure. */
  public record Settings(int[] batchSizes, int[] threads, List<TuningEngine> engines, int steps,
                         double secondsPerCase, long seed, boolean fork, int[] dims) {}

  private TunerBenchmark() {}

  /** VmRSS of this process in KB (Linux), 0 elsewhere. */
  static long rssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }

  static NamedTensors globals(PromoConfig c, long seed) {
    Random rnd = new Random(seed);
    NamedTensors out = new NamedTensors();
    for (var e : PromoGlobals.initial(c).all().entrySet()) {
      float[] v = e.getValue().data().clone();
      for (int k = 0; k < v.length; k++) {
        v[k] += (float) (rnd.nextGaussian() * 0.1);
      }
      out.put(e.getKey(), e.getValue().shape(), v);
    }
    return out;
  }

  public static Map<String, Object> run(Settings s) throws Exception {
    DjlRuntime.init();
    PromoConfig c = PromoConfig.defaults(s.dims()[0]);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("dims", s.dims());
    out.put("k", c.k());
    out.put("samplesPerItem", c.samples());
    out.put("adamSteps", s.steps());
    out.put("availableProcessors", Runtime.getRuntime().availableProcessors());
    out.put("pytorchThreads", "intra-op " + System.getProperty("ai.djl.pytorch.num_threads") + ", inter-op "
        + System.getProperty("ai.djl.pytorch.num_interop_threads"));
    List<Map<String, Object>> rows = new ArrayList<>();
    out.put("rssKbAtStart", rssKb());
    out.put("forked", s.fork());
    for (int dim : s.dims()) {
      PromoConfig cd = PromoConfig.defaults(dim);
      NamedTensors globals = globals(cd, s.seed());
      for (int threads : s.threads()) {
        for (int b : s.batchSizes()) {
          for (TuningEngine engine : s.engines()) {
            Map<String, Object> row;
            if (s.fork()) {
              row = forked(engine, threads, b, dim, s);
            } else {
              try (PromptTuning tuner = PromptTuning.create(engine, globals, cd, 1f, Device.cpu())) {
                warmUp(tuner, b, cd, s);
                row = measure(engine.on(Device.cpu()), tuner, b, threads, cd, s);
              }
            }
            Map<String, Object> withDim = new LinkedHashMap<>();
            withDim.put("dim", dim);
            withDim.putAll(row);
            rows.add(withDim);
          }
        }
      }
    }
    out.put("results", rows);
    out.put("rssKbAtEnd", rssKb());
    return out;
  }

  /**
   * One case in a JVM of its own (as JMH forks): what one engine's JIT compiled, the heap it left and the native
   * threads it started cannot slow the next case (in one JVM the first case after DJL's ran at 60% speed).
   */
  private static Map<String, Object> forked(TuningEngine engine, int threads, int items, int dim, Settings s)
      throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!arg.startsWith("-XX:StartFlightRecording") && !arg.startsWith("-agentlib")) {
        cmd.add(arg);
      }
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), TunerBenchmark.class.getName(),
        "--engine", engine.name(), "--threads", Integer.toString(threads), "--items", Integer.toString(items),
        "--steps", Integer.toString(s.steps()), "--seconds", Double.toString(s.secondsPerCase()),
        "--seed", Long.toString(s.seed()), "--dim", Integer.toString(dim)));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String last = null;
    try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
        java.nio.charset.StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        last = line;
      }
    }
    if (p.waitFor() != 0 || last == null) {
      throw new IllegalStateException("the forked case " + engine + "/" + threads + "/" + items + " failed");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> row = new ObjectMapper().readValue(last, Map.class);
    return row;
  }

  /** One forked case (the process {@link #forked} starts); prints its row as one line of JSON. */
  @Command(name = "tuner-bench-case", mixinStandardHelpOptions = true,
      description = "One case of the tuner benchmark in a JVM of its own.")
  static final class Case implements Callable<Integer> {
    @Option(names = "--engine", required = true)
    String engine;
    @Option(names = "--threads", required = true)
    int threads;
    @Option(names = "--items", required = true, description = "items per batch")
    int items;
    @Option(names = "--steps", required = true, description = "Adam steps per update")
    int steps;
    @Option(names = "--seconds", required = true, description = "measured seconds")
    double seconds;
    @Option(names = "--seed", required = true)
    long seed;
    @Option(names = "--dim", required = true)
    int dim;

    @Override
    public Integer call() throws Exception {
      DjlRuntime.init();
      TuningEngine e = TuningEngine.parse(engine);
      Settings s = new Settings(new int[] {items}, new int[] {threads}, List.of(e), steps, seconds, seed, false,
          new int[] {dim});
      PromoConfig c = PromoConfig.defaults(dim);
      try (PromptTuning tuner = PromptTuning.create(e, globals(c, seed), c, 1f, Device.cpu())) {
        warmUp(tuner, items, c, s);
        Map<String, Object> row = measure(e.on(Device.cpu()), tuner, items, threads, c, s);
        System.out.println(new ObjectMapper().writeValueAsString(row));
      }
      return 0;
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Case()).execute(args));
  }

  /** Lets the JIT compile the update for this batch size before anything is measured. */
  private static void warmUp(PromptTuning tuner, int items, PromoConfig c, Settings s) {
    List<ItemTuningInput> batch = items(items, c, new Random(s.seed() - items));
    long until = System.nanoTime() + JIT_WARM_UP_NANOS;
    while (System.nanoTime() < until) {
      tuner.tune(batch, s.steps());
    }
  }

  /** Resident memory while the JAVA engine runs batches of {@code batch} for {@code seconds}, sampled each 10 s. */
  public static Map<String, Object> soak(int batch, int steps, double seconds, long seed, int dim) {
    PromoConfig c = PromoConfig.defaults(dim);
    List<ItemTuningInput> items = items(batch, c, new Random(seed));
    List<Map<String, Object>> samples = new ArrayList<>();
    long updates = 0;
    try (PromptTuning tuner = PromptTuning.create(TuningEngine.JAVA, globals(c, seed), c, 1f, Device.cpu())) {
      long start = System.nanoTime();
      long next = start;
      while (System.nanoTime() - start < seconds * 1e9) {
        tuner.tune(items, steps);
        updates += batch;
        if (System.nanoTime() >= next) {
          Runtime rt = Runtime.getRuntime();
          samples.add(Map.of("seconds", Math.round((System.nanoTime() - start) / 1e9), "rssKb", rssKb(),
              "heapUsedKb", (rt.totalMemory() - rt.freeMemory()) / 1024, "itemUpdates", updates));
          next += 10_000_000_000L;
        }
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("engine", "JAVA");
    out.put("itemsPerCall", batch);
    out.put("itemUpdates", updates);
    out.put("samples", samples);
    return out;
  }

  private static Map<String, Object> measure(TuningEngine engine, PromptTuning tuner, int items, int threads,
                                             PromoConfig c, Settings s) throws Exception {
    List<List<ItemTuningInput>> perThread = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      perThread.add(items(items, c, new Random(s.seed() + 31L * t + items)));
    }
    AtomicLong calls = new AtomicLong();
    AtomicLong allocated = new AtomicLong();
    AtomicLong cpuNanos = new AtomicLong();
    long[][] latencies = new long[threads][];
    int[] counts = new int[threads];
    CyclicBarrier start = new CyclicBarrier(threads + 1);
    CyclicBarrier done = new CyclicBarrier(threads + 1);
    long budget = (long) (s.secondsPerCase() * 1e9);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread w = new Thread(() -> {
        List<ItemTuningInput> batch = perThread.get(id);
        long[] lat = new long[200_000];
        try {
          // Warm up long enough for the JIT to finish compiling the update (a fixed number of calls is not).
          long warmUntil = System.nanoTime() + WARM_UP_NANOS;
          while (System.nanoTime() < warmUntil) {
            tuner.tune(batch, s.steps());
          }
          start.await();
          long before = allocatedBytes();
          long cpuBefore = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
          long begin = System.nanoTime();
          int n = 0;
          while (System.nanoTime() - begin < budget && n < lat.length) {
            long t0 = System.nanoTime();
            tuner.tune(batch, s.steps());
            lat[n++] = System.nanoTime() - t0;
          }
          allocated.addAndGet(allocatedBytes() - before);
          cpuNanos.addAndGet(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuBefore);
          calls.addAndGet(n);
          latencies[id] = lat;
          counts[id] = n;
          done.await();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, "bench-" + t);
      w.start();
      workers.add(w);
    }
    start.await();
    long begin = System.nanoTime();
    done.await();
    double elapsed = (System.nanoTime() - begin) / 1e9;
    for (Thread w : workers) {
      w.join();
    }
    long[] all = new long[Arrays.stream(counts).sum()];
    int pos = 0;
    for (int t = 0; t < threads; t++) {
      System.arraycopy(latencies[t], 0, all, pos, counts[t]);
      pos += counts[t];
    }
    Arrays.sort(all);
    long updates = calls.get() * items;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("engine", engine.name());
    r.put("threads", threads);
    r.put("itemsPerCall", items);
    r.put("calls", calls.get());
    r.put("itemUpdatesPerSecond", Math.round(updates / elapsed));
    r.put("itemUpdatesPerSecondPerThread", Math.round(updates / elapsed / threads));
    // Per CPU-second of the calling threads: what one core does, less sensitive to other load on a shared machine.
    r.put("itemUpdatesPerCpuSecond", Math.round(updates / (cpuNanos.get() / 1e9)));
    r.put("p50CallMs", all[all.length / 2] / 1e6);
    r.put("p99CallMs", all[(int) Math.min(all.length - 1, all.length * 0.99)] / 1e6);
    r.put("heapBytesPerItemUpdate", updates == 0 ? 0 : allocated.get() / (double) updates);
    r.put("rssKbAfter", rssKb());
    System.err.printf("%-4s threads %d items/call %5d: %,10d item-updates/s, %,10d per CPU-second (p50 %.3f ms per "
            + "call, %.0f heap bytes per update)%n", engine, threads, items, (long) r.get("itemUpdatesPerSecond"),
        (long) r.get("itemUpdatesPerCpuSecond"), (double) r.get("p50CallMs"), (double) r.get("heapBytesPerItemUpdate"));
    return r;
  }

  /** Heap bytes this thread allocated so far (HotSpot), or 0. */
  private static long allocatedBytes() {
    var bean = ManagementFactory.getThreadMXBean();
    if (bean instanceof com.sun.management.ThreadMXBean hotspot) {
      return hotspot.getThreadAllocatedBytes(Thread.currentThread().getId());
    }
    return 0;
  }

  static List<ItemTuningInput> items(int n, PromoConfig c, Random rnd) {
    int d = c.dim();
    List<ItemTuningInput> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      float[][] pin = vectors(rnd, c.k(), d);
      float[][] samples = vectors(rnd, c.samples(), d);
      float[] labels = new float[c.samples()];
      int[] self = new int[c.samples()];
      float[] warm = new float[c.samples()];
      for (int s = 0; s < labels.length; s++) {
        labels[s] = s % 2;
        self[s] = s < c.k() && s % 2 == 1 ? s : -1;
      }
      out.add(new ItemTuningInput(i, vectors(rnd, 1, d)[0], pin, vectors(rnd, c.k(), d), samples, labels, self, warm,
          PromptState.initial(vectors(rnd, 1, d)[0])));
    }
    return out;
  }

  private static float[][] vectors(Random rnd, int n, int d) {
    float[][] v = new float[n][d];
    for (float[] row : v) {
      for (int k = 0; k < d; k++) {
        row[k] = (float) rnd.nextGaussian();
      }
    }
    return v;
  }
}
