package io.pinnacle.runner.bench;

import io.pinnacle.runner.KafkaClientConfig;
import io.pinnacle.schema.ItemEmbedding;
import io.pinnacle.schema.codec.AvroValueCodec;
import io.pinnacle.schema.codec.Codecs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.LongPredicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows the embeddings topic as a serving consumer would (read_committed, so exactly-once output shows up only
 * when its transaction commits) on a thread of its own. Per record it keeps the receive time, the job's
 * lastIngestMs (when the newest event behind the update reached Kafka) and emittedAtMs; freshness = receive -
 * lastIngest. Per item, updateSeq must strictly increase (gaps are allowed, repeats and regressions are not).
 */
final class OutputMonitor implements AutoCloseable {
  private static final int MAX_EXAMPLES = 20;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final AvroValueCodec<ItemEmbedding> codec = Codecs.itemEmbedding();
  private final Map<Long, Long> lastSeq = new HashMap<>();
  private final List<String> sequenceExamples = new ArrayList<>();
  private final Thread thread;
  private long[] receivedMs = new long[1 << 16];
  private long[] ingestMs = new long[1 << 16];
  private long[] emittedMs = new long[1 << 16];
  private int size;
  private long sequenceErrors;
  private long undecodable;
  private volatile boolean running = true;

  OutputMonitor(String bootstrap, String topic, int partitions) {
    Properties p = KafkaClientConfig.properties(bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> tps = new ArrayList<>();
    for (int i = 0; i < partitions; i++) {
      tps.add(new TopicPartition(topic, i));
    }
    consumer.assign(tps);
    consumer.seekToBeginning(tps);
    thread = new Thread(this::loop, "output-monitor");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      var records = consumer.poll(Duration.ofMillis(100));
      long now = System.currentTimeMillis();
      synchronized (this) {
        for (ConsumerRecord<byte[], byte[]> r : records) {
          accept(r, now);
        }
      }
    }
    consumer.close();
  }

  private void accept(ConsumerRecord<byte[], byte[]> r, long now) {
    ItemEmbedding e;
    try {
      e = codec.decode(r.value());
    } catch (java.io.IOException | RuntimeException ex) {
      undecodable++;
      return;
    }
    Long prev = lastSeq.put(e.getItemId(), e.getUpdateSeq());
    if (prev != null && e.getUpdateSeq() <= prev) {
      sequenceErrors++;
      if (sequenceExamples.size() < MAX_EXAMPLES) {
        sequenceExamples.add("item " + e.getItemId() + ": updateSeq " + e.getUpdateSeq() + " after " + prev);
      }
    }
    if (size == receivedMs.length) {
      receivedMs = Arrays.copyOf(receivedMs, size * 2);
      ingestMs = Arrays.copyOf(ingestMs, size * 2);
      emittedMs = Arrays.copyOf(emittedMs, size * 2);
    }
    receivedMs[size] = now;
    ingestMs[size] = e.getLastIngestMs() == null ? -1 : e.getLastIngestMs();
    emittedMs[size] = e.getEmittedAtMs();
    size++;
  }

  synchronized long records() {
    return size;
  }

  synchronized long lastReceivedMs() {
    return size == 0 ? -1 : receivedMs[size - 1];
  }

  synchronized long sequenceErrors() {
    return sequenceErrors;
  }

  synchronized List<String> sequenceExamples() {
    return List.copyOf(sequenceExamples);
  }

  synchronized long undecodable() {
    return undecodable;
  }

  synchronized int items() {
    return lastSeq.size();
  }

  /** What the records whose lastIngestMs matches {@code ingest} tell: count, emit window and freshness. */
  synchronized Slice slice(LongPredicate ingest) {
    long n = 0;
    long firstEmit = Long.MAX_VALUE;
    long lastEmit = Long.MIN_VALUE;
    long[] fresh = new long[size];
    int k = 0;
    for (int i = 0; i < size; i++) {
      if (ingestMs[i] < 0 || !ingest.test(ingestMs[i])) {
        continue;
      }
      n++;
      firstEmit = Math.min(firstEmit, emittedMs[i]);
      lastEmit = Math.max(lastEmit, emittedMs[i]);
      fresh[k++] = receivedMs[i] - ingestMs[i];
    }
    long[] f = Arrays.copyOf(fresh, k);
    Arrays.sort(f);
    return new Slice(n, firstEmit, lastEmit, pct(f, 0.5), pct(f, 0.99), k == 0 ? Double.NaN : f[k - 1]);
  }

  /**
   * Freshness over time for the records whose lastIngestMs lies in [fromMs, toMs): per bucket of ingest time,
   * {seconds since fromMs, records, p50 ms, p99 ms}. Shows whether a backlog builds up during a phase.
   */
  synchronized List<double[]> timeline(long fromMs, long toMs, long bucketMs) {
    int buckets = (int) Math.max(1, (toMs - fromMs + bucketMs - 1) / bucketMs);
    List<List<Long>> b = new ArrayList<>();
    for (int i = 0; i < buckets; i++) {
      b.add(new ArrayList<>());
    }
    for (int i = 0; i < size; i++) {
      if (ingestMs[i] >= fromMs && ingestMs[i] < toMs) {
        b.get((int) ((ingestMs[i] - fromMs) / bucketMs)).add(receivedMs[i] - ingestMs[i]);
      }
    }
    List<double[]> out = new ArrayList<>();
    for (int i = 0; i < buckets; i++) {
      long[] f = b.get(i).stream().mapToLong(Long::longValue).sorted().toArray();
      out.add(new double[] {i * bucketMs / 1e3, f.length, pct(f, 0.5), pct(f, 0.99)});
    }
    return out;
  }

  /** Records of one slice: emit times are the job's clock (same machine), freshness in ms. */
  record Slice(long records, long firstEmitMs, long lastEmitMs, double freshnessP50Ms, double freshnessP99Ms,
               double freshnessMaxMs) {}

  private static double pct(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
