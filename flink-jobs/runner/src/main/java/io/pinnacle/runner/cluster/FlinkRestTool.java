package io.pinnacle.runner.cluster;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * What deploy/local/cluster.sh asks the JobManager: the active job's id and state, waits for the REST API, for
 * TaskManagers and for the job to run all its tasks, and the TaskManager drills' recovery verdict. Waits poll once a
 * second inside one JVM; a wait that times out exits with 1, a bad command line with 2.
 */
@Command(name = "flink-rest", mixinStandardHelpOptions = true,
    description = "Questions the local cluster's script asks Flink's REST API.",
    subcommands = {FlinkRestTool.WaitRest.class, FlinkRestTool.WaitTaskManagers.class, FlinkRestTool.JobId.class,
        FlinkRestTool.JobState.class, FlinkRestTool.WaitRunning.class, FlinkRestTool.Recovered.class})
public final class FlinkRestTool {
  @Option(names = "--url", required = true, description = "the JobManager's REST address, e.g. http://localhost:8081")
  URI url;

  @Option(names = "--job-name", defaultValue = "pinnacle-updater", description = "the job (default ${DEFAULT-VALUE})")
  String jobName;

  @Option(names = "--timeout", defaultValue = "120", description = "seconds a wait may take (default ${DEFAULT-VALUE})")
  int timeoutSeconds;

  public static void main(String[] args) {
    System.exit(new CommandLine(new FlinkRestTool()).execute(args));
  }

  FlinkRest rest() {
    return new FlinkRest(url);
  }

  Optional<FlinkRest.Job> activeJob() throws IOException {
    return rest().jobs().active(jobName);
  }

  /** Polls {@code done} once a second (a failed request counts as not yet) until it holds or the timeout passes. */
  int waitUntil(String what, Callable<Boolean> done) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
    while (true) {
      try {
        if (done.call()) {
          return 0;
        }
      } catch (Exception e) {
        // the JobManager is starting, restarting or gone for a moment: ask again
      }
      if (System.nanoTime() > until) {
        System.err.println("timed out after " + timeoutSeconds + " s waiting for " + what);
        return 1;
      }
      Thread.sleep(1000);
    }
  }

  @Command(name = "wait-rest", description = "Waits until the REST API answers.")
  static final class WaitRest implements Callable<Integer> {
    @ParentCommand FlinkRestTool tool;

    @Override
    public Integer call() throws Exception {
      return tool.waitUntil("the JobManager's REST API", () -> tool.rest().overview() != null);
    }
  }

  @Command(name = "wait-taskmanagers", description = "Waits until N TaskManagers are registered.")
  static final class WaitTaskManagers implements Callable<Integer> {
    @ParentCommand FlinkRestTool tool;
    @Parameters(index = "0", paramLabel = "N")
    int count;

    @Override
    public Integer call() throws Exception {
      return tool.waitUntil(count + " TaskManagers", () -> tool.rest().overview().taskmanagers() == count);
    }
  }

  @Command(name = "job-id", description = "Prints the active job's id (nothing when there is none).")
  static final class JobId implements Callable<Integer> {
    @ParentCommand FlinkRestTool tool;

    @Override
    public Integer call() throws Exception {
      tool.activeJob().ifPresent(j -> System.out.println(j.jid()));
      return 0;
    }
  }

  @Command(name = "job-state", description = "Prints the active job's state (nothing when there is none).")
  static final class JobState implements Callable<Integer> {
    @ParentCommand FlinkRestTool tool;

    @Override
    public Integer call() throws Exception {
      tool.activeJob().ifPresent(j -> System.out.println(j.state()));
      return 0;
    }
  }

  @Command(name = "wait-running", description = "Waits until the job is RUNNING with N tasks running (N = 0, the "
      + "default: every task it has).")
  static final class WaitRunning implements Callable<Integer> {
    @ParentCommand FlinkRestTool tool;
    @Parameters(index = "0", paramLabel = "N", defaultValue = "0")
    int tasks;

    @Override
    public Integer call() throws Exception {
      return tool.waitUntil("the job to run " + (tasks > 0 ? tasks : "all its") + " tasks", () -> {
        Optional<FlinkRest.Job> j = tool.activeJob();
        return j.isPresent() && j.get().runningWith(tasks);
      });
    }
  }

  @Command(name = "recovered", description = "Waits until the job has failed at least once and runs N tasks again "
      + "(N = 0, the default: all it has; the TaskManager drills' recovery); prints the failures it recorded.")
  static final class Recovered implements Callable<Integer> {
    @ParentCommand FlinkRestTool tool;
    @Parameters(index = "0", paramLabel = "N", defaultValue = "0")
    int tasks;

    @Override
    public Integer call() throws Exception {
      FlinkRest.Recovery[] last = new FlinkRest.Recovery[1];
      int code = tool.waitUntil("the job to recover " + (tasks > 0 ? tasks : "all its") + " tasks", () -> {
        FlinkRest.Job j = tool.activeJob().orElse(null);
        if (j == null) {
          return false;
        }
        last[0] = FlinkRest.Recovery.of(tool.rest().exceptions(j.jid()), j, tasks);
        return last[0].recovered();
      });
      System.out.println(last[0] == null ? 0 : last[0].failures());
      return code;
    }
  }
}
