package io.pinnacle.runner.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The job under test as a process of its own, started from a command template: any {name} in the template is
 * replaced by the value given for it (bootstrap, delivery, work, inputTopic, outputTopic, ...), so an old and a new
 * job with different launchers run under the same harness. Only this pid's CPU and memory are counted.
 */
final class JobProcess implements AutoCloseable {
  private final Process process;
  final ProcessSampler sampler;

  private JobProcess(Process process) {
    this.process = process;
    this.sampler = new ProcessSampler(process.pid(), 1_000);
  }

  static List<String> substitute(List<String> template, Map<String, String> values) {
    List<String> out = new ArrayList<>();
    for (String part : template) {
      String s = part;
      for (Map.Entry<String, String> v : values.entrySet()) {
        s = s.replace("{" + v.getKey() + "}", v.getValue());
      }
      if (s.matches(".*\\{[A-Za-z]+\\}.*")) {
        throw new IllegalArgumentException("unknown placeholder in job command: " + part + " (known: "
            + values.keySet() + ")");
      }
      out.add(s);
    }
    return out;
  }

  /** Starts the command in {@code work}; stdout and stderr go to {@code work/job.log}. */
  static JobProcess start(List<String> command, Path work) throws IOException {
    Files.createDirectories(work);
    Files.writeString(work.resolve("job-command.txt"), String.join("\n", command) + "\n");
    Process p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("job.log").toFile())).start();
    return new JobProcess(p);
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  int exitValue() {
    return process.exitValue();
  }

  /** Stops the process and anything it started: SIGTERM, then SIGKILL after 20 s. */
  @Override
  public void close() {
    sampler.close();
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        tree.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
