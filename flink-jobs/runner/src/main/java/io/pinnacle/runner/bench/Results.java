package io.pinnacle.runner.bench;

import java.util.List;
import java.util.Map;

/** What the benchmark writes as JSON: plain records, all numbers, one per job x delivery mode x phase. */
final class Results {
  private Results() {}

  record Benchmark(String startedAt, Map<String, Object> settings, Map<String, Object> catalogue,
                   Map<String, Object> machine, List<ModeResult> runs) {}

  record ModeResult(String job, String delivery, Map<String, String> topics, Prefill prefill, MaxRate maxRate,
                    List<Steady> steady, Output output, Memory memory, Cpu cpuAround, String error) {}

  record Prefill(long events, double seconds, double eventsPerSecond) {}

  /**
   * The drain of the pre-filled topic. Window = first to last emittedAtMs of the updates behind pre-filled events
   * (the job's own clock; each end is within one micro-batch delay of the first / last event consumed).
   */
  record MaxRate(long events, double startupSeconds, double drainSeconds, double eventsPerSecond,
                 double cpuSeconds, double coresUsed, double eventsPerCoreSecond, long itemUpdates,
                 double itemUpdatesPerSecond, double freshnessP50Ms, double freshnessP99Ms,
                 double startupCpuSeconds) {}

  /**
   * A fixed-rate phase; freshness of the updates whose newest event was written during the phase. The timeline has
   * one row per 5 s of ingest time: {seconds into the phase, updates, p50 ms, p99 ms}. Machine busy CPU well above
   * job + broker + the harness's producer means other work shared the machine during the phase.
   */
  record Steady(double fractionOfMax, double startSecondsSinceJobStart, double targetEventsPerSecond, long sent,
                double seconds,
                double achievedEventsPerSecond, double cpuSeconds, double coresUsed, double eventsPerCoreSecond,
                long itemUpdates, double itemUpdatesPerSecond, double freshnessP50Ms, double freshnessP99Ms,
                double freshnessMaxMs, double rssMinMb, double rssMaxMb, double rssLastMb,
                double brokerCpuSeconds, double machineBusyCpuSeconds, List<double[]> freshnessTimeline) {}

  /** The whole output topic as read: records, distinct items, updateSeq repeats or regressions. */
  record Output(long records, int items, long sequenceErrors, List<String> sequenceExamples, long undecodable,
                long inputWritten, long inputCommittedByJob) {}

  /**
   * Resident memory of the job process: min / max / last once it is processing (from its first output on; start-up
   * is visible in the series), and the series (seconds since the job started, MB; CPU in cumulative seconds).
   */
  record Memory(double rssMinMb, double rssMaxMb, double rssLastMb, List<double[]> rssSeries,
                List<double[]> cpuSeries) {}

  /**
   * CPU outside the job during the drain: the broker's, and everything else on the machine (this harness, and any
   * other work sharing the machine, which would disturb the numbers).
   */
  record Cpu(double brokerDrainCpuSeconds, double brokerTotalCpuSeconds, double machineBusyDrainCpuSeconds,
             double jobDrainCpuSeconds) {}
}
