package io.pinnacle.runner;

import io.pinnacle.job.kafka.AvroRecordSerializer;
import io.pinnacle.schema.InteractionEvent;
import io.pinnacle.schema.codec.AvroValueCodec;
import io.pinnacle.schema.codec.Codecs;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Sends events to the input topic in the given (event-time) order, as fast as possible or at a fixed rate. */
public final class ReplayProducer {
  private final String bootstrap;
  private final String topic;
  final AtomicLong sent = new AtomicLong();

  public long sent() {
    return sent.get();
  }

  public ReplayProducer(String bootstrap, String topic) {
    this.bootstrap = bootstrap;
    this.topic = topic;
  }

  /** Extra raw values (for example deliberately broken ones) are sent after the events. */
  public void replay(List<InteractionEvent> events, List<byte[]> extraRawValues, double eventsPerSecond) {
    AvroValueCodec<InteractionEvent> codec = Codecs.interactionEvent();
    Map<String, Object> cfg = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5,
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    long start = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(cfg, new ByteArraySerializer(),
        new ByteArraySerializer())) {
      for (InteractionEvent e : events) {
        if (eventsPerSecond > 0) {
          long due = start + (long) (sent.get() / eventsPerSecond * 1e9);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            try {
              Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException ie) {
              Thread.currentThread().interrupt();
              return;
            }
          }
        }
        p.send(new ProducerRecord<>(topic, null, System.currentTimeMillis(),
            AvroRecordSerializer.itemKey(e.getItemId()), codec.encode(e)));
        sent.incrementAndGet();
      }
      for (byte[] raw : extraRawValues) {
        p.send(new ProducerRecord<>(topic, null, System.currentTimeMillis(), null, raw));
        sent.incrementAndGet();
      }
      p.flush();
    }
  }
}
