package io.pinnacle.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pinnacle.cli.RetentionReportCommand;
import io.pinnacle.data.SyntheticStream;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.retention.RetentionStats;
import io.pinnacle.runner.EmbeddedKafka;
import io.pinnacle.runner.EmbeddingMonitor;
import io.pinnacle.runner.ReplayProducer;
import io.pinnacle.runner.StreamRun;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;

/**
 * The job with Flink's Prometheus reporter on a free port: the retention gauges and counters scraped over HTTP
 * agree with the retention reports the job published to its topic.
 */
class RetentionMetricsITCase {

  @Test
  void retentionGaugesAreScrapedWithTheExpectedValues() throws Exception {
    LeaveOneOutSplit split = LeaveOneOutSplit.of(SyntheticStream.generate(SyntheticStream.Config.tiny()));
    Path work = Path.of("target", "it-prometheus-" + System.currentTimeMillis());
    ItFixtures.artifacts(split, work);
    EmbeddedKafka kafka = SharedKafka.get();
    Configuration config = ItFixtures.config("prom", kafka, work, "synthetic", Map.of(
        "pinnacle.tuning.batch-size", "16", "pinnacle.tuning.max-delay", "200 ms",
        "pinnacle.retention.sample-rate", "1.0", "pinnacle.retention.window", "1 s"));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    JobClient job = StreamRun.start(config, work.resolve("flink"), StreamRun.prometheus(port));
    try (EmbeddingMonitor monitor = new EmbeddingMonitor(kafka.bootstrapServers(), "prom-item-embeddings")) {
      ReplayProducer producer = new ReplayProducer(kafka.bootstrapServers(), "prom-interactions");
      Thread replay = new Thread(() -> producer.replay(split.trainingEvents, List.of(), 0));
      replay.start();
      StreamRun.awaitQuiet(job, monitor, config, replay, producer, split.trainingEvents.size(), false,
          System.nanoTime(), Duration.ofMinutes(5));
      Thread.sleep(4_000); // the last window report and the checkpoint that commits it

      Map<String, Double> metrics = scrape(port, "pinnacle_retention_");
      assertTrue(metrics.containsKey("tracked"), "retention metrics exported: " + metrics.keySet());
      Map<String, RetentionStats> fromTopic = RetentionReportCommand.fromTopic(kafka.bootstrapServers(),
          "prom-retention");
      RetentionStats topic = fromTopic.get("promo");
      assertTrue(topic != null && topic.trackedCount() > 20, "reports on the topic: " + fromTopic.keySet());
      assertEquals(topic.trackedCount(), metrics.get("tracked"), 0.0);
      assertEquals(topic.correctAtT0Count(), metrics.get("correct_at_t0"), 0.0);
      assertEquals(topic.memorizedTotal(), metrics.get("memorized"), 0.0);
      assertEquals(topic.forgottenTotal(), metrics.get("forgotten"), 0.0);
      assertTrue(topic.memorized(0) + topic.forgotten(0) > 0);
      assertEquals(topic.rate(0), metrics.get("rate_negatives_0_9"), 1e-9);

      // The job's own latency histograms, exported as summaries.
      Map<String, Double> latency = scrape(port, "pinnacle_latency_");
      assertTrue(latency.getOrDefault("freshness_ms_count", 0.0) > 20, "freshness per emitted update: " + latency);
      assertTrue(latency.getOrDefault("tuning_ms_count", 0.0) > 0, "tuning time per micro-batch: " + latency);
      assertTrue(latency.containsKey("freshness_ms") && latency.get("freshness_ms") >= 0, "quantiles exported");

      // Every series the Grafana dashboard plots is one this job exports.
      String body = scrapeBody(port);
      Path dashboard = Path.of("..", "deploy", "grafana", "pinnacle-updater.json");
      Matcher m = Pattern.compile("flink_[A-Za-z0-9_]+").matcher(Files.readString(dashboard));
      int names = 0;
      while (m.find()) {
        assertTrue(body.contains(m.group() + "{") || body.contains(m.group() + " "),
            m.group() + " (deploy/grafana) is not exported");
        names++;
      }
      assertTrue(names > 10);
    } finally {
      job.cancel().get();
    }
  }

  private static String scrapeBody(int port) throws Exception {
    String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
        + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    Files.writeString(Path.of("target", "prometheus-scrape.txt"), body);
    return body;
  }

  /** The metrics whose name contains {@code prefix}, by the rest of their name (summed over subtasks and labels). */
  private static Map<String, Double> scrape(int port, String prefix) throws Exception {
    String body = scrapeBody(port);
    Map<String, Double> out = new HashMap<>();
    for (String line : body.split("\n")) {
      int at = line.indexOf(prefix);
      if (line.startsWith("#") || at < 0) {
        continue;
      }
      String name = line.substring(at + prefix.length());
      int end = 0;
      while (end < name.length() && (Character.isLetterOrDigit(name.charAt(end)) || name.charAt(end) == '_')) {
        end++;
      }
      name = name.substring(0, end);
      double v = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      if (Double.isFinite(v)) {
        out.merge(name, v, Double::sum);
      }
    }
    return out;
  }
}
