package io.pinnacle.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pinnacle.report.RetentionReport;
import io.pinnacle.retention.RetentionStats;
import io.pinnacle.schema.PinnacleRetention;
import io.pinnacle.schema.PinnacleTargeting;
import io.pinnacle.schema.codec.Codecs;
import io.pinnacle.targeting.TargetingStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Chart and table of retention by accumulated negatives, from a JSON summary or from the retention topic. */
@Command(name = "retention-report", mixinStandardHelpOptions = true,
    description = "Writes <out>.png (bar chart like the paper's Fig. 5) and <out>.md from a JSON file or the topic.")
public final class RetentionReportCommand implements Callable<Integer> {
  @Option(names = "--json", description = "a retention JSON (retention-compare output or a run summary)")
  Path json;

  @Option(names = "--bootstrap", description = "Kafka bootstrap servers, to read the topic instead")
  String bootstrap;

  @Option(names = "--topic", defaultValue = "pinnacle-retention")
  String topic;

  @Option(names = "--out", defaultValue = "target/retention/retention-report", description = "path without extension")
  Path out;

  @Override
  public Integer call() throws Exception {
    Map<String, RetentionStats> series = json != null ? fromJson(json) : fromTopic(bootstrap, topic);
    if (series.isEmpty()) {
      throw new IllegalArgumentException("no retention data found (pass --json FILE or --bootstrap HOST:PORT)");
    }
    return write(series, "Pinnacle memory retention", out);
  }

  public static int write(Map<String, RetentionStats> series, String title, Path out) throws Exception {
    Path png = Path.of(out + ".png");
    RetentionReport.png(series, title, png);
    String md = RetentionReport.markdown(series);
    Files.writeString(Path.of(out + ".md"), md);
    System.out.print(md);
    System.out.println("chart written to " + png);
    return 0;
  }

  @SuppressWarnings("unchecked")
  static Map<String, RetentionStats> fromJson(Path file) throws Exception {
    Map<String, Object> root = new ObjectMapper().readValue(file.toFile(), Map.class);
    Object s = root.containsKey("retention") ? ((Map<String, Object>) root.get("retention")).get("series")
        : root.get("series");
    if (s == null) {
      throw new IllegalArgumentException(file + " has no retention series");
    }
    Map<String, RetentionStats> out = new LinkedHashMap<>();
    ((Map<String, Object>) s).forEach((k, v) -> out.put(k, RetentionStats.fromMap((Map<String, Object>) v)));
    return out;
  }

  /** Sums every PinnacleRetention report in the topic per model. */
  public static Map<String, RetentionStats> fromTopic(String bootstrap, String topic) throws Exception {
    if (bootstrap == null) {
      throw new IllegalArgumentException("pass --json FILE or --bootstrap HOST:PORT");
    }
    Map<String, RetentionStats> out = new LinkedHashMap<>();
    var codec = Codecs.pinnacleRetention();
    for (byte[] value : readCommitted(bootstrap, topic)) {
      PinnacleRetention rep = codec.decode(value);
      out.computeIfAbsent(rep.getModel().toString(), k -> new RetentionStats()).add(RetentionStats.of(rep));
    }
    return out;
  }

  /** The live targeting reports of a topic, summed over windows (one entry per model). */
  public static Map<String, TargetingStats> targetingFromTopic(String bootstrap, String topic) throws Exception {
    Map<String, List<PinnacleTargeting>> byModel = new LinkedHashMap<>();
    var codec = Codecs.pinnacleTargeting();
    for (byte[] value : readCommitted(bootstrap, topic)) {
      PinnacleTargeting rep = codec.decode(value);
      byModel.computeIfAbsent(rep.getModel().toString(), k -> new ArrayList<>()).add(rep);
    }
    Map<String, TargetingStats> out = new LinkedHashMap<>();
    byModel.forEach((model, reports) -> out.put(model, TargetingStats.of(reports)));
    return out;
  }

  /** Every committed value of a topic from its start, until nothing arrives for a few polls. */
  private static List<byte[]> readCommitted(String bootstrap, String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "report-reader-" + System.nanoTime());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<byte[]> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      c.subscribe(List.of(topic));
      int empty = 0;
      while (empty < 5) {
        var records = c.poll(Duration.ofMillis(500));
        empty = records.isEmpty() ? empty + 1 : 0;
        for (ConsumerRecord<byte[], byte[]> r : records) {
          out.add(r.value());
        }
      }
    }
    return out;
  }
}
