package io.pinnacle.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.data.SyntheticStream;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.job.config.PinnacleOptions;
import io.pinnacle.retrieval.ItemIndex;
import io.pinnacle.retrieval.RetrievalConfig;
import io.pinnacle.retrieval.RetrievalService;
import io.pinnacle.runner.EmbeddedKafka;
import io.pinnacle.runner.StreamRun;
import io.pinnacle.schema.InteractionEvent;
import io.pinnacle.schema.ItemEmbedding;
import io.pinnacle.schema.codec.Codecs;
import io.pinnacle.schema.codec.FloatLists;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The retrieval service on what the job really wrote, on a real broker: a first service is stopped while the job
 * writes, a second one started mid-stream must end holding exactly each item's latest committed update (and the
 * base embedding of every other item), and a third one started afterwards rebuilds the identical index from the
 * compacted topics; it answers with the job's user vectors.
 */
class RetrievalServiceITCase {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void servesTheJobsLatestEmbeddingsThroughRestartsMidStream() throws Exception {
    LeaveOneOutSplit split = LeaveOneOutSplit.of(SyntheticStream.generate(SyntheticStream.Config.tiny()));
    Path work = Path.of("target", "it-retrieval-" + System.currentTimeMillis());
    ItFixtures.artifacts(split, work);
    EmbeddedKafka kafka = SharedKafka.get();
    Configuration config = ItFixtures.config("retrieval", kafka, work, "synthetic",
        Map.of("pinnacle.tuning.batch-size", "64", "pinnacle.tuning.max-delay", "500 ms"));
    BaseModelArtifact base = BaseModelArtifact.load(work.resolve("base"));
    RetrievalConfig rc = new RetrievalConfig(kafka.bootstrapServers(), config.get(PinnacleOptions.TOPIC_EMBEDDINGS),
        config.get(PinnacleOptions.TOPIC_USER_VECTORS), work.resolve("base"), 0, 1000, 20, Map.of());
    // The job replays at a bounded rate in the background; a first service is stopped mid-stream and a second one
    // started while the job still writes.
    ExecutorService background = Executors.newSingleThreadExecutor();
    Future<StreamRun.Result> run = background.submit(() -> StreamRun.run(config, split.trainingEvents, List.of(),
        1_000, work.resolve("flink"), false, Duration.ofMinutes(10), Map.of("execution.checkpointing.interval",
            "2 s")));
    RetrievalService stopped = new RetrievalService(rc);
    Thread.sleep(4_000);
    stopped.close();
    StreamRun.Result r;
    Map<Long, float[]> first;
    try (RetrievalService service = new RetrievalService(rc)) {
      r = run.get(10, TimeUnit.MINUTES);
      assertTrue(r.latest().size() > 10, "the job published embeddings: " + r.latest().size());
      awaitLatest(service, r.latest());
      assertIndexHoldsTheLatest(service, r.latest(), base);
      assertTrue(service.users().publishedUsers() > 0, "the job published user vectors");
      first = embeddings(service.index());

      long user = base.userIds()[0];
      JsonNode answer = get(service, "/recommend?user=" + user + "&k=10");
      assertEquals(10, answer.get("items").size());
      assertEquals(404, status(service, "/recommend?user=-42"));
      long cold = r.latest().keySet().iterator().next();
      JsonNode item = get(service, "/items/" + cold);
      assertEquals(r.latest().get(cold).getUpdateSeq(), item.get("updateSeq").asLong());
    } finally {
      background.shutdownNow();
    }
    // A service started after the job (nothing on disk) rebuilds the same index from the compacted topics.
    try (RetrievalService again = new RetrievalService(rc)) {
      assertTrue(again.awaitCaughtUp(Duration.ofMinutes(1)));
      assertIndexHoldsTheLatest(again, r.latest(), base);
      Map<Long, float[]> second = embeddings(again.index());
      assertEquals(first.keySet(), second.keySet());
      first.forEach((id, v) -> assertArrayEquals(v, second.get(id), 0f, "item " + id));
    }
    // Live reach: a service that also follows the interactions topic counts the likes of an item the base never saw
    // from the moment it started, and leaves the likes of a base item and the non-likes out.
    RetrievalConfig withReach = new RetrievalConfig(rc.bootstrap(), rc.itemTopic(), rc.userTopic(), rc.base(), 0,
        1000, 20, Map.of(), new RetrievalConfig.Reach(config.get(PinnacleOptions.TOPIC_INTERACTIONS), "synthetic",
            10));
    try (RetrievalService live = new RetrievalService(withReach)) {
      assertTrue(live.awaitCaughtUp(Duration.ofMinutes(1)));
      long unknownItem = 987_654_321L;
      InteractionEvent template = split.trainingEvents.get(0);
      long user = base.userIds()[0];
      Properties p = new Properties();
      p.put("bootstrap.servers", kafka.bootstrapServers());
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
          new ByteArraySerializer())) {
        for (int j = 0; j < 4; j++) {
          InteractionEvent e = InteractionEvent.newBuilder(template).setEventId("reach-" + j).setUserId(user)
              .setItemId(j < 3 ? unknownItem : base.itemIds()[0]).setClicked(j != 1).build();
          producer.send(new ProducerRecord<>(config.get(PinnacleOptions.TOPIC_INTERACTIONS), null,
              Codecs.interactionEvent().encode(e))).get();
        }
      }
      long deadline = System.currentTimeMillis() + 30_000;
      while (live.reach().get(unknownItem) == null || live.reach().get(unknownItem).positives() < 2) {
        assertTrue(System.currentTimeMillis() < deadline, "the likes reached the tracker");
        Thread.sleep(100);
      }
      Thread.sleep(1_000); // nothing else arrives for it
      assertEquals(2, live.reach().get(unknownItem).positives(), "two likes (one event was not a click)");
      assertEquals(0, live.reach().get(unknownItem).hits(), "an item without an embedding is in nobody's top 10");
      assertEquals(null, live.reach().get(base.itemIds()[0]), "a base item is not followed");
      JsonNode reach = get(live, "/items/" + unknownItem + "/reach");
      assertEquals(2, reach.get("points").size());
    }
  }

  /**
   * A broker restart under the service: it keeps what it holds and serves while the broker is down, and takes the
   * updates written after the restart without being restarted itself.
   */
  @Test
  void survivesABrokerRestart() throws Exception {
    LeaveOneOutSplit split = LeaveOneOutSplit.of(SyntheticStream.generate(SyntheticStream.Config.tiny()));
    Path work = Path.of("target", "it-retrieval-restart-" + System.currentTimeMillis());
    ItFixtures.artifacts(split, work);
    BaseModelArtifact base = BaseModelArtifact.load(work.resolve("base"));
    try (EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("kafka"))) {
      kafka.createTopics(List.of(), List.of("restart-items", "restart-users"), 2);
      RetrievalConfig rc = new RetrievalConfig(kafka.bootstrapServers(), "restart-items", "restart-users",
          work.resolve("base"), 0, 1000, 20, Map.of());
      long[] items = base.itemIds();
      Properties p = new Properties();
      p.put("bootstrap.servers", kafka.bootstrapServers());
      try (RetrievalService service = new RetrievalService(rc)) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
            new ByteArraySerializer())) {
          send(producer, base, items[0], 1);
        }
        awaitUpdate(service, items[0], 1);
        kafka.restart();
        assertEquals(1, service.index().get(items[0]).updateSeq(), "what it held survives the broker's restart");
        assertEquals(200, status(service, "/recommend?user=" + base.userIds()[0] + "&k=5"));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
            new ByteArraySerializer())) {
          send(producer, base, items[0], 2);
          send(producer, base, items[1], 1);
        }
        awaitUpdate(service, items[0], 2);
        awaitUpdate(service, items[1], 1);
      }
    }
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, BaseModelArtifact base, long item, long seq)
      throws Exception {
    float[] e = base.itemEmbedding(item).clone();
    for (int k = 0; k < e.length; k++) {
      e[k] *= 1 + seq;
    }
    ItemEmbedding u = ItemEmbedding.newBuilder().setItemId(item).setEmbedding(FloatLists.boxed(e)).setBaseModelVersion(base.version())
        .setUpdateSeq(seq).setPhase(io.pinnacle.schema.Phase.COLD).setPositiveCount(seq).setNegativeCount(0)
        .setPinnacleCount(1).setLastEventTimeMs(System.currentTimeMillis())
        .setEmittedAtMs(System.currentTimeMillis()).build();
    producer.send(new ProducerRecord<>("restart-items", Long.toString(item).getBytes(
        java.nio.charset.StandardCharsets.UTF_8), Codecs.itemEmbedding().encode(u))).get();
  }

  private static void awaitUpdate(RetrievalService service, long item, long seq) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (service.index().get(item) == null || service.index().get(item).updateSeq() < seq) {
      assertTrue(System.currentTimeMillis() < deadline, "item " + item + " reached updateSeq " + seq);
      Thread.sleep(100);
    }
    assertEquals(seq, service.index().get(item).updateSeq());
  }

  /** Waits until the service (which follows the topics) holds every item's latest committed update. */
  private static void awaitLatest(RetrievalService service, Map<Long, ItemEmbedding> latest) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      boolean all = latest.values().stream().allMatch(e -> {
        ItemIndex.Item held = service.index().get(e.getItemId());
        return held != null && held.updateSeq() == e.getUpdateSeq();
      });
      if (all) {
        return;
      }
      Thread.sleep(200);
    }
  }

  /** Every item the job updated holds its latest committed update; every other base item its base embedding. */
  private static void assertIndexHoldsTheLatest(RetrievalService service, Map<Long, ItemEmbedding> latest,
                                                BaseModelArtifact base) {
    for (ItemEmbedding e : latest.values()) {
      ItemIndex.Item held = service.index().get(e.getItemId());
      assertEquals(e.getUpdateSeq(), held.updateSeq(), "item " + e.getItemId());
      assertArrayEquals(FloatLists.unboxed(e.getEmbedding()), held.embedding(), 0f);
    }
    for (long item : base.itemIds()) {
      if (!latest.containsKey(item)) {
        assertArrayEquals(base.itemEmbedding(item), service.index().get(item).embedding(), 0f);
        assertEquals("WARM", service.index().get(item).phase());
      }
    }
  }

  private static Map<Long, float[]> embeddings(ItemIndex index) {
    Map<Long, float[]> out = new HashMap<>();
    index.items().forEach(i -> out.put(i.itemId(), i.embedding()));
    return out;
  }

  private static JsonNode get(RetrievalService s, String path) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://localhost:" + s.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  private static int status(RetrievalService s, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + s.port() + path))
        .build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }
}
