package io.pinnacle.runner.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * The drills' decisions on answers recorded from the local cluster (deploy/local/cluster.sh, Flink 2.2.1, the job at
 * parallelism 2: 10 tasks): just submitted, running, restarting after a TaskManager was SIGKILLed, partly running
 * again, and the job's exception history before and after the kill.
 */
class FlinkRestTest {
  private static <T> T recorded(String name, Class<T> type) throws IOException {
    try (InputStream in = FlinkRestTest.class.getResourceAsStream("/flink-rest/" + name + ".json")) {
      return FlinkRest.JSON.readValue(in, type);
    }
  }

  private static FlinkRest.Job job(String name) throws IOException {
    return recorded(name, FlinkRest.JobsOverview.class).active("pinnacle-updater").orElseThrow();
  }

  @Test
  void readsTheClustersSize() throws IOException {
    FlinkRest.Overview o = recorded("overview", FlinkRest.Overview.class);
    assertEquals(2, o.taskmanagers());
    assertEquals(4, o.slotsTotal());
    assertEquals("2.2.1", o.flinkVersion());
  }

  @Test
  void aJobRunsOnlyWhenAllItsTasksDo() throws IOException {
    assertTrue(job("jobs-overview-running").runningWith(10));
    // RUNNING is the job's state from the first task's scheduling on: its tasks are still initializing
    assertEquals("RUNNING", job("jobs-overview-initializing").state());
    assertFalse(job("jobs-overview-initializing").runningWith(10));
    assertFalse(job("jobs-overview-partly-running").runningWith(10));
    assertFalse(job("jobs-overview-restarting").runningWith(10));
    assertFalse(job("jobs-overview-running").runningWith(4)); // another parallelism's count
    assertTrue(job("jobs-overview-running").runningWith(0)); // all the tasks it has
    assertFalse(job("jobs-overview-partly-running").runningWith(0));
  }

  @Test
  void findsTheActiveJobByName() throws IOException {
    FlinkRest.JobsOverview jobs = recorded("jobs-overview-restarting", FlinkRest.JobsOverview.class);
    assertEquals("RESTARTING", jobs.active("pinnacle-updater").orElseThrow().state());
    assertTrue(jobs.active("another-job").isEmpty());
  }

  @Test
  void recoveryNeedsAFailureAndAllTasksRunningAgain() throws IOException {
    FlinkRest.Exceptions none = recorded("exceptions-none", FlinkRest.Exceptions.class);
    FlinkRest.Exceptions one = recorded("exceptions-one-failure", FlinkRest.Exceptions.class);
    assertEquals(0, none.failures());
    assertEquals(1, one.failures());
    // the kill missed the job: running, but it never failed
    assertFalse(FlinkRest.Recovery.of(none, job("jobs-overview-running"), 10).recovered());
    // failed and still restarting, or only some tasks back
    assertFalse(FlinkRest.Recovery.of(one, job("jobs-overview-restarting"), 10).recovered());
    assertFalse(FlinkRest.Recovery.of(one, job("jobs-overview-partly-running"), 10).recovered());
    assertTrue(FlinkRest.Recovery.of(one, job("jobs-overview-running"), 10).recovered());
    assertFalse(FlinkRest.Recovery.of(one, null, 10).recovered());
    assertTrue(FlinkRest.Recovery.of(one, job("jobs-overview-running"), 0).recovered());
  }
}
