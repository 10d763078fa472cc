package io.pinnacle.runner.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the job's CPU went during the measured drain: JFR's execution samples of the job's recording
 * ({@code --profile}) between two instants, as shares of the samples by thread, by method including what it calls,
 * and by method on top of the stack. Samples are of threads running Java code; time in native code (RocksDB) and the
 * JIT compiler's threads are not among them.
 */
final class JfrProfile {
  /** JVM options that make a job write the recording this class reads. */
  static List<String> jvmOptions(Path work) {
    return List.of("-XX:FlightRecorderOptions=stackdepth=128", "-XX:StartFlightRecording=filename="
        + work.resolve("job.jfr") + ",settings=profile,dumponexit=true");
  }

  /** The summary, as lines of text: {@code top} entries per table. */
  static List<String> summarize(Path recording, long fromMs, long toMs, int top) throws IOException {
    Map<String, Integer> threads = new HashMap<>();
    Map<String, Integer> inclusive = new HashMap<>();
    Map<String, Integer> self = new HashMap<>();
    int samples = 0;
    try (RecordingFile file = new RecordingFile(recording)) {
      while (file.hasMoreEvents()) {
        RecordedEvent e = file.readEvent();
        long t = e.getStartTime().toEpochMilli();
        if (!e.getEventType().getName().equals("jdk.ExecutionSample") || t < fromMs || t > toMs
            || e.getStackTrace() == null) {
          continue;
        }
        samples++;
        RecordedThread thread = e.getThread("sampledThread");
        String name = thread == null || thread.getJavaName() == null ? "?" : thread.getJavaName();
        // "item updates -> (...) (1/1)#0": the operator chain, without the subtask
        threads.merge(name.replaceAll(" \\(\\d+/\\d+\\)#\\d+$", ""), 1, Integer::sum);
        List<RecordedFrame> frames = e.getStackTrace().getFrames();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < frames.size(); i++) {
          String m = method(frames.get(i));
          if (i == 0) {
            self.merge(m, 1, Integer::sum);
          }
          if (ours(frames.get(i)) && seen.add(m)) {
            inclusive.merge(m, 1, Integer::sum);
          }
        }
      }
    }
    List<String> out = new ArrayList<>();
    out.add(String.format("%,d execution samples of Java code in the measured drain", samples));
    table(out, "by thread", threads, samples, top);
    table(out, "by method, including what it calls (Flink's and the JDK's own frames left out)", inclusive, samples,
        top);
    table(out, "by method on top of the stack", self, samples, top);
    return out;
  }

  /** Frames worth a line of their own when counted with their callees: not the runtime's loops and lambdas. */
  private static boolean ours(RecordedFrame f) {
    String type = f.getMethod().getType().getName();
    return !(type.startsWith("org.apache.flink.") || type.startsWith("java.") || type.startsWith("jdk.")
        || type.startsWith("sun.") || type.contains("$$Lambda"));
  }

  private static String method(RecordedFrame f) {
    String type = f.getMethod().getType().getName();
    return type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
  }

  private static void table(List<String> out, String title, Map<String, Integer> counts, int samples, int top) {
    out.add(title + ":");
    Map<String, Integer> sorted = new LinkedHashMap<>();
    counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
        .forEachOrdered(e -> sorted.put(e.getKey(), e.getValue()));
    sorted.forEach((k, v) -> out.add(String.format("  %5.1f%%  %s", 100.0 * v / Math.max(1, samples), k)));
  }
}
