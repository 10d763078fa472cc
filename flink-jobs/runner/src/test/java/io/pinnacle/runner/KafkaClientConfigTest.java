package io.pinnacle.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientConfigTest {
  @TempDir
  Path dir;

  @Test
  void toolsTakeTheJobsKafkaPropertiesFromTheClusterConfiguration() throws Exception {
    Files.writeString(dir.resolve("config.yaml"), """
        pinnacle.kafka.bootstrap-servers: elsewhere:9092
        pinnacle.kafka.properties.security.protocol: SASL_SSL
        pinnacle.kafka.properties.sasl.jaas.config: 'org.apache.kafka.common.security.scram.ScramLoginModule required username="pinnacle" password="${file:/run/secrets/pinnacle.secret:password}";'
        pinnacle.kafka.properties.config.providers: file
        taskmanager.numberOfTaskSlots: 2
        """);
    assertEquals(1, KafkaClientConfig.properties("localhost:9092").size(), "nothing loaded: the address alone");
    KafkaClientConfig.loadClusterConfiguration(dir.toString());
    Properties p;
    try {
      p = KafkaClientConfig.properties("localhost:9192");
    } finally {
      KafkaClientConfig.loadClusterConfiguration(null);
    }
    assertEquals("localhost:9192", p.get("bootstrap.servers"), "the tool's own address wins");
    assertEquals("SASL_SSL", p.get("security.protocol"));
    assertEquals("file", p.get("config.providers"));
    assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"pinnacle\" "
        + "password=\"${file:/run/secrets/pinnacle.secret:password}\";", p.get("sasl.jaas.config"),
        "the reference travels unresolved: the client resolves it");
    assertFalse(p.containsKey("taskmanager.numberOfTaskSlots"), "only Kafka client properties");
    assertEquals(0, KafkaClientConfig.fromConfiguration(" ").size());
  }
}
