package io.pinnacle.runner.bench;

import io.pinnacle.schema.ItemEmbedding;
import io.pinnacle.schema.codec.AvroValueCodec;
import io.pinnacle.schema.codec.Codecs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Every update a read_committed consumer sees on the embeddings topic, in offset order per partition, each reduced to
 * its identity (item, updateSeq) and a fingerprint of what it says (embedding bits, phase, counts, pinnacle size,
 * newest event time, losses; not the emission or ingest times, which differ between runs). The drills save a
 * no-failure run's updates as the reference and compare a run with a failure against it.
 */
final class CommittedUpdates {
  /** One committed update. */
  record Update(long item, long seq, long fingerprint) {}

  final List<Update> updates;

  private CommittedUpdates(List<Update> updates) {
    this.updates = updates;
  }

  /** Reads the topic from the beginning until nothing new arrived for {@code quiet}. */
  static CommittedUpdates read(String bootstrap, String topic, Duration quiet) throws IOException {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "pinnacle-drill-" + System.nanoTime());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    AvroValueCodec<ItemEmbedding> codec = Codecs.itemEmbedding();
    List<Update> out = new ArrayList<>();
    try (var c = new KafkaConsumer<byte[], byte[]>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(topic));
      long quietSince = System.currentTimeMillis();
      while (System.currentTimeMillis() - quietSince < quiet.toMillis()) {
        int got = 0;
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          ItemEmbedding e = codec.decode(r.value());
          out.add(new Update(e.getItemId(), e.getUpdateSeq(), fingerprint(e)));
          got++;
        }
        if (got > 0) {
          quietSince = System.currentTimeMillis();
        }
      }
    }
    return new CommittedUpdates(out);
  }

  static long fingerprint(ItemEmbedding e) {
    ByteBuffer b = ByteBuffer.allocate(4 * e.getEmbedding().size() + 64);
    for (float f : e.getEmbedding()) {
      b.putInt(Float.floatToRawIntBits(f));
    }
    b.putInt(e.getPhase().ordinal()).putLong(e.getPositiveCount()).putLong(e.getNegativeCount())
        .putInt(e.getPinnacleCount()).putLong(e.getLastEventTimeMs());
    for (Float loss : new Float[] {e.getRecLoss(), e.getPfpeLoss(), e.getPapeLoss()}) {
      b.putInt(loss == null ? 0 : Float.floatToRawIntBits(loss));
    }
    long h = 1125899906842597L;
    for (int j = 0; j < b.position(); j++) {
      h = 31 * h + b.get(j);
    }
    return h;
  }

  void save(Path file) throws IOException {
    StringBuilder s = new StringBuilder();
    for (Update u : updates) {
      s.append(u.item()).append('\t').append(u.seq()).append('\t').append(Long.toHexString(u.fingerprint()))
          .append('\n');
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, s);
  }

  static CommittedUpdates load(Path file) throws IOException {
    List<Update> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      String[] f = line.split("\t");
      out.add(new Update(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseUnsignedLong(f[2], 16)));
    }
    return new CommittedUpdates(out);
  }

  /** Items whose committed updateSeqs are not exactly 1, 2, ..., n (each once). */
  long itemsWithGaps() {
    Map<Long, TreeMap<Long, Integer>> seqs = new HashMap<>();
    for (Update u : updates) {
      seqs.computeIfAbsent(u.item(), k -> new TreeMap<>()).merge(u.seq(), 1, Integer::sum);
    }
    return seqs.values().stream().filter(s -> s.firstKey() != 1 || s.lastKey() != s.size()).count();
  }

  /**
   * This run against a no-failure reference of the same events. Exactly-once passes when every reference update is
   * present once with the same content and nothing else is; at-least-once allows repeats of reference updates (same
   * content), nothing missing and nothing new. Either way the last update of every item must equal the reference's.
   */
  Map<String, Object> compare(CommittedUpdates reference, boolean exactlyOnce) {
    Map<String, Long> expected = new HashMap<>();
    Map<Long, Long> expectedFinal = new HashMap<>();
    for (Update u : reference.updates) {
      expected.put(u.item() + "#" + u.seq(), u.fingerprint());
      expectedFinal.merge(u.item(), u.seq(), Math::max);
    }
    Map<String, Integer> seen = new HashMap<>();
    long unexpected = 0;
    long changed = 0;
    for (Update u : updates) {
      String id = u.item() + "#" + u.seq();
      Long want = expected.get(id);
      if (want == null) {
        unexpected++;
      } else if (want != u.fingerprint()) {
        changed++;
      }
      seen.merge(id, 1, Integer::sum);
    }
    long lost = expected.keySet().stream().filter(id -> !seen.containsKey(id)).count();
    long repeated = seen.values().stream().mapToLong(n -> n - 1).sum();
    Map<Long, Update> finals = new HashMap<>();
    for (Update u : updates) {
      finals.merge(u.item(), u, (a, b) -> b.seq() >= a.seq() ? b : a);
    }
    long finalDiffer = 0;
    for (Map.Entry<Long, Long> e : expectedFinal.entrySet()) {
      Update mine = finals.get(e.getKey());
      if (mine == null || mine.seq() != e.getValue()
          || mine.fingerprint() != expected.get(e.getKey() + "#" + e.getValue())) {
        finalDiffer++;
      }
    }
    boolean pass = lost == 0 && unexpected == 0 && changed == 0 && finalDiffer == 0
        && (!exactlyOnce || repeated == 0);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("mode", exactlyOnce ? "exactly-once" : "at-least-once");
    r.put("expectedUpdates", expected.size());
    r.put("committedUpdates", updates.size());
    r.put("lost", lost);
    r.put("repeated", repeated);
    r.put("unexpected", unexpected);
    r.put("contentDiffers", changed);
    r.put("items", expectedFinal.size());
    r.put("finalEmbeddingsDiffer", finalDiffer);
    r.put("itemsWithSeqGaps", itemsWithGaps());
    r.put("verdict", pass ? "PASS" : "FAIL");
    return r;
  }
}
