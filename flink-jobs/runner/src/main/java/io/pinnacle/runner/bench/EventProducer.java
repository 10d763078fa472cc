package io.pinnacle.runner.bench;

import io.pinnacle.runner.KafkaClientConfig;
import io.pinnacle.schema.InteractionEvent;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes generated events to the input topic, either as fast as the broker takes them (pre-fill) or at a fixed
 * rate (steady phases). The record timestamp is the send time: the job reports it back as lastIngestMs, which is
 * what freshness is measured from.
 *
 * <p>Every event is delivered or the run stops: at most {@link #MAX_IN_FLIGHT} records wait for the broker's
 * acknowledgement (the writer waits for room instead of filling the client's buffer, whose exhaustion used to fail
 * sends after 60 s under a pre-fill), sends get ten minutes to be acknowledged, and {@link #requireAllDelivered}
 * throws when any send was refused. A benchmark whose input depends on luck measures nothing.
 */
final class EventProducer implements AutoCloseable {
  /** Records waiting for an acknowledgement at most; 32 MB of the client's buffer at the events' size. */
  static final int MAX_IN_FLIGHT = 50_000;
  private static final int DELIVERY_TIMEOUT_MS = 600_000;

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final EventFactory events;
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
  private final AtomicReference<Exception> firstError = new AtomicReference<>();
  /** Acknowledged by the broker: what the job must account for. */
  final AtomicLong sent = new AtomicLong();
  /** Sends the broker refused (timed out, say): counted, and {@link #requireAllDelivered} fails the run. */
  final AtomicLong failed = new AtomicLong();
  private long attempted;

  EventProducer(String bootstrap, String topic, EventFactory events) {
    this(bootstrap, topic, events, DELIVERY_TIMEOUT_MS);
  }

  /** {@code timeoutMs}: how long a send may wait for metadata, buffer room and its acknowledgement. */
  EventProducer(String bootstrap, String topic, EventFactory events, int timeoutMs) {
    this.topic = topic;
    this.events = events;
    // One request in flight: a retried batch is then always the broker's next sequence. With five, a batch retried
    // after later ones were written was refused as out of order for ten minutes on end (seen in a benchmark pre-fill);
    // 256 kB batches keep one request enough for any rate the benchmark asks of the job.
    Map<String, Object> cfg = KafkaClientConfig.with(bootstrap, Map.of(
        ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5,
        ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
        ProducerConfig.BUFFER_MEMORY_CONFIG, 64L << 20,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeoutMs,
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(30_000, timeoutMs - 10),
        ProducerConfig.MAX_BLOCK_MS_CONFIG, (long) timeoutMs));
    this.producer = new KafkaProducer<>(cfg, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private void sendOne() {
    inFlight.acquireUninterruptibly();
    attempted++;
    long now = System.currentTimeMillis();
    InteractionEvent e = events.next(now);
    try {
      producer.send(new ProducerRecord<>(topic, null, now, EventFactory.itemKey(e.getItemId()), events.encode(e)),
          (meta, error) -> {
            inFlight.release();
            if (error == null) {
              sent.incrementAndGet();
            } else if (failed.getAndIncrement() == 0) {
              firstError.set(error);
              Bench.progress("a send failed (%s); the run will stop when this phase's sends are settled", error);
            }
          });
    } catch (RuntimeException ex) {
      inFlight.release();
      failed.incrementAndGet();
      firstError.compareAndSet(null, ex);
    }
  }

  /** Sends {@code n} events as fast as the broker takes them, then requires every one acknowledged. */
  void prefill(long n) {
    long step = Math.max(1, n / 10);
    for (long i = 0; i < n; i++) {
      sendOne();
      if ((i + 1) % step == 0) {
        Bench.progress("pre-fill %,d / %,d", i + 1, n);
      }
    }
    producer.flush();
    requireAllDelivered("pre-fill");
  }

  /**
   * Sends at {@code eventsPerSecond} for {@code seconds}: every millisecond it catches up with the schedule, so the
   * rate holds on average even when a send blocks for a moment. Stops early when the thread is interrupted; then
   * requires every sent event acknowledged.
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
    requireAllDelivered("steady phase");
  }

  /** Throws unless every send so far was acknowledged (call after a flush). */
  void requireAllDelivered(String phase) {
    long missing = attempted - sent.get();
    if (failed.get() > 0 || missing != 0) {
      throw new IllegalStateException(String.format("%s: %,d of %,d events were not acknowledged by the broker "
          + "(%,d refused; first error: %s); the benchmark stops rather than measure a job on input it did not get",
          phase, missing, attempted, failed.get(), firstError.get()));
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
