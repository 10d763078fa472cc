package io.pinnacle.runner;

import io.pinnacle.job.kafka.AvroRecordSerializer;
import io.pinnacle.schema.InteractionEvent;
import io.pinnacle.schema.ItemFeatures;
import io.pinnacle.schema.codec.AvroValueCodec;
import io.pinnacle.schema.codec.Codecs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends events to the input topic in the given (event-time) order, as fast as possible or at a fixed rate, and when
 * given a catalog, each item's content features to the catalog topic before its first event.
 */
public final class ReplayProducer {
  private final String bootstrap;
  private final String topic;
  final AtomicLong sent = new AtomicLong();
  final AtomicLong catalogSent = new AtomicLong();
  private String catalogTopic;
  private Map<Long, int[]> catalog = Map.of();
  private List<byte[]> rawCatalogValues = List.of();

  public long sent() {
    return sent.get();
  }

  /** Catalog entries sent (not counted in {@link #sent}). */
  public long catalogSent() {
    return catalogSent.get();
  }

  public ReplayProducer(String bootstrap, String topic) {
    this.bootstrap = bootstrap;
    this.topic = topic;
  }

  /**
   * Also describes items in the catalog topic, as a catalog service would: an item's features are sent just before
   * its first event (items without features are not described).
   */
  public ReplayProducer withCatalog(String catalogTopic, Map<Long, int[]> features) {
    this.catalogTopic = catalogTopic;
    this.catalog = features;
    return this;
  }

  /** Raw values (for example deliberately broken ones) sent to the catalog topic after the events. */
  public ReplayProducer withRawCatalogValues(List<byte[]> values) {
    this.rawCatalogValues = values;
    return this;
  }

  /** Extra raw values (for example deliberately broken ones) are sent after the events. */
  public void replay(List<InteractionEvent> events, List<byte[]> extraRawValues, double eventsPerSecond) {
    AvroValueCodec<InteractionEvent> codec = Codecs.interactionEvent();
    AvroValueCodec<ItemFeatures> catalogCodec = Codecs.itemFeatures();
    Set<Long> described = new HashSet<>();
    Map<String, Object> cfg = KafkaClientConfig.with(bootstrap, Map.of(
        ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5,
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true));
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
        int[] features = catalog.get(e.getItemId());
        if (features != null && described.add(e.getItemId())) {
          List<Integer> ids = new ArrayList<>(features.length);
          for (int f : features) {
            ids.add(f);
          }
          p.send(new ProducerRecord<>(catalogTopic, null, System.currentTimeMillis(),
              AvroRecordSerializer.itemKey(e.getItemId()),
              catalogCodec.encode(new ItemFeatures(e.getItemId(), ids, e.getEventTimeMs(), "replay"))));
          catalogSent.incrementAndGet();
        }
        p.send(new ProducerRecord<>(topic, null, System.currentTimeMillis(),
            AvroRecordSerializer.itemKey(e.getItemId()), codec.encode(e)));
        sent.incrementAndGet();
      }
      for (byte[] raw : extraRawValues) {
        p.send(new ProducerRecord<>(topic, null, System.currentTimeMillis(), null, raw));
        sent.incrementAndGet();
      }
      for (byte[] raw : rawCatalogValues) {
        // The catalog topic is compacted, and a compacted topic refuses records without a key.
        byte[] key = ("raw-" + catalogSent.get()).getBytes(StandardCharsets.UTF_8);
        p.send(new ProducerRecord<>(catalogTopic, null, System.currentTimeMillis(), key, raw));
        catalogSent.incrementAndGet();
      }
      p.flush();
    }
  }
}
