package io.pinnacle.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP API over a real server on a free port: answers, and a clear 4xx for every bad request. */
class RetrievalHttpTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static ItemIndex index;
  private static RetrievalHttp http;
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    index = new ItemIndex(2, 10);
    index.upsert(10, new float[] {1, 0}, "WARM", 0L, "b", -1L);
    long g = index.upsert(11, new float[] {0, 2}, "COLD", 7L, "b", 1_000L);
    index.awaitSearchable(g, 10_000);
    UserVectors users = new UserVectors(null);
    users.put(5, new float[] {0, 1}, 900L);
    ReachTracker reach = new ReachTracker(2, 100);
    reach.positive(11, 1_000L, false);
    reach.positive(11, 2_000L, true);
    reach.positive(11, 3_000L, true);
    http = new RetrievalHttp(0, 100, index, users, reach, new RetrievalMetrics(), new RetrievalHttp.Status() {
      @Override
      public boolean caughtUp() {
        return true;
      }

      @Override
      public long lagRecords() {
        return 0;
      }
    }, () -> 1_500L);
  }

  @AfterAll
  static void stop() throws Exception {
    http.close();
    index.close();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(URI.create("http://localhost:" + http.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void recommendsByInnerProductWithPhaseAndAge() throws Exception {
    HttpResponse<String> r = get("/recommend?user=5&k=2");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode items = JSON.readTree(r.body()).get("items");
    assertEquals(11, items.get(0).get("itemId").asLong());
    assertEquals("COLD", items.get(0).get("phase").asText());
    assertEquals(500, items.get(0).get("embeddingAgeMs").asLong());
    assertEquals(10, items.get(1).get("itemId").asLong());
    assertTrue(items.get(1).get("embeddingAgeMs").isNull(), "a warm item from the base has no update time");
    assertEquals("topic", JSON.readTree(r.body()).get("userVector").asText());
  }

  @Test
  void describesAnItem() throws Exception {
    HttpResponse<String> r = get("/items/11");
    assertEquals(200, r.statusCode());
    JsonNode item = JSON.readTree(r.body());
    assertEquals(7, item.get("updateSeq").asLong());
    assertEquals("b", item.get("embeddingVersion").asText());
    assertEquals(500, item.get("embeddingAgeMs").asLong());
  }

  @Test
  void refusesBadRequestsWithAClearError() throws Exception {
    assertError(400, "/recommend", "missing parameter 'user'");
    assertError(400, "/recommend?user=abc", "is a number");
    assertError(400, "/recommend?user=5&k=0", "k must be between 1 and 100");
    assertError(400, "/recommend?user=5&k=101", "k must be between 1 and 100");
    assertError(400, "/recommend?user=5&user=6", "given twice");
    assertError(404, "/recommend?user=6", "unknown user 6");
    assertError(400, "/items/x", "an item id is a number");
    assertError(404, "/items/12", "unknown item 12");
    assertError(404, "/nothing", "no such resource");
    HttpResponse<String> post = CLIENT.send(HttpRequest.newBuilder(URI.create("http://localhost:" + http.port()
        + "/recommend?user=5")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode());
    // A malformed escape, which an HTTP client library would refuse to send, written on the socket: the server
    // refuses the request line itself.
    try (java.net.Socket socket = new java.net.Socket("localhost", http.port())) {
      socket.getOutputStream().write(("GET /recommend?user=%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close"
          + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
    }
  }

  @Test
  void reportsTheReachOfANewItem() throws Exception {
    HttpResponse<String> r = get("/items/11/reach");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode reach = JSON.readTree(r.body());
    assertEquals(3, reach.get("positives").asLong());
    assertEquals(2, reach.get("hits").asLong());
    assertEquals(3, reach.get("points").size());
    assertError(404, "/items/10/reach", "no positive on item 10");
    assertError(400, "/items/x/reach", "an item id is a number");
    assertEquals(11, JSON.readTree(get("/reach").body()).get("items").get(0).get("itemId").asLong());
  }

  /** The page in a real browser, on this server: the user's top K and the item's reach drawn, nothing refused. */
  @Test
  void thePageRendersInHeadlessChromium() throws Exception {
    java.util.Optional<java.nio.file.Path> browser = io.pinnacle.testing.HeadlessBrowser.find();
    org.junit.jupiter.api.Assumptions.assumeTrue(browser.isPresent(), io.pinnacle.testing.HeadlessBrowser::missing);
    String dom = io.pinnacle.testing.HeadlessBrowser.dumpDom(browser.get(),
        URI.create("http://localhost:" + http.port() + "/?user=5&k=2&item=11"));
    assertEquals("ready", io.pinnacle.testing.HeadlessBrowser.attribute(dom, "body", "data-state"), dom);
    assertEquals("2", io.pinnacle.testing.HeadlessBrowser.attribute(dom, "body", "data-rows"));
    assertEquals("3", io.pinnacle.testing.HeadlessBrowser.attribute(dom, "body", "data-points"));
    assertEquals("0", io.pinnacle.testing.HeadlessBrowser.attribute(dom, "body", "data-blocked-requests"));
    assertTrue(dom.contains("2 of 3 likers had it in their top 2"), dom);
  }

  @Test
  void exposesPrometheusMetrics() throws Exception {
    get("/recommend?user=5&k=1");
    HttpResponse<String> r = get("/metrics");
    assertEquals(200, r.statusCode());
    assertTrue(r.body().contains("pinnacle_retrieval_query_seconds"), r.body());
  }

  private static void assertError(int status, String path, String message) throws Exception {
    HttpResponse<String> r = get(path);
    assertEquals(status, r.statusCode(), path + ": " + r.body());
    assertTrue(JSON.readTree(r.body()).get("error").asText().contains(message), path + ": " + r.body());
  }
}
