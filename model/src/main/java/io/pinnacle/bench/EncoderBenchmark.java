package io.pinnacle.bench;

import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.users.UserEncoder;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The user encoder's cost per history for a base artifact: the frozen base encodes the users' own recent items at
 * the end of training (as the job's user stage starts), in calls of 1 and of 64 histories, CPU time of the calling
 * thread per history. Bases of different settings are compared side by side in one run.
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
    try (UserEncoder encoder = new UserEncoder(base)) {
      for (int size : CALL_SIZES) {
        // Warm-up, then measure for the given time.
        runFor(encoder, histories, size, Math.min(2.0, secondsPerCase));
        long cpu0 = cpu.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        long encoded = runFor(encoder, histories, size, secondsPerCase);
        double cpuMicros = (cpu.getCurrentThreadCpuTime() - cpu0) / 1e3 / encoded;
        double wallMicros = (System.nanoTime() - wall0) / 1e3 / encoded;
        out.put("cpuMicrosPerHistory@" + size, cpuMicros);
        out.put("wallMicrosPerHistory@" + size, wallMicros);
      }
    }
    return out;
  }

  private static long runFor(UserEncoder encoder, List<long[]> histories, int size, double seconds) {
    long until = System.nanoTime() + (long) (seconds * 1e9);
    long encoded = 0;
    int next = 0;
    while (System.nanoTime() < until) {
      List<long[]> call = new ArrayList<>(size);
      for (int k = 0; k < size; k++) {
        call.add(histories.get(next));
        next = (next + 1) % histories.size();
      }
      encoder.encode(call);
      encoded += size;
    }
    return encoded;
  }
}
