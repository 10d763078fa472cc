package io.pinnacle.retrieval;

import io.pinnacle.feedback.FeedbackRules;
import io.pinnacle.feedback.Label;
import io.pinnacle.schema.InteractionEvent;
import io.pinnacle.schema.ItemEmbedding;
import io.pinnacle.schema.UserVector;
import io.pinnacle.schema.codec.AvroValueCodec;
import io.pinnacle.schema.codec.Codecs;
import io.pinnacle.schema.codec.FloatLists;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the item-embeddings and user-vectors topics from their beginning (both compacted: the latest record per key
 * survives) into the index and the user vectors, then follows them. read_committed, so an exactly-once job's aborted
 * updates are never served; no consumer group and no committed offsets: a restarted service rebuilds from the
 * topics. A record that does not decode, or belongs to another base, is counted and skipped (the service is a
 * reader: the topics keep it).
 */
public final class TopicFollower implements Runnable, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);

  private final RetrievalConfig config;
  private final ItemIndex index;
  private final UserVectors users;
  private final RetrievalMetrics metrics;
  private final String baseVersion;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final AvroValueCodec<ItemEmbedding> items = Codecs.itemEmbedding();
  private final AvroValueCodec<UserVector> userCodec = Codecs.userVector();
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final ReachTracker reach;
  private final FeedbackRules rules;
  private final LongPredicate isNew;
  private final AvroValueCodec<InteractionEvent> interactions = Codecs.interactionEvent();
  private final Thread thread;
  private volatile long lag = -1;
  private volatile boolean running = true;
  private Map<TopicPartition, Long> startEnds;
  /** Applied batches whose update-to-searchable time the clock thread has yet to take. */
  private final BlockingQueue<Applied> applied = new LinkedBlockingQueue<>();
  private final Thread clock;

  private record Applied(long generation, List<Long> emittedAtMs) {}

  public TopicFollower(RetrievalConfig config, ItemIndex index, UserVectors users, RetrievalMetrics metrics,
                       String baseVersion) {
    this(config, index, users, metrics, baseVersion, null, item -> false);
  }

  /**
   * With {@code reach} (and {@code config.reach()}): also follows the interactions topic from its end, and at each
   * positive on an item {@code isNew} accepts, records whether the item was in the liker's top K.
   */
  public TopicFollower(RetrievalConfig config, ItemIndex index, UserVectors users, RetrievalMetrics metrics,
                       String baseVersion, ReachTracker reach, LongPredicate isNew) {
    this.config = config;
    this.reach = config.reach() == null ? null : reach;
    this.rules = config.reach() == null ? null : FeedbackRules.named(config.reach().feedbackRules());
    this.isNew = isNew;
    this.index = index;
    this.users = users;
    this.metrics = metrics;
    this.baseVersion = baseVersion;
    Properties p = new Properties();
    p.putAll(config.kafka());
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
    consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = new ArrayList<>();
    List<String> topics = new ArrayList<>(List.of(config.itemTopic(), config.userTopic()));
    if (this.reach != null) {
      topics.add(config.reach().interactionsTopic());
    }
    for (String topic : topics) {
      List<PartitionInfo> info = consumer.partitionsFor(topic, Duration.ofSeconds(30));
      if (info == null || info.isEmpty()) {
        consumer.close();
        throw new IllegalStateException("topic " + topic + " does not exist on " + config.bootstrap());
      }
      info.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
    }
    consumer.assign(partitions);
    List<TopicPartition> events = partitions.stream()
        .filter(tp -> this.reach != null && tp.topic().equals(config.reach().interactionsTopic())).toList();
    List<TopicPartition> compacted = partitions.stream().filter(tp -> !events.contains(tp)).toList();
    consumer.seekToBeginning(compacted);
    // Reach is measured live: a past interaction met an index that is gone. (An empty list would mean every
    // assigned partition to Kafka's consumer.)
    if (!events.isEmpty()) {
      consumer.seekToEnd(events);
    }
    startEnds = consumer.endOffsets(partitions);
    thread = new Thread(this, "topic-follower");
    thread.setDaemon(true);
    clock = new Thread(this::clock, "searchable-clock");
    clock.setDaemon(true);
  }

  public void start() {
    thread.start();
    clock.start();
  }

  /**
   * Times each applied item update from the job's emission (its record timestamp) to the moment the index serves
   * it, beside the follower, which goes on reading meanwhile.
   */
  private void clock() {
    try {
      while (running || !applied.isEmpty()) {
        Applied a = applied.poll(200, TimeUnit.MILLISECONDS);
        if (a == null || !index.awaitSearchable(a.generation(), 10_000)) {
          continue;
        }
        long now = System.currentTimeMillis();
        for (long t : a.emittedAtMs()) {
          metrics.updateToSearchableSeconds.observe(Math.max(0, now - t) / 1000.0);
          metrics.recentUpdates.add(Math.max(0, now - t));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Records on both topics not yet applied, as of the last poll (-1 before the first). */
  public long lag() {
    return lag;
  }

  /** Waits until everything on the topics when the service started is applied. */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public boolean caughtUp() {
    return caughtUp.getCount() == 0;
  }

  @Override
  public void run() {
    long lastLagCheck = 0;
    try {
      while (running) {
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(200));
        long generation = -1;
        List<Long> emitted = new ArrayList<>(batch.count());
        for (ConsumerRecord<byte[], byte[]> r : batch) {
          if (r.value() == null) {
            continue; // a tombstone: nothing to serve, nothing to remove (the job never deletes)
          }
          if (r.topic().equals(config.itemTopic())) {
            long g = applyItem(r);
            if (g >= 0) {
              generation = Math.max(generation, g);
              emitted.add(r.timestamp());
            }
          } else if (r.topic().equals(config.userTopic())) {
            applyUser(r);
          } else {
            applyInteraction(r);
          }
        }
        if (generation >= 0) {
          applied.add(new Applied(generation, emitted));
        }
        long now = System.currentTimeMillis();
        if (now - lastLagCheck > 1000 || !caughtUp()) {
          lastLagCheck = now;
          updateLag();
        }
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    } catch (RuntimeException e) {
      LOG.error("the topic follower stopped", e);
      throw e;
    } finally {
      consumer.close();
    }
  }

  private long applyItem(ConsumerRecord<byte[], byte[]> r) {
    ItemEmbedding e;
    try {
      e = items.decode(r.value());
    } catch (Exception ex) {
      metrics.updatesIgnored.labelValues("undecodable").inc();
      LOG.warn("item-embeddings record at {}-{}@{} does not decode: {}", r.topic(), r.partition(), r.offset(),
          ex.toString());
      return -1;
    }
    if (!e.getBaseModelVersion().toString().equals(baseVersion)) {
      metrics.updatesIgnored.labelValues("other-base").inc();
      return -1;
    }
    float[] v = FloatLists.unboxed(e.getEmbedding());
    long g;
    try {
      g = index.upsert(e.getItemId(), v, e.getPhase().name(), e.getUpdateSeq(), baseVersion, e.getEmittedAtMs());
    } catch (IllegalArgumentException ex) {
      metrics.updatesIgnored.labelValues("bad-embedding").inc();
      LOG.warn("item {} not indexed: {}", e.getItemId(), ex.getMessage());
      return -1;
    }
    if (g < 0) {
      metrics.updatesIgnored.labelValues("not-newer").inc();
    } else {
      metrics.updatesApplied.inc();
    }
    return g;
  }

  private void applyUser(ConsumerRecord<byte[], byte[]> r) {
    UserVector u;
    try {
      u = userCodec.decode(r.value());
    } catch (Exception ex) {
      LOG.warn("user-vectors record at {}-{}@{} does not decode: {}", r.topic(), r.partition(), r.offset(),
          ex.toString());
      return;
    }
    if (u.getBaseModelVersion().toString().equals(baseVersion) && u.getVector().size() == index.dim()) {
      users.put(u.getUserId(), FloatLists.unboxed(u.getVector()), u.getEmittedAtMs());
      metrics.userVectorsApplied.inc();
    }
  }

  private void applyInteraction(ConsumerRecord<byte[], byte[]> r) {
    InteractionEvent e;
    try {
      e = interactions.decode(r.value());
    } catch (Exception ex) {
      return; // the job dead-letters it
    }
    if (rules.label(e) != Label.POSITIVE || !isNew.test(e.getItemId())) {
      return;
    }
    UserVectors.UserVector v = users.get(e.getUserId());
    if (v == null) {
      return;
    }
    boolean hit = index.search(v.vector(), reach.k()).stream().anyMatch(h -> h.item().itemId() == e.getItemId());
    reach.positive(e.getItemId(), e.getEventTimeMs(), hit);
  }

  private void updateLag() {
    Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
    long total = 0;
    boolean reachedStart = true;
    Map<TopicPartition, Long> positions = new HashMap<>();
    for (TopicPartition tp : consumer.assignment()) {
      long pos = consumer.position(tp);
      positions.put(tp, pos);
      total += Math.max(0, ends.getOrDefault(tp, pos) - pos);
      if (pos < startEnds.getOrDefault(tp, 0L)) {
        reachedStart = false;
      }
    }
    lag = total;
    if (reachedStart) {
      caughtUp.countDown();
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    if (thread.isAlive()) {
      consumer.wakeup();
      thread.join(10_000);
    } else if (thread.getState() == Thread.State.NEW) {
      consumer.close();
    }
    clock.interrupt();
    clock.join(10_000);
  }
}
