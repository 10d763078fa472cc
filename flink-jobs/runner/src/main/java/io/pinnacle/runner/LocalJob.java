package io.pinnacle.runner;

import io.pinnacle.job.config.JobConfiguration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;

/**
 * The job on a local MiniCluster in this JVM, against an existing broker, until the process is stopped: what the
 * stream benchmark runs as the job under test. Arguments: {@code --work DIR}, {@code --flink key=value} (Flink
 * settings of the local cluster), and the job's own {@code --config FILE} / {@code --set key=value}.
 */
public final class LocalJob {
  private LocalJob() {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of("target", "local-job");
    Map<String, String> flink = new LinkedHashMap<>();
    List<String> jobArgs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if ("--work".equals(args[i]) && i + 1 < args.length) {
        work = Path.of(args[++i]);
      } else if ("--flink".equals(args[i]) && i + 1 < args.length) {
        String kv = args[++i];
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("--flink expects key=value, got " + kv);
        }
        flink.put(kv.substring(0, eq), kv.substring(eq + 1));
      } else {
        jobArgs.add(args[i]);
      }
    }
    Configuration conf = JobConfiguration.fromArgs(new Configuration(), jobArgs.toArray(new String[0]));
    JobClient job = StreamRun.start(conf, work, flink);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> job.cancel().join()));
    System.err.println("job " + job.getJobID() + " running; stop this process to end it");
    job.getJobExecutionResult().get();
  }
}
