package io.pinnacle.runner.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and resident memory of one process from /proc (Linux): utime + stime of all its threads, in seconds,
 * and VmRSS. Children are not included; the benchmark only counts the pid it started.
 */
final class ProcStats {
  private static final double TICKS_PER_SECOND = clockTicks();

  private ProcStats() {}

  /** One reading; null once the process is gone. */
  record Reading(double cpuSeconds, long rssBytes) {}

  static Reading read(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name may contain spaces and parentheses: fields are counted from the last ')'.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime (field 14), stime (field 15)
      long rssKb = 0;
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          rssKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
      return new Reading(ticks / TICKS_PER_SECOND, rssKb * 1024);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** CPU seconds the whole machine spent busy since boot (all cores; /proc/stat minus idle and iowait). */
  static double machineBusySeconds() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        if (i != 4 && i != 5) { // idle, iowait
          busy += Long.parseLong(f[i]);
        }
      }
      return busy / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  private static double clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      return Double.parseDouble(out);
    } catch (IOException | RuntimeException e) {
      return 100.0; // the usual Linux USER_HZ
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100.0;
    }
  }
}
