package io.pinnacle.runner.bench;

import io.pinnacle.schema.InteractionEvent;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes generated events to the input topic, either as fast as the broker takes them (pre-fill) or at a fixed
 * rate (steady phases). The record timestamp is the send time: the job reports it back as lastIngestMs, which is
 * what freshness is measured from.
 */
final class EventProducer implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final EventFactory events;
  /** Acknowledged by the broker: what the job must account for. */
  final AtomicLong sent = new AtomicLong();
  /** Sends the broker refused (timed out, say): counted and reported, never silently expected downstream. */
  final AtomicLong failed = new AtomicLong();

  EventProducer(String bootstrap, String topic, EventFactory events) {
    this.topic = topic;
    this.events = events;
    Map<String, Object> cfg = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5,
        ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    this.producer = new KafkaProducer<>(cfg, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private void sendOne() {
    long now = System.currentTimeMillis();
    InteractionEvent e = events.next(now);
    producer.send(new ProducerRecord<>(topic, null, now, EventFactory.itemKey(e.getItemId()), events.encode(e)),
        (meta, error) -> {
          if (error == null) {
            sent.incrementAndGet();
          } else if (failed.getAndIncrement() == 0) {
            Bench.progress("a send failed (%s); failed sends are left out of the totals", error);
          }
        });
  }

  /** Sends {@code n} events as fast as possible and waits until the broker acknowledged all of them. */
  void prefill(long n) {
    long step = Math.max(1, n / 10);
    for (long i = 0; i < n; i++) {
      sendOne();
      if ((i + 1) % step == 0) {
        Bench.progress("pre-fill %,d / %,d", i + 1, n);
      }
    }
    producer.flush();
  }

  /**
   * Sends at {@code eventsPerSecond} for {@code seconds}: every millisecond it catches up with the schedule, so the
   * rate holds on average even when a send blocks for a moment. Stops early when the thread is interrupted.
   */
  void steady(double eventsPerSecond, double seconds) {
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long mine = 0;
    while (!Thread.currentThread().isInterrupted()) {
      long now = System.nanoTime();
      if (now >= end) {
        break;
      }
      long due = (long) ((now - start) / 1e9 * eventsPerSecond);
      while (mine < due) {
        sendOne();
        mine++;
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    producer.flush();
  }

  @Override
  public void close() {
    producer.close();
  }
}
