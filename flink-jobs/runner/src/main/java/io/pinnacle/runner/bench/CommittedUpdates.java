package io.pinnacle.runner.bench;

import io.pinnacle.runner.KafkaClientConfig;
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
 * newest event time; not the emission or ingest times, which differ between runs, nor the losses, which are the
 * means of the micro-batch the update ran in). The drills save a
 * no-failure run's updates as the reference and compare a run with a failure against it.
 */
final class CommittedUpdates {
  /** One committed update. */
  record Update(long item, long seq, long fingerprint) {}

  final List<Update> updates;

  CommittedUpdates(List<Update> updates) {
    this.updates = updates;
  }

  /** Reads the topic from the beginning until nothing new arrived for {@code quiet}. */
  static CommittedUpdates read(String bootstrap, String topic, Duration quiet) throws IOException {
    Properties p = KafkaClientConfig.properties(bootstrap);
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

  /** Item -> updateSeq -> the fingerprints committed under it, in the order read. */
  private Map<Long, TreeMap<Long, List<Long>>> byItem() {
    Map<Long, TreeMap<Long, List<Long>>> m = new HashMap<>();
    for (Update u : updates) {
      m.computeIfAbsent(u.item(), k -> new TreeMap<>()).computeIfAbsent(u.seq(), k -> new ArrayList<>())
          .add(u.fingerprint());
    }
    return m;
  }

  /** Runs of consecutive updateSeqs: a state's life starts a run at the clock and counts up by one. */
  private static List<List<Long>> lineages(TreeMap<Long, List<Long>> seqs) {
    List<List<Long>> out = new ArrayList<>();
    long last = Long.MIN_VALUE;
    for (long seq : seqs.keySet()) {
      if (out.isEmpty() || seq != last + 1) {
        out.add(new ArrayList<>());
      }
      out.get(out.size() - 1).add(seq);
      last = seq;
    }
    return out;
  }

  /** Items whose committed updateSeqs are not one gapless run. */
  long itemsWithGaps() {
    return byItem().values().stream().filter(s -> lineages(s).size() > 1).count();
  }

  /**
   * This run against a no-failure reference of the same events, update by update: an item's n-th update in a run of
   * consecutive updateSeqs must say what the reference's n-th update of the item says (the first number of a run
   * comes from the clock and differs between runs). Exactly-once passes when every item has one gapless run, as
   * long as the reference's, with equal content and nothing repeated or extra. At-least-once also allows repeats
   * with equal content, and earlier runs that are prefixes of the reference (an item first seen after the last
   * checkpoint starts again, at a later clock, when its events are replayed). Either way the final embedding of
   * every item must equal the reference's.
   */
  /** The drills' comparison of a run's committed updates with the no-failure run's. */
  record Comparison(boolean exactlyOnce, long expectedUpdates, long committedUpdates, int items, long lost,
                    long repeated, long restartedRuns, long unexpected, long contentDiffers,
                    long finalEmbeddingsDiffer) {
    /** Nothing lost, unexpected or changed, the same final embeddings; exactly-once also no repeat or restart. */
    boolean pass() {
      return lost == 0 && unexpected == 0 && contentDiffers == 0 && finalEmbeddingsDiffer == 0
          && (!exactlyOnce || (repeated == 0 && restartedRuns == 0));
    }

    String verdict() {
      return pass() ? "PASS" : "FAIL";
    }

    /** The line the drills log. */
    @Override
    public String toString() {
      return "{mode=" + (exactlyOnce ? "exactly-once" : "at-least-once") + ", expectedUpdates=" + expectedUpdates
          + ", committedUpdates=" + committedUpdates + ", items=" + items + ", lost=" + lost + ", repeated=" + repeated
          + ", restartedRuns=" + restartedRuns + ", unexpected=" + unexpected + ", contentDiffers=" + contentDiffers
          + ", finalEmbeddingsDiffer=" + finalEmbeddingsDiffer + ", verdict=" + verdict() + "}";
    }
  }

  Comparison compare(CommittedUpdates reference, boolean exactlyOnce) {
    Map<Long, List<Long>> expected = new HashMap<>();
    long expectedUpdates = 0;
    for (Map.Entry<Long, TreeMap<Long, List<Long>>> e : reference.byItem().entrySet()) {
      if (lineages(e.getValue()).size() > 1) {
        throw new IllegalStateException("the reference run has a gap in the updateSeqs of item " + e.getKey());
      }
      List<Long> contents = new ArrayList<>();
      e.getValue().values().forEach(f -> contents.add(f.get(0)));
      expected.put(e.getKey(), contents);
      expectedUpdates += contents.size();
    }
    Map<Long, TreeMap<Long, List<Long>>> mine = byItem();
    long lost = 0;
    long repeated = 0;
    long unexpected = 0;
    long changed = 0;
    long restartedRuns = 0;
    long finalDiffer = 0;
    for (Map.Entry<Long, List<Long>> e : expected.entrySet()) {
      List<Long> want = e.getValue();
      TreeMap<Long, List<Long>> seqs = mine.getOrDefault(e.getKey(), new TreeMap<>());
      List<List<Long>> runs = lineages(seqs);
      restartedRuns += Math.max(0, runs.size() - 1);
      int longest = 0;
      for (List<Long> run : runs) {
        longest = Math.max(longest, run.size());
        for (int n = 0; n < run.size(); n++) {
          List<Long> got = seqs.get(run.get(n));
          repeated += got.size() - 1;
          if (n >= want.size()) {
            unexpected += got.size();
            continue;
          }
          for (long f : got) {
            if (f != want.get(n)) {
              changed++;
            }
          }
        }
      }
      lost += Math.max(0, want.size() - longest);
      List<Long> lastRun = runs.isEmpty() ? List.of() : runs.get(runs.size() - 1);
      if (lastRun.size() != want.size()
          || !seqs.get(lastRun.get(lastRun.size() - 1)).get(0).equals(want.get(want.size() - 1))) {
        finalDiffer++;
      }
    }
    for (Map.Entry<Long, TreeMap<Long, List<Long>>> e : mine.entrySet()) {
      if (!expected.containsKey(e.getKey())) {
        unexpected += e.getValue().values().stream().mapToLong(List::size).sum();
      }
    }
    return new Comparison(exactlyOnce, expectedUpdates, updates.size(), expected.size(), lost, repeated,
        restartedRuns, unexpected, changed, finalDiffer);
  }
}
