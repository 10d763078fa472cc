package io.pinnacle.runner.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * One job in one delivery mode on fresh topics: pre-fill, start the job and let it drain the backlog (max rate),
 * then fixed-rate phases at fractions of that rate, then stop the job. Only the job process's CPU is counted;
 * the broker and this harness run in other processes.
 */
final class ModeRun {
  private final BrokerProcess broker;
  private final ProcessSampler brokerSampler;
  private final Catalogue catalogue;
  private final Settings s;
  private final JobSpec job;
  private final String delivery;
  private final String prefix;
  private final List<double[]> machineBusy = new ArrayList<>(); // {epoch ms, busy CPU s}, for cpuAround
  private long drainStartMs = Long.MAX_VALUE;
  private long drainEndMs;

  ModeRun(BrokerProcess broker, ProcessSampler brokerSampler, Catalogue catalogue, Settings s, JobSpec job,
          String delivery, String runTag) {
    this.broker = broker;
    this.brokerSampler = brokerSampler;
    this.catalogue = catalogue;
    this.s = s;
    this.job = job;
    this.delivery = delivery;
    this.prefix = "bench-" + job.name() + "-" + (delivery.startsWith("EXACTLY") ? "eo" : "alo") + "-" + runTag;
  }

  Results.ModeResult run() throws Exception {
    Map<String, String> topics = new LinkedHashMap<>();
    topics.put("input", prefix + "-interactions");
    topics.put("output", prefix + "-embeddings");
    topics.put("deadLetter", prefix + "-dlq");
    topics.put("retention", prefix + "-retention");
    topics.put("catalog", prefix + "-catalog");
    topics.put("targeting", prefix + "-targeting");
    topics.put("userVectors", prefix + "-user-vectors");
    broker.createTopics(List.of(topics.get("input"), topics.get("deadLetter"), topics.get("retention"),
            topics.get("targeting")),
        List.of(topics.get("output"), topics.get("catalog"), topics.get("userVectors")), s.partitions());

    Path work = s.work().resolve(job.name() + "-" + delivery.toLowerCase());
    List<String> command = new ArrayList<>(JobProcess.substitute(job.template(), placeholders(topics, work)));
    if (s.profile()) {
      command.addAll(1, JfrProfile.jvmOptions(work.toAbsolutePath())); // right after the java executable
    }
    long warmup = s.warmupEvents();
    if (warmup > 0) {
      // The warm-up is drained first, so the measured drain finds the JIT's work done and the state backend open:
      // the rate of a job that has been running, which is what production sees.
      Bench.progress("%s %s: pre-filling %,d warm-up events", job.name(), delivery, warmup);
      prefill(topics.get("input"), "-warmup", 7, warmup);
    }
    Results.ModeResult result = measure(topics, work, command, warmup);
    if (s.profile() && result.maxRate() != null) {
      // The job has stopped (SIGTERM): its recording is complete.
      List<String> lines = JfrProfile.summarize(work.resolve("job.jfr"), drainStartMs, drainEndMs, 25);
      Files.write(work.resolve("profile.txt"), lines);
      Bench.progress("profile of %s %s: %s", job.name(), delivery, work.resolve("profile.txt"));
    }
    return result;
  }

  private Results.ModeResult measure(Map<String, String> topics, Path work, List<String> command, long warmup)
      throws Exception {
    try (OutputMonitor monitor = new OutputMonitor(broker.bootstrapServers(), topics.get("output"), s.partitions());
         JobProcess proc = JobProcess.start(command, work)) {
      long jobStart = System.currentTimeMillis();
      Bench.progress("job %s started (pid %d), log %s", job.name(), proc.pid(), work.resolve("job.log"));
      Results.Prefill prefill = null;
      try {
        if (warmup > 0) {
          awaitSettled(proc, monitor, topics.get("input"), warmup, "warm-up");
        }
        Bench.progress("%s %s: pre-filling %s with %,d events", job.name(), delivery, topics.get("input"),
            s.events());
        long prefillStart = System.currentTimeMillis();
        long prefilled = prefill(topics.get("input"), "-prefill", 0, s.events());
        long prefillEnd = System.currentTimeMillis();
        double prefillSec = (prefillEnd - prefillStart) / 1e3;
        prefill = new Results.Prefill(prefilled, prefillSec, prefilled / prefillSec);
        Bench.progress("pre-fill done in %.1f s (%,.0f events/s)", prefillSec, prefill.eventsPerSecond());
        awaitSettled(proc, monitor, topics.get("input"), warmup + prefilled, "drain");
        Results.MaxRate max = maxRate(proc, monitor, jobStart, prefillStart, prefillEnd, prefilled);
        Results.Cpu around = cpuAround(max);
        Bench.progress("max rate: %,.0f events/s, %,.0f events per CPU-second, %,.0f item updates/s",
            max.eventsPerSecond(), max.eventsPerCoreSecond(), max.itemUpdatesPerSecond());
        List<long[]> windows = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        long written = warmup + prefilled;
        for (double f : s.fractions()) {
          double rate = Math.max(1, f * max.eventsPerSecond());
          long[] w = steadyPhase(proc, topics.get("input"), rate, f);
          windows.add(w);
          rates.add(rate);
          written += w[2];
        }
        awaitSettled(proc, monitor, topics.get("input"), written, "settle");
        List<Results.Steady> steady = new ArrayList<>();
        for (int i = 0; i < windows.size(); i++) {
          steady.add(steadyResult(proc, monitor, s.fractions().get(i), rates.get(i), windows.get(i), jobStart));
        }
        Results.Output out = new Results.Output(monitor.records(), monitor.items(), monitor.sequenceErrors(),
            monitor.sequenceExamples(), monitor.undecodable(), written, committed(topics.get("input")));
        return new Results.ModeResult(job.name(), delivery, topics, prefill, max, steady, out,
            memory(proc, jobStart, drainStartMs), around, null);
      } catch (RuntimeException e) {
        Bench.progress("%s %s failed: %s", job.name(), delivery, e.getMessage());
        return new Results.ModeResult(job.name(), delivery, topics, prefill, null, List.of(), null,
            memory(proc, jobStart, drainStartMs), null, e.toString());
      }
    }
  }

  /** Sends {@code n} events (tag: the stream's name in event ids; every one acknowledged, or it throws). */
  private long prefill(String input, String tag, long seedOffset, long n) {
    try (EventProducer p = new EventProducer(broker.bootstrapServers(), input,
        new EventFactory(catalogue, s.coldShare(), s.unknownUserShare(), prefix + tag, s.seed() + seedOffset))) {
      p.prefill(n);
      return p.sent.get();
    }
  }

  /** The names a command template may use. */
  private Map<String, String> placeholders(Map<String, String> topics, Path work) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("bootstrap", broker.bootstrapServers());
    v.put("delivery", delivery);
    v.put("work", work.toAbsolutePath().toString());
    v.put("inputTopic", topics.get("input"));
    v.put("outputTopic", topics.get("output"));
    v.put("deadLetterTopic", topics.get("deadLetter"));
    v.put("retentionTopic", topics.get("retention"));
    v.put("catalogTopic", topics.get("catalog"));
    v.put("targetingTopic", topics.get("targeting"));
    v.put("userVectorsTopic", topics.get("userVectors"));
    v.put("groupId", prefix + "-job");
    v.put("transactionalIdPrefix", prefix);
    v.put("checkpointInterval", s.checkpointInterval().toString());
    v.put("checkpointMillis", Long.toString(s.checkpointInterval().toMillis()));
    v.put("base", s.base().toAbsolutePath().toString());
    v.put("promo", s.promo().toAbsolutePath().toString());
    return v;
  }

  /**
   * Waits until the job has consumed {@code target} input records and its output stopped changing. "Consumed" is
   * the offset the job's group committed (Flink commits on completed checkpoints, which is also when exactly-once
   * output becomes readable); a job that commits no offsets is judged by a quiet output alone.
   */
  private void awaitSettled(JobProcess proc, OutputMonitor monitor, String input, long target, String what) {
    long deadline = System.currentTimeMillis() + s.drainTimeout().toMillis();
    long lastCount = -1;
    long lastChange = System.currentTimeMillis();
    long lastPrint = 0;
    while (true) {
      Bench.sleep(1_000);
      if (!proc.isAlive()) {
        throw new IllegalStateException("the job exited with " + proc.exitValue() + " during " + what);
      }
      long now = System.currentTimeMillis();
      long count = monitor.records();
      if (count != lastCount) {
        lastCount = count;
        lastChange = now;
      }
      machineBusy.add(new double[] {now, ProcStats.machineBusySeconds()});
      long committed = committed(input);
      boolean consumed = committed >= target;
      long quietNeeded = committed < 0 ? s.quietMs() : 5_000;
      if (count > 0 && (consumed || committed < 0) && now - lastChange >= quietNeeded) {
        return;
      }
      if (now - lastPrint >= 10_000) {
        lastPrint = now;
        ProcessSampler.Sample x = proc.sampler.sampleNow();
        Bench.progress("%s: input committed by job %,d / %,d, output records %,d, job CPU %.0f s, RSS %.0f MB",
            what, committed, target, count, x == null ? Double.NaN : x.cpuSeconds(),
            x == null ? Double.NaN : x.rssBytes() / 1e6);
      }
      if (now > deadline) {
        throw new IllegalStateException(what + " timed out: committed " + committed + " of " + target
            + ", output " + count);
      }
    }
  }

  /** Sum of the job group's committed offsets on the input topic; -1 when it has none. */
  private long committed(String input) {
    try (Admin admin = broker.admin()) {
      Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(prefix + "-job")
          .partitionsToOffsetAndMetadata().get();
      long sum = 0;
      boolean any = false;
      for (var e : offsets.entrySet()) {
        if (e.getKey().topic().equals(input) && e.getValue() != null) {
          sum += e.getValue().offset();
          any = true;
        }
      }
      return any ? sum : -1;
    } catch (Exception e) {
      return -1;
    }
  }

  /** The drain of the events ingested in [prefillStart, prefillEnd] (the warm-up's before them excluded). */
  private Results.MaxRate maxRate(JobProcess proc, OutputMonitor monitor, long jobStart, long prefillStart,
                                  long prefillEnd, long events) {
    long from = s.warmupEvents() > 0 ? prefillStart : Long.MIN_VALUE;
    OutputMonitor.Slice sl = monitor.slice(t -> t >= from && t <= prefillEnd);
    double sec = Math.max(0.001, (sl.lastEmitMs() - sl.firstEmitMs()) / 1e3);
    double cpuStart = proc.sampler.cpuAt(sl.firstEmitMs());
    double cpu = proc.sampler.cpuAt(sl.lastEmitMs()) - cpuStart;
    drainStartMs = sl.firstEmitMs();
    drainEndMs = sl.lastEmitMs();
    return new Results.MaxRate(events, (sl.firstEmitMs() - jobStart) / 1e3, sec, events / sec, cpu,
        cpu / sec, events / cpu, sl.records(), sl.records() / sec, sl.freshnessP50Ms(), sl.freshnessP99Ms(),
        cpuStart);
  }

  /** Broker, machine and job CPU over the drain window (machine busy time is sampled once a second). */
  private Results.Cpu cpuAround(Results.MaxRate max) {
    double machine = interpolate(machineBusy, drainEndMs) - interpolate(machineBusy, drainStartMs);
    return new Results.Cpu(brokerSampler.cpuAt(drainEndMs) - brokerSampler.cpuAt(drainStartMs),
        brokerSampler.cpuAt(Long.MAX_VALUE), machine, max.cpuSeconds());
  }

  private static double interpolate(List<double[]> series, long atMs) {
    if (series.isEmpty()) {
      return Double.NaN;
    }
    double[] prev = series.get(0);
    for (double[] next : series) {
      if (next[0] >= atMs) {
        if (next[0] == prev[0] || atMs <= prev[0]) {
          return next[1];
        }
        return prev[1] + (atMs - prev[0]) / (next[0] - prev[0]) * (next[1] - prev[1]);
      }
      prev = next;
    }
    return prev[1];
  }

  /** Writes at {@code rate} for the phase length; returns {start ms, end ms, events sent}. */
  private long[] steadyPhase(JobProcess proc, String input, double rate, double fraction) {
    Bench.progress("steady %.0f%% of max: %,.0f events/s for %.0f s", fraction * 100, rate, s.phaseSeconds());
    String tag = prefix + "-steady" + Math.round(fraction * 100);
    try (EventProducer p = new EventProducer(broker.bootstrapServers(), input,
        new EventFactory(catalogue, s.coldShare(), s.unknownUserShare(), tag, s.seed() + Math.round(fraction * 1e3)))) {
      proc.sampler.sampleNow();
      long start = System.currentTimeMillis();
      machineBusy.add(new double[] {start, ProcStats.machineBusySeconds()});
      p.steady(rate, s.phaseSeconds());
      long end = System.currentTimeMillis();
      machineBusy.add(new double[] {end, ProcStats.machineBusySeconds()});
      proc.sampler.sampleNow();
      if (!proc.isAlive()) {
        throw new IllegalStateException("the job exited with " + proc.exitValue() + " during a steady phase");
      }
      return new long[] {start, end, p.sent.get()};
    }
  }

  private Results.Steady steadyResult(JobProcess proc, OutputMonitor monitor, double fraction, double rate,
                                      long[] w, long jobStart) {
    OutputMonitor.Slice sl = monitor.slice(t -> t >= w[0] && t <= w[1]);
    double sec = (w[1] - w[0]) / 1e3;
    double cpu = proc.sampler.cpuAt(w[1]) - proc.sampler.cpuAt(w[0]);
    List<ProcessSampler.Sample> mem = proc.sampler.between(w[0], w[1]);
    double min = mem.stream().mapToDouble(x -> x.rssBytes() / 1e6).min().orElse(Double.NaN);
    double maxRss = mem.stream().mapToDouble(x -> x.rssBytes() / 1e6).max().orElse(Double.NaN);
    double last = mem.isEmpty() ? Double.NaN : mem.get(mem.size() - 1).rssBytes() / 1e6;
    return new Results.Steady(fraction, (w[0] - jobStart) / 1e3, rate, w[2], sec, w[2] / sec, cpu, cpu / sec,
        w[2] / cpu, sl.records(), sl.records() / sec, sl.freshnessP50Ms(), sl.freshnessP99Ms(),
        sl.freshnessMaxMs(), min, maxRss, last, brokerSampler.cpuAt(w[1]) - brokerSampler.cpuAt(w[0]),
        interpolate(machineBusy, w[1]) - interpolate(machineBusy, w[0]), monitor.timeline(w[0], w[1] + 1, 5_000));
  }

  private static Results.Memory memory(JobProcess proc, long jobStart, long processingFromMs) {
    List<ProcessSampler.Sample> all = proc.sampler.samples();
    List<double[]> rss = new ArrayList<>();
    List<double[]> cpu = new ArrayList<>();
    for (ProcessSampler.Sample x : all) {
      double t = (x.atMs() - jobStart) / 1e3;
      rss.add(new double[] {t, x.rssBytes() / 1e6});
      cpu.add(new double[] {t, x.cpuSeconds()});
    }
    List<ProcessSampler.Sample> busy = all.stream().filter(x -> x.atMs() >= processingFromMs).toList();
    double min = busy.stream().mapToDouble(x -> x.rssBytes() / 1e6).min().orElse(Double.NaN);
    double max = busy.stream().mapToDouble(x -> x.rssBytes() / 1e6).max().orElse(Double.NaN);
    double last = busy.isEmpty() ? Double.NaN : busy.get(busy.size() - 1).rssBytes() / 1e6;
    return new Results.Memory(min, max, last, rss, cpu);
  }
}
