package io.pinnacle.it;

import io.pinnacle.runner.EmbeddedKafka;
import java.nio.file.Path;

/** One real single-node broker for every integration test in this JVM (started on first use, stopped at exit). */
final class SharedKafka {
  private static EmbeddedKafka kafka;

  private SharedKafka() {}

  static synchronized EmbeddedKafka get() {
    if (kafka == null) {
      kafka = EmbeddedKafka.start(Path.of("target", "kafka-" + System.currentTimeMillis()));
      Runtime.getRuntime().addShutdownHook(new Thread(kafka::close));
    }
    return kafka;
  }
}
