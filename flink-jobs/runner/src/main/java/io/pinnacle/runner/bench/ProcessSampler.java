package io.pinnacle.runner.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Samples a process's CPU time and RSS at a fixed period on a daemon thread, so phases can later ask "how much CPU
 * between t1 and t2" (linear interpolation between samples) and "what was the RSS meanwhile".
 */
final class ProcessSampler implements AutoCloseable {
  /** One sample: wall clock (epoch ms), cumulative CPU seconds, resident bytes. */
  record Sample(long atMs, double cpuSeconds, long rssBytes) {}

  private final long pid;
  private final List<Sample> samples = new ArrayList<>();
  private final Thread thread;

  ProcessSampler(long pid, long periodMs) {
    this.pid = pid;
    this.thread = new Thread(() -> loop(periodMs), "sampler-" + pid);
    thread.setDaemon(true);
    thread.start();
  }

  private void loop(long periodMs) {
    while (!Thread.currentThread().isInterrupted()) {
      sampleNow();
      try {
        Thread.sleep(periodMs);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Takes a sample right now (also used at phase boundaries for exact readings). */
  Sample sampleNow() {
    ProcStats.Reading r = ProcStats.read(pid);
    if (r == null) {
      return null;
    }
    Sample s = new Sample(System.currentTimeMillis(), r.cpuSeconds(), r.rssBytes());
    synchronized (samples) {
      samples.add(s);
    }
    return s;
  }

  List<Sample> samples() {
    synchronized (samples) {
      return List.copyOf(samples);
    }
  }

  /** Cumulative CPU seconds at {@code atMs}, interpolated between the surrounding samples. */
  double cpuAt(long atMs) {
    List<Sample> s = samples();
    if (s.isEmpty()) {
      return Double.NaN;
    }
    Sample prev = s.get(0);
    if (atMs <= prev.atMs()) {
      return prev.cpuSeconds();
    }
    for (Sample next : s) {
      if (next.atMs() >= atMs) {
        double f = next.atMs() == prev.atMs() ? 1.0 : (atMs - prev.atMs()) / (double) (next.atMs() - prev.atMs());
        return prev.cpuSeconds() + f * (next.cpuSeconds() - prev.cpuSeconds());
      }
      prev = next;
    }
    return prev.cpuSeconds();
  }

  /** Samples taken in [fromMs, toMs]. */
  List<Sample> between(long fromMs, long toMs) {
    return samples().stream().filter(x -> x.atMs() >= fromMs && x.atMs() <= toMs).toList();
  }

  @Override
  public void close() {
    thread.interrupt();
  }
}
