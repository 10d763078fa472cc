package io.pinnacle.runner;

import io.pinnacle.schema.ItemEmbedding;
import io.pinnacle.schema.codec.AvroValueCodec;
import io.pinnacle.schema.codec.Codecs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the embeddings topic as a consumer would (read_committed), keeps the latest embedding per item, checks that
 * every item's updateSeq only increases (a repeat or a step back is an error), and measures freshness: the time from an
 * update's newest event reaching Kafka to the update being readable.
 */
public final class EmbeddingMonitor implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final AvroValueCodec<ItemEmbedding> codec = Codecs.itemEmbedding();
  private final Map<Long, ItemEmbedding> latest = new HashMap<>();
  private final List<String> sequenceErrors = new ArrayList<>();
  private final List<String> countErrors = new ArrayList<>();
  private final List<Long> freshnessMs = new ArrayList<>();
  private long records;
  private long mark;

  public EmbeddingMonitor(String bootstrap, String topic) {
    Properties p = KafkaClientConfig.properties(bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "pinnacle-monitor-" + System.nanoTime());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(Collections.singletonList(topic));
  }

  public int poll(Duration timeout) {
    int n = 0;
    long now = System.currentTimeMillis();
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
      ItemEmbedding e;
      try {
        e = codec.decode(r.value());
      } catch (java.io.IOException ex) {
        sequenceErrors.add("undecodable embedding at offset " + r.offset());
        continue;
      }
      ItemEmbedding prev = latest.get(e.getItemId());
      if (prev != null && e.getUpdateSeq() <= prev.getUpdateSeq()) {
        sequenceErrors.add("item " + e.getItemId() + ": updateSeq " + e.getUpdateSeq() + " after "
            + (prev == null ? "nothing" : prev.getUpdateSeq()));
      }
      if (prev != null && continuesState(prev, e) && e.getPositiveCount() + e.getNegativeCount()
          < prev.getPositiveCount() + prev.getNegativeCount()) {
        countErrors.add("item " + e.getItemId() + ": " + (e.getPositiveCount() + e.getNegativeCount())
            + " events after " + (prev.getPositiveCount() + prev.getNegativeCount()));
      }
      latest.put(e.getItemId(), e);
      if (e.getLastIngestMs() != null && e.getLastIngestMs() > 0) {
        freshnessMs.add(now - e.getLastIngestMs());
      }
      records++;
      n++;
    }
    return n;
  }

  /** Reads until nothing new has arrived for {@code quiet}. */
  public void pollUntilQuiet(Duration quiet) {
    long last = System.currentTimeMillis();
    long seen = -1;
    while (System.currentTimeMillis() - last < quiet.toMillis()) {
      poll(Duration.ofMillis(500));
      if (records != seen) {
        seen = records;
        last = System.currentTimeMillis();
      }
    }
  }

  public long records() {
    return records;
  }

  /** Starts counting anew (a new job run emits from zero). */
  public void mark() {
    mark = records;
  }

  public long recordsSinceMark() {
    return records - mark;
  }

  public Map<Long, ItemEmbedding> latest() {
    return latest;
  }

  /**
   * Items whose event count went down from one committed update to the next of the same state: state rolled back
   * behind output already committed (never with exactly-once delivery; at-least-once may repeat work after a
   * failure). An item that went idle past its TTL starts a new state, whose first update takes the clock as its
   * updateSeq: that jump, and the counts starting again, are expiry, not loss.
   */
  public List<String> countErrors() {
    return List.copyOf(countErrors);
  }

  /** True when {@code next} is the update after {@code prev} of one state (its updateSeq is the next number). */
  static boolean continuesState(ItemEmbedding prev, ItemEmbedding next) {
    return next.getUpdateSeq() == prev.getUpdateSeq() + 1;
  }

  public List<String> sequenceErrors() {
    return sequenceErrors;
  }

  /** Freshness of the updates read after the first {@code from} (in the order read). */
  public List<Long> freshnessSince(int from) {
    return List.copyOf(freshnessMs.subList(Math.min(from, freshnessMs.size()), freshnessMs.size()));
  }

  /** Freshness percentile in ms (q in [0, 1]); NaN when nothing was seen. */
  public double freshnessPercentile(double q) {
    if (freshnessMs.isEmpty()) {
      return Double.NaN;
    }
    List<Long> s = new ArrayList<>(freshnessMs);
    Collections.sort(s);
    return s.get((int) Math.min(s.size() - 1, Math.floor(q * s.size())));
  }

  @Override
  public void close() {
    consumer.close();
  }
}
