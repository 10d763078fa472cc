package io.pinnacle.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pinnacle.job.config.PinnacleOptions;
import io.pinnacle.job.kafka.Topics;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/**
 * The deployment files as written work with this build (no Kubernetes here, so they are checked, not applied): the
 * FlinkDeployment has what the operator and the job need, every pinnacle.* key in it is an option the job reads,
 * the topic script creates exactly the declared topics, and the Prometheus and Grafana files parse and agree.
 */
class DeploymentTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Path deploy() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("deploy").resolve("flink"))) {
        return p.resolve("deploy");
      }
    }
    throw new IllegalStateException("no deploy/ above " + Path.of("").toAbsolutePath());
  }

  private static Set<String> pinnacleKeys() throws IllegalAccessException {
    Set<String> keys = new HashSet<>();
    for (Field f : PinnacleOptions.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && ConfigOption.class.isAssignableFrom(f.getType())) {
        keys.add(((ConfigOption<?>) f.get(null)).key());
      }
    }
    return keys;
  }

  @Test
  void theFlinkDeploymentHasWhatTheOperatorAndTheJobNeed() throws Exception {
    JsonNode d = YAML.readTree(deploy().resolve("flink").resolve("pinnacle-updater.yaml").toFile());
    assertEquals("flink.apache.org/v1beta1", d.path("apiVersion").asText());
    assertEquals("FlinkDeployment", d.path("kind").asText());
    JsonNode spec = d.path("spec");
    assertEquals("v2_2", spec.path("flinkVersion").asText());
    assertEquals("io.pinnacle.job.PinnacleJob", spec.path("job").path("entryClass").asText());
    assertTrue(spec.path("job").path("jarURI").asText().endsWith(".jar"));
    Map<String, String> conf = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = spec.path("flinkConfiguration").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      conf.put(e.getKey(), e.getValue().asText());
    }
    // The operator refuses savepoint upgrades without a savepoint directory; HA keeps state over a JobManager loss.
    assertEquals("savepoint", spec.path("job").path("upgradeMode").asText());
    assertFalse(conf.getOrDefault("execution.checkpointing.savepoint-dir", "").isBlank());
    assertFalse(conf.getOrDefault("execution.checkpointing.dir", "").isBlank());
    assertEquals("kubernetes", conf.get("high-availability.type"));
    assertFalse(conf.getOrDefault("high-availability.storageDir", "").isBlank());
    assertEquals("rocksdb", conf.get("state.backend.type"));
    assertNotNull(conf.get("taskmanager.memory.task.off-heap.size"), "PyTorch's native memory is budgeted");
    assertEquals("org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
        conf.get("metrics.reporter.prom.factory.class"));
    assertTrue(conf.getOrDefault("env.java.opts.taskmanager", "").contains("--add-modules=jdk.incubator.vector"),
        "the closed-form tuner's vector kernels");
    Set<String> known = pinnacleKeys();
    for (String key : conf.keySet()) {
      if (key.startsWith("pinnacle.") && !key.startsWith("pinnacle.kafka.properties.")) {
        assertTrue(known.contains(key), key + " is not an option the job reads");
      }
    }
    Configuration job = new Configuration();
    conf.forEach(job::setString);
    assertFalse(job.get(PinnacleOptions.BOOTSTRAP_SERVERS).isBlank());
  }

  @Test
  void theTopicScriptCreatesExactlyTheDeclaredTopics() throws Exception {
    String script = Files.readString(deploy().resolve("kafka").resolve("create-topics.sh"));
    Map<String, String> created = new LinkedHashMap<>();
    for (String command : script.split("(?m)^kafka-topics\\.sh")) {
      Matcher m = Pattern.compile("--topic\\s+(\\S+)").matcher(command);
      if (m.find()) {
        created.put(m.group(1), command);
      }
    }
    Topics declared = Topics.of(new Configuration());
    assertEquals(new HashSet<>(declared.all()), created.keySet(), "create-topics.sh and Topics list the same topics");
    for (String topic : declared.compacted()) {
      assertTrue(created.get(topic).contains("cleanup.policy=compact"), topic + " is compacted");
    }
    for (String topic : declared.plain()) {
      assertFalse(created.get(topic).contains("cleanup.policy=compact"), topic + " is not compacted");
    }
  }

  @Test
  void prometheusScrapesTheReporterPortAndTheDashboardReadsTheJobsMetrics() throws Exception {
    JsonNode prom = YAML.readTree(deploy().resolve("prometheus").resolve("prometheus.yml").toFile());
    assertTrue(prom.path("scrape_configs").size() > 0);
    assertTrue(prom.toString().contains("9249"), "the reporter's port (metrics.reporter.prom.port)");

    JsonNode dash = JSON.readTree(deploy().resolve("grafana").resolve("pinnacle-updater.json").toFile());
    List<String> exprs = new ArrayList<>();
    for (JsonNode panel : dash.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        exprs.add(target.path("expr").asText());
      }
    }
    assertTrue(exprs.size() >= 10);
    String all = String.join("\n", exprs);
    for (String needed : List.of("pinnacle_latency_freshness_ms", "pinnacle_retention_rate_negatives",
        "pinnacle_targeting_", "deadLettered", "itemUpdates", "received")) {
      assertTrue(all.contains(needed), "the dashboard shows " + needed);
    }
  }
}
