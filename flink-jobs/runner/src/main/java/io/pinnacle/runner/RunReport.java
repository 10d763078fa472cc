package io.pinnacle.runner;

import io.pinnacle.prequential.PrequentialEvaluation;
import io.pinnacle.prequential.PrequentialReport;
import io.pinnacle.prequential.PrequentialVerdict;
import io.pinnacle.report.HtmlReport;
import io.pinnacle.report.RetentionReport;
import io.pinnacle.retention.RetentionStats;
import io.pinnacle.targeting.TargetingStats;
import io.pinnacle.targeting.TargetingTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code pinnacle run} tells at the end: a verdict on one screen, every table in a Markdown file, and a
 * self-contained HTML report with charts (the stream over time, targeting and placement by bucket, live targeting,
 * retention against accumulated negatives) and the run's settings.
 */
final class RunReport {
  /** Everything the run measured. */
  record Inputs(String dataset, String splitDescription, StreamRun.Result stream, boolean userStage,
                String deliveryGuarantee, long checkpointSeconds, PrequentialEvaluation.Result prequential,
                TargetingStats liveTargeting, RetentionStats retention, Map<String, String> settings) {}

  /** Below this many events the run's events/s is mostly JIT and state start-up. */
  private static final long SHORT_REPLAY = 200_000;

  private final Inputs in;

  RunReport(Inputs in) {
    this.in = in;
  }

  /** The one-screen verdict. */
  List<String> verdict(Path html, Path tables) {
    StreamRun.Result r = in.stream();
    List<String> out = new ArrayList<>();
    out.add("Verdict, " + in.dataset() + ": " + in.splitDescription());
    String freshness = Double.isNaN(r.freshnessP50Ms()) ? "no update read"
        : String.format(Locale.ROOT, "p50 %,.0f ms, p99 %,.0f ms", r.freshnessP50Ms(), r.freshnessP99Ms());
    out.add(String.format(Locale.ROOT, "stream      %,d events processed at %,.0f events/s; %,d item updates; freshness "
        + "%s%s", r.received(), r.eventsPerSecond(), r.emitted(), freshness,
        in.deliveryGuarantee().equals("EXACTLY_ONCE") ? " (exactly-once: output is readable when its checkpoint "
            + "completes, every " + in.checkpointSeconds() + " s)" : ""));
    if (r.received() < SHORT_REPLAY) {
      out.add("            (a replay this short measures the job's start-up more than its speed: "
          + "./pinnacle stream-bench measures throughput)");
    }
    out.add(String.format(Locale.ROOT, "input       %,d dead letters, %,d duplicates dropped, %,d updateSeq errors%s",
        r.deadLettered(), r.duplicates(), r.sequenceErrors().size(), in.userStage()
            ? String.format(Locale.ROOT, "; %,d user vectors encoded, %,d events without one", r.userVectorsEncoded(),
                r.eventsWithoutUserVector()) : ""));
    out.addAll(PrequentialVerdict.lines(in.prequential().json()));
    TargetingStats live = in.liveTargeting();
    TargetingStats twin = in.prequential().liveEstimator();
    out.add(String.format(Locale.ROOT, "live        the job's own targeting estimate: NEW %s, COLD %s; the same "
        + "estimator on the offline replay: NEW %s, COLD %s", auc(live, 0), auc(live, 1), auc(twin, 0), auc(twin, 1)));
    out.add("retention   the job: " + retention(in.retention()));
    out.add("            offline twin: " + retention(in.prequential().retention()));
    out.add("report      " + html + "  (tables: " + tables + "; --tables prints them here)");
    return out;
  }

  private static String auc(TargetingStats s, int group) {
    long n = s.pairs(group);
    return n == 0 ? "- (0 pairs)" : String.format(Locale.ROOT, "%.3f (%,d pairs)", s.auc(group), n);
  }

  /** Retention by bucket up to the last bucket with evaluations: rate (evaluations). */
  static String retention(RetentionStats s) {
    int last = -1;
    for (int b = 0; b < RetentionStats.BUCKETS; b++) {
      if (s.memorized(b) + s.forgotten(b) > 0) {
        last = b;
      }
    }
    if (last < 0) {
      return String.format(Locale.ROOT, "no evaluations (%d pairs tracked, %d correct at t0)", s.trackedCount(),
          s.correctAtT0Count());
    }
    StringBuilder sb = new StringBuilder("pinnacle memory kept by negatives since t0:");
    for (int b = 0; b <= last; b++) {
      long n = s.memorized(b) + s.forgotten(b);
      sb.append(' ').append(RetentionStats.label(b)).append(' ')
          .append(n == 0 ? "-" : String.format(Locale.ROOT, "%.2f", s.rate(b))).append(" (").append(n).append(')');
      sb.append(b < last ? "," : "");
    }
    return sb.append(String.format(Locale.ROOT, "; %d pairs tracked, %d correct at t0", s.trackedCount(),
        s.correctAtT0Count())).toString();
  }

  /** Every table of the run as Markdown. */
  String markdown() {
    StringBuilder md = new StringBuilder("# pinnacle run, " + in.dataset() + "\n\n" + in.splitDescription() + "\n\n");
    md.append("## Prequential quality of this stream (each positive scored before it is applied)\n\n");
    md.append(in.prequential().markdown());
    md.append("\n## Live targeting: the job's estimator and the same estimator on the offline replay, AUC (pairs)\n\n");
    md.append(TargetingTable.of(liveSources()));
    md.append("\n## Pinnacle memory retention\n\n");
    md.append(RetentionReport.markdown(retentionSources()));
    return md.toString();
  }

  private Map<String, TargetingStats> liveSources() {
    Map<String, TargetingStats> sources = new LinkedHashMap<>();
    sources.put("job (live)", in.liveTargeting());
    sources.put("offline twin", in.prequential().liveEstimator());
    return sources;
  }

  private Map<String, RetentionStats> retentionSources() {
    Map<String, RetentionStats> sources = new LinkedHashMap<>();
    sources.put("job (live)", in.retention());
    sources.put("offline twin", in.prequential().retention());
    return sources;
  }

  HtmlReport html(List<String> verdict) {
    HtmlReport report = new HtmlReport("pinnacle run: " + in.dataset());
    report.heading("Verdict");
    report.preformatted(String.join("\n", verdict.subList(0, verdict.size() - 1)));
    in.stream().timeline().addTo(report);
    report.paragraph(String.format(Locale.ROOT, "State written to RocksDB: %,.0f bytes per cold item%s; %,d items "
        + "with embeddings.", in.stream().stateBytesPerColdItem(), in.userStage() ? String.format(Locale.ROOT,
        ", %,.0f bytes per user", in.stream().stateBytesPerUser()) : "", in.stream().latest().size()));
    PrequentialReport.addTo(report, in.prequential());
    report.heading("Live targeting and retention");
    PrequentialReport.addLiveTargeting(report, liveSources());
    RetentionReport.addTo(report, retentionSources(),
        "Pinnacle memory retention against accumulated negatives");
    report.setting("data", in.splitDescription());
    report.setting("delivery", in.deliveryGuarantee());
    report.setting("checkpoint interval", in.checkpointSeconds() + " s");
    report.setting("base model", in.prequential().json().get("baseModelVersion"));
    report.setting("PROMO artifact", in.prequential().json().get("promoVersion"));
    report.setting("java", System.getProperty("java.version"));
    report.setting("pinnacle", RunReport.class.getPackage().getImplementationVersion() == null ? "this build"
        : RunReport.class.getPackage().getImplementationVersion());
    in.settings().forEach(report::setting);
    return report;
  }

  /** Writes the Markdown tables and the HTML report; returns the verdict lines. */
  List<String> write(Path html, Path tables) throws IOException {
    List<String> verdict = verdict(html, tables);
    Files.createDirectories(tables.toAbsolutePath().getParent());
    Files.writeString(tables, markdown());
    html(verdict).write(html);
    return verdict;
  }
}
