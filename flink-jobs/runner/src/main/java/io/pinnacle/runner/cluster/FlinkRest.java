package io.pinnacle.runner.cluster;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The few answers of Flink's REST API the local cluster's drills read, as typed records (fields by name, unknown
 * fields ignored), over plain HTTP. The decisions the drills take on them ({@link JobsOverview#active},
 * {@link Job#runningWith}, {@link Recovery}) are functions of these records alone, so they are tested on recorded
 * answers without a cluster.
 */
public final class FlinkRest {
  static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final URI base;
  private final HttpClient http;

  public FlinkRest(URI base) {
    this.base = base;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** {@code GET /overview}: the cluster's size. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Overview(int taskmanagers, @JsonProperty("slots-total") int slotsTotal,
                         @JsonProperty("slots-available") int slotsAvailable,
                         @JsonProperty("jobs-running") int jobsRunning,
                         @JsonProperty("flink-version") String flinkVersion) {}

  /** A job's task counts by state ({@code tasks} of {@code /jobs/overview}). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Tasks(int total, int running, int initializing, int deploying, int scheduled, int created,
                      int failed, int canceling, int finished) {}

  /** One job of {@code /jobs/overview}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Job(String jid, String name, String state, @JsonProperty("start-time") long startTime,
                    @JsonProperty("end-time") long endTime, Tasks tasks) {
    /** Not ended: a job that is running, restarting or being scheduled has no end time yet. */
    public boolean active() {
      return endTime < 0;
    }

    /** RUNNING with exactly {@code expected} tasks running; 0: every task of the job running. */
    public boolean runningWith(int expected) {
      if (!"RUNNING".equals(state) || tasks == null) {
        return false;
      }
      return expected > 0 ? tasks.running() == expected : tasks.total() > 0 && tasks.running() == tasks.total();
    }
  }

  /** {@code GET /jobs/overview}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record JobsOverview(List<Job> jobs) {
    public JobsOverview {
      jobs = jobs == null ? List.of() : List.copyOf(jobs);
    }

    /** The newest job of that name that has not ended. */
    public Optional<Job> active(String name) {
      return jobs.stream().filter(j -> name.equals(j.name()) && j.active())
          .max((a, b) -> Long.compare(a.startTime(), b.startTime()));
    }
  }

  /** One failure of {@code /jobs/{id}/exceptions}' history. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Failure(String exceptionName, long timestamp, String taskName) {}

  /** {@code exceptionHistory} of {@code /jobs/{id}/exceptions}: every failure that made the job restart. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ExceptionHistory(List<Failure> entries, boolean truncated) {
    public ExceptionHistory {
      entries = entries == null ? List.of() : List.copyOf(entries);
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Exceptions(ExceptionHistory exceptionHistory) {
    /** Failures recorded for the job (each one a restart under a restart strategy). */
    public int failures() {
      return exceptionHistory == null ? 0 : exceptionHistory.entries().size();
    }
  }

  /**
   * The TaskManager drills' recovery verdict: after a kill the job must have failed at least once (otherwise the kill
   * missed it) and be RUNNING again with all its tasks ({@code tasks}: how many; 0: all the job has).
   */
  public record Recovery(int failures, boolean running) {
    public static Recovery of(Exceptions exceptions, Job job, int tasks) {
      return new Recovery(exceptions.failures(), job != null && job.runningWith(tasks));
    }

    public boolean recovered() {
      return failures >= 1 && running;
    }
  }

  public Overview overview() throws IOException {
    return get("/overview", Overview.class);
  }

  public JobsOverview jobs() throws IOException {
    return get("/jobs/overview", JobsOverview.class);
  }

  public Exceptions exceptions(String jobId) throws IOException {
    return get("/jobs/" + jobId + "/exceptions", Exceptions.class);
  }

  private <T> T get(String path, Class<T> type) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (response.statusCode() != 200) {
      throw new IOException("GET " + path + ": HTTP " + response.statusCode());
    }
    return JSON.readValue(response.body(), type);
  }
}
