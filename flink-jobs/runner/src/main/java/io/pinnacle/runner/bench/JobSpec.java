package io.pinnacle.runner.bench;

import io.pinnacle.runner.LocalJob;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A job under test: a name for the report and the command template it is launched with. */
record JobSpec(String name, List<String> template) {

  /** NAME=COMMAND: the command is split on whitespace (placeholders never contain any). */
  static JobSpec parse(String arg) {
    int eq = arg.indexOf('=');
    if (eq <= 0 || eq == arg.length() - 1) {
      throw new IllegalArgumentException("--job wants NAME=COMMAND_TEMPLATE, not " + arg);
    }
    String name = arg.substring(0, eq).trim();
    if (!name.matches("[A-Za-z0-9_.-]+")) {
      throw new IllegalArgumentException("job names are letters, digits, '.', '_' and '-': " + name);
    }
    return new JobSpec(name, List.of(arg.substring(eq + 1).trim().split("\\s+")));
  }

  /**
   * This build's job ({@link io.pinnacle.runner.LocalJob} on a MiniCluster) in a JVM on this JVM's class path.
   * {@code PINNACLE_BENCH_JOB_OPTS} adds JVM options (a profiler, say).
   */
  static JobSpec local(String name) {
    return local(name, List.of());
  }

  /** As {@link #local(String)}, with extra job settings ({@code key=value}, or {@code flink:key=value}). */
  static JobSpec local(String name, List<String> settings) {
    List<String> t = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx3g", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
        "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-modules=jdk.incubator.vector", "-Djava.io.tmpdir={work}"));
    String extra = System.getenv("PINNACLE_BENCH_JOB_OPTS");
    if (extra != null && !extra.isBlank()) {
      t.addAll(List.of(extra.trim().split("\\s+")));
    }
    t.addAll(List.of("-cp", System.getProperty("java.class.path"), LocalJob.class.getName(), "--work", "{work}",
        "--flink", "execution.checkpointing.interval={checkpointMillis}ms",
        "--set", "pinnacle.kafka.bootstrap-servers={bootstrap}", "--set", "pinnacle.delivery-guarantee={delivery}",
        "--set", "pinnacle.topic.interactions={inputTopic}", "--set", "pinnacle.topic.item-embeddings={outputTopic}",
        "--set", "pinnacle.topic.dead-letter={deadLetterTopic}", "--set", "pinnacle.topic.retention={retentionTopic}",
        "--set", "pinnacle.topic.item-catalog={catalogTopic}", "--set", "pinnacle.topic.targeting={targetingTopic}",
        "--set", "pinnacle.topic.user-vectors={userVectorsTopic}",
        "--set", "pinnacle.kafka.group-id={groupId}",
        "--set", "pinnacle.kafka.transactional-id-prefix={transactionalIdPrefix}",
        "--set", "pinnacle.artifact.base={base}", "--set", "pinnacle.artifact.promo={promo}",
        "--set", "pinnacle.feedback.rules=synthetic"));
    for (String kv : settings) {
      // flink:key=value is a setting of the job's local cluster, anything else a job setting.
      t.addAll(kv.startsWith("flink:") ? List.of("--flink", kv.substring(6)) : List.of("--set", kv));
    }
    return new JobSpec(name, List.copyOf(t));
  }
}
