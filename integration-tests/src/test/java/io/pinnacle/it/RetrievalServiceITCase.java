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
import io.pinnacle.schema.ItemEmbedding;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/**
 * The retrieval service on what the job really wrote: a replay through the job on a real broker, then the service
 * reads both compacted topics (read_committed) and must hold exactly each item's latest committed update; closed and
 * started again it rebuilds the same index from the topics; it answers with the job's user vectors.
 */
class RetrievalServiceITCase {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void servesTheJobsLatestEmbeddingsAndRebuildsThemAfterARestart() throws Exception {
    LeaveOneOutSplit split = LeaveOneOutSplit.of(SyntheticStream.generate(SyntheticStream.Config.tiny()));
    Path work = Path.of("target", "it-retrieval-" + System.currentTimeMillis());
    ItFixtures.artifacts(split, work);
    EmbeddedKafka kafka = SharedKafka.get();
    Configuration config = ItFixtures.config("retrieval", kafka, work, "synthetic",
        Map.of("pinnacle.tuning.batch-size", "64", "pinnacle.tuning.max-delay", "500 ms"));
    StreamRun.Result r = StreamRun.run(config, split.trainingEvents, List.of(), 0, work.resolve("flink"), false,
        Duration.ofMinutes(10), Map.of("execution.checkpointing.interval", "2 s"));
    assertTrue(r.latest().size() > 10, "the job published embeddings: " + r.latest().size());
    BaseModelArtifact base = BaseModelArtifact.load(work.resolve("base"));
    RetrievalConfig rc = new RetrievalConfig(kafka.bootstrapServers(), config.get(PinnacleOptions.TOPIC_EMBEDDINGS),
        config.get(PinnacleOptions.TOPIC_USER_VECTORS), work.resolve("base"), 0, 1000, 20, Map.of());

    Map<Long, float[]> first;
    try (RetrievalService service = new RetrievalService(rc)) {
      assertTrue(service.awaitCaughtUp(Duration.ofMinutes(1)), "caught up with the topics");
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
    }
    // A restarted service (nothing on disk) rebuilds the same index from the compacted topics.
    try (RetrievalService again = new RetrievalService(rc)) {
      assertTrue(again.awaitCaughtUp(Duration.ofMinutes(1)));
      assertIndexHoldsTheLatest(again, r.latest(), base);
      Map<Long, float[]> second = embeddings(again.index());
      assertEquals(first.keySet(), second.keySet());
      first.forEach((id, v) -> assertArrayEquals(v, second.get(id), 0f, "item " + id));
    }
  }

  /** Every item the job updated holds its latest committed update; every other base item its base embedding. */
  private static void assertIndexHoldsTheLatest(RetrievalService service, Map<Long, ItemEmbedding> latest,
                                                BaseModelArtifact base) {
    for (ItemEmbedding e : latest.values()) {
      ItemIndex.Item held = service.index().get(e.getItemId());
      assertEquals(e.getUpdateSeq(), held.updateSeq(), "item " + e.getItemId());
      float[] v = new float[e.getEmbedding().size()];
      for (int k = 0; k < v.length; k++) {
        v[k] = e.getEmbedding().get(k);
      }
      assertArrayEquals(v, held.embedding(), 0f);
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
