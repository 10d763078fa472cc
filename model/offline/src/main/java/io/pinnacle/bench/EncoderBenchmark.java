package io.pinnacle.bench;

import ai.djl.ndarray.NDManager;
import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.base.SasRec;
import io.pinnacle.base.SasRecConfig;
import io.pinnacle.base.SasRecJvmEncoder;
import io.pinnacle.eval.SasRecRecommender;
import io.pinnacle.users.UserEncoder;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The user encoder's cost per history for a base artifact: the frozen base encodes the users' own recent items at
 * the end of training (as the job's user stage starts), in calls of 1 and of 64 histories, CPU time of the calling
 * thread per history ({@link UserEncoder} runs {@link SasRecJvmEncoder}). Bases of different settings are compared side by side in one run. Beside it, per history
 * length, DJL's pass against the JVM forward pass ({@link SasRecJvmEncoder}).
 */
public final class EncoderBenchmark {
  private static final int[] CALL_SIZES = {1, 64};

  private EncoderBenchmark() {}

  public static Map<String, Object> run(BaseModelArtifact base, double secondsPerCase) {
    List<long[]> histories = new ArrayList<>();
    for (long user : base.userIds()) {
      long[] h = base.recentItems(user);
      if (h.length > 0) {
        histories.add(h);
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("base", base.version());
    out.put("settings", base.metadata().config().label());
    out.put("dim", base.dim());
    out.put("maxLen", base.metadata().config().maxLen());
    out.put("meanHistoryLength", histories.stream().mapToInt(h -> Math.min(h.length,
        base.metadata().config().maxLen())).average().orElse(0));
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    out.put("byLength", byLength(base, secondsPerCase));
    try (UserEncoder encoder = new UserEncoder(base)) {
      for (int size : CALL_SIZES) {
        // Warm-up, then measure for the given time.
        runFor(histories, size, Math.min(2.0, secondsPerCase), encoder::encode);
        long cpu0 = cpu.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        long encoded = runFor(histories, size, secondsPerCase, encoder::encode);
        double cpuMicros = (cpu.getCurrentThreadCpuTime() - cpu0) / 1e3 / encoded;
        double wallMicros = (System.nanoTime() - wall0) / 1e3 / encoded;
        out.put("cpuMicrosPerHistory@" + size, cpuMicros);
        out.put("wallMicrosPerHistory@" + size, wallMicros);
      }
    }
    return out;
  }

  /**
   * Per history length (1, 10 and the maximum; random items the base knows): CPU microseconds per history of DJL's
   * batched pass (calls of 1 and of 64) against the JVM forward pass ({@link SasRecJvmEncoder}, one at a time).
   */
  private static Map<String, Object> byLength(BaseModelArtifact base, double secondsPerCase) {
    SasRecConfig config = base.metadata().config();
    int items = base.itemIds().length;
    Random rnd = new Random(5);
    Map<String, Object> out = new LinkedHashMap<>();
    SasRecJvmEncoder jvm = new SasRecJvmEncoder(config, base.parameters());
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    try (NDManager m = NDManager.newBaseManager(); SasRec model = new SasRec(m, config, base.parameters())) {
      for (int len : new int[] {1, 10, config.maxLen()}) {
        List<int[]> histories = new ArrayList<>();
        for (int r = 0; r < 256; r++) {
          int[] h = new int[len];
          for (int k = 0; k < len; k++) {
            h[k] = 1 + rnd.nextInt(items);
          }
          histories.add(h);
        }
        Map<String, Object> row = new LinkedHashMap<>();
        for (int size : CALL_SIZES) {
          timed(cpu, Math.min(1.0, secondsPerCase), histories, size,
              batch -> SasRecRecommender.batchedUserVectors(model, batch));
          row.put("djlCpuMicros@" + size, timed(cpu, secondsPerCase, histories, size,
              batch -> SasRecRecommender.batchedUserVectors(model, batch)));
        }
        timed(cpu, Math.min(1.0, secondsPerCase), histories, 1, batch -> jvm.encode(batch.get(0)));
        row.put("jvmCpuMicros", timed(cpu, secondsPerCase, histories, 1, batch -> jvm.encode(batch.get(0))));
        out.put("length " + len, row);
      }
    }
    return out;
  }

  /** CPU microseconds per history of {@code call} on batches of {@code size} for about {@code seconds}. */
  private static double timed(ThreadMXBean cpu, double seconds, List<int[]> histories, int size,
                              Consumer<List<int[]>> call) {
    long cpu0 = cpu.getCurrentThreadCpuTime();
    long encoded = runFor(histories, size, seconds, call);
    return (cpu.getCurrentThreadCpuTime() - cpu0) / 1e3 / encoded;
  }

  /** Calls {@code call} on consecutive batches of {@code size} histories for about {@code seconds}; returns how many. */
  private static <T> long runFor(List<T> histories, int size, double seconds, Consumer<List<T>> call) {
    long until = System.nanoTime() + (long) (seconds * 1e9);
    long encoded = 0;
    int next = 0;
    while (System.nanoTime() < until) {
      List<T> batch = new ArrayList<>(size);
      for (int k = 0; k < size; k++) {
        batch.add(histories.get(next));
        next = (next + 1) % histories.size();
      }
      call.accept(batch);
      encoded += size;
    }
    return encoded;
  }
}
