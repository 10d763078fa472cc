package io.pinnacle.bench;

import ai.djl.Device;
import io.pinnacle.base.NamedTensors;
import io.pinnacle.djl.DjlRuntime;
import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.prompt.PromoGlobals;
import io.pinnacle.tuning.ItemTuningInput;
import io.pinnacle.tuning.PromptState;
import io.pinnacle.tuning.PromptTuner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Throughput of {@link PromptTuner}: item-updates per second for several micro-batch sizes, and the same items
 * tuned one call per item (the per-item loop the batched design replaces), measured side by side in one run.
 * Items look like the stream's: k = 10 pinnacle and negative users, 16 labelled samples, d = 16.
 */
public final class TunerBenchmark {
  private static long rssAfterFirst;

  private TunerBenchmark() {}

  /** VmRSS of this process in KB (Linux), 0 elsewhere. */
  static long rssKb() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (java.io.IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }

  public static Map<String, Object> run(int[] batchSizes, int steps, double secondsPerCase, long seed) {
    DjlRuntime.init();
    PromoConfig c = PromoConfig.defaults(16);
    NamedTensors globals = PromoGlobals.initial(c);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("dim", c.dim());
    out.put("k", c.k());
    out.put("samplesPerItem", c.samples());
    out.put("adamSteps", steps);
    out.put("threads", "intra-op " + System.getProperty("ai.djl.pytorch.num_threads") + ", inter-op "
        + System.getProperty("ai.djl.pytorch.num_interop_threads"));
    out.put("stateBytesPerItem", PromptState.serializedSize(c.dim()));
    List<Map<String, Object>> rows = new ArrayList<>();
    long rssStart = rssKb();
    try (PromptTuner tuner = new PromptTuner(globals, c, 1f, Device.cpu())) {
      for (int b : batchSizes) {
        List<ItemTuningInput> items = items(b, c, new Random(seed + b));
        rows.add(measure("batched", b, secondsPerCase, () -> tuner.tune(items, steps)));
        if (rssAfterFirst == 0) {
          rssAfterFirst = rssKb();
        }
      }
      int loopItems = 256;
      List<ItemTuningInput> items = items(loopItems, c, new Random(seed));
      rows.add(measure("per-item loop", loopItems, secondsPerCase, () -> {
        for (ItemTuningInput it : items) {
          tuner.tune(List.of(it), steps);
        }
      }));
    }
    out.put("results", rows);
    // Native memory must stay flat over many calls: resident set size after warm-up of the first case and at the end.
    out.put("rssKbAtStart", rssStart);
    out.put("rssKbAfterFirstCase", rssAfterFirst);
    out.put("rssKbAtEnd", rssKb());
    return out;
  }

  private static Map<String, Object> measure(String mode, int items, double seconds, Runnable call) {
    for (int w = 0; w < 3; w++) {
      call.run();
    }
    long calls = 0;
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long[] lat = new long[100_000];
    while (System.nanoTime() < end && calls < lat.length) {
      long t = System.nanoTime();
      call.run();
      lat[(int) calls++] = System.nanoTime() - t;
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    long[] sorted = java.util.Arrays.copyOf(lat, (int) calls);
    java.util.Arrays.sort(sorted);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("mode", mode);
    r.put("itemsPerCall", items);
    r.put("calls", calls);
    r.put("itemUpdatesPerSecond", Math.round(calls * items / elapsed));
    r.put("p50CallMs", sorted[sorted.length / 2] / 1e6);
    r.put("p99CallMs", sorted[(int) Math.min(sorted.length - 1, sorted.length * 0.99)] / 1e6);
    r.put("rssKbAfter", rssKb());
    System.err.printf("%-14s items/call %5d: %,10d item-updates/s (p50 %.2f ms per call)%n", mode, items,
        (long) r.get("itemUpdatesPerSecond"), (double) r.get("p50CallMs"));
    return r;
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
