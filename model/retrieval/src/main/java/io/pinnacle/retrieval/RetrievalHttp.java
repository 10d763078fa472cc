package io.pinnacle.retrieval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API (JSON): {@code GET /recommend?user=ID&k=K} a user's top K items by inner product, each with its phase
 * and the age of its embedding; {@code GET /items/ID} an item's embedding version, updateSeq, phase and age;
 * {@code GET /health}; {@code GET /metrics} (Prometheus). A malformed request gets a 400, an unknown user or item a
 * 404, another method a 405, each with a JSON {@code error}.
 */
public final class RetrievalHttp implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(RetrievalHttp.class);

  /** The service's state as the API reports it. */
  public interface Status {
    boolean caughtUp();

    long lagRecords();
  }

  private final ItemIndex index;
  private final UserVectors users;
  private final ReachTracker reach;
  private final RetrievalMetrics metrics;
  private final Status status;
  private final int maxK;
  private final LongSupplier clock;
  private final HttpServer server;
  private final ExecutorService executor;

  public RetrievalHttp(int port, int maxK, ItemIndex index, UserVectors users, ReachTracker reach,
                       RetrievalMetrics metrics, Status status, LongSupplier clock) throws IOException {
    this.index = index;
    this.users = users;
    this.reach = reach;
    this.metrics = metrics;
    this.status = status;
    this.maxK = maxK;
    this.clock = clock;
    server = HttpServer.create(new InetSocketAddress(port), 128);
    executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "retrieval-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/recommend", get(this::recommend));
    server.createContext("/items/", get(ex -> ex.getRequestURI().getPath().endsWith("/reach") ? reach(ex) : item(ex)));
    server.createContext("/reach", get(ex -> Map.of("k", reach.k(), "items", reach.top(50))));
    server.createContext("/health", get(this::health));
    server.createContext("/metrics", new MetricsHandler(metrics.registry));
    server.createContext("/", ex -> {
      if ("/".equals(ex.getRequestURI().getPath()) && "GET".equals(ex.getRequestMethod())) {
        page(ex);
      } else {
        get(e -> {
          throw new HttpError(404, "no such resource: " + e.getRequestURI().getPath()
              + " (GET /, /recommend?user=ID&k=K, /items/ID, /items/ID/reach, /reach, /health, /metrics)");
        }).handle(ex);
      }
    });
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private interface Answer {
    Object answer(HttpExchange ex) throws IOException;
  }

  private static final class HttpError extends RuntimeException {
    final int status;

    HttpError(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  private HttpHandler get(Answer answer) {
    return ex -> {
      try (ex) {
        int status = 200;
        Object body;
        try {
          if (!"GET".equals(ex.getRequestMethod())) {
            ex.getResponseHeaders().add("Allow", "GET");
            throw new HttpError(405, "only GET is served, not " + ex.getRequestMethod());
          }
          body = answer.answer(ex);
        } catch (HttpError e) {
          status = e.status;
          body = Map.of("error", e.getMessage());
          metrics.badRequests.labelValues(Integer.toString(status)).inc();
        } catch (RuntimeException e) {
          LOG.error("{} failed", ex.getRequestURI(), e);
          status = 500;
          body = Map.of("error", "internal error: " + e);
        }
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(bytes);
        }
      }
    };
  }

  private Object recommend(HttpExchange ex) {
    long started = System.nanoTime();
    Map<String, String> q = query(ex.getRequestURI().getRawQuery());
    long user = longParam(q, "user", null);
    long k = longParam(q, "k", 10L);
    if (k < 1 || k > maxK) {
      throw new HttpError(400, "k must be between 1 and " + maxK + ", not " + k);
    }
    UserVectors.UserVector v = users.get(user);
    if (v == null) {
      throw new HttpError(404, "unknown user " + user + ": no vector from the job and none in the base");
    }
    long now = clock.getAsLong();
    List<Map<String, Object>> items = new ArrayList<>();
    for (ItemIndex.Hit h : index.search(v.vector(), (int) k)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("itemId", h.item().itemId());
      m.put("score", h.score());
      m.put("phase", h.item().phase());
      m.put("embeddingAgeMs", h.item().lastUpdateMs() < 0 ? null : now - h.item().lastUpdateMs());
      items.add(m);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("user", user);
    out.put("k", k);
    out.put("userVector", v.source());
    out.put("items", items);
    double seconds = (System.nanoTime() - started) / 1e9;
    metrics.querySeconds.observe(seconds);
    metrics.recentQueries.add(seconds * 1000);
    return out;
  }

  /** The page: a user's top K and a new item's reach over time, drawn from this service's API (page.html). */
  private void page(HttpExchange ex) throws IOException {
    try (ex; var in = RetrievalHttp.class.getResourceAsStream("page.html")) {
      byte[] bytes = in.readAllBytes();
      ex.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
      // Nothing but this service: inline script and style, requests to its own API.
      ex.getResponseHeaders().add("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; "
          + "style-src 'unsafe-inline'; connect-src 'self'");
      ex.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private Object reach(HttpExchange ex) {
    String path = ex.getRequestURI().getPath();
    long itemId = itemId(path.substring("/items/".length(), path.length() - "/reach".length()));
    ReachTracker.Reach r = reach.get(itemId);
    if (r == null) {
      throw new HttpError(404, "no positive on item " + itemId + " seen since the service started (reach is "
          + "followed for items the base never saw, when the service reads the interactions topic)");
    }
    return r;
  }

  private static long itemId(String id) {
    try {
      return Long.parseLong(id);
    } catch (NumberFormatException e) {
      throw new HttpError(400, "an item id is a number, not '" + id + "'");
    }
  }

  private Object item(HttpExchange ex) {
    String id = ex.getRequestURI().getPath().substring("/items/".length());
    long itemId;
    try {
      itemId = Long.parseLong(id);
    } catch (NumberFormatException e) {
      throw new HttpError(400, "an item id is a number, not '" + id + "'");
    }
    ItemIndex.Item item = index.get(itemId);
    if (item == null) {
      throw new HttpError(404, "unknown item " + itemId);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("itemId", itemId);
    out.put("phase", item.phase());
    out.put("updateSeq", item.updateSeq());
    out.put("embeddingVersion", item.baseVersion());
    out.put("lastUpdateMs", item.lastUpdateMs() < 0 ? null : item.lastUpdateMs());
    out.put("embeddingAgeMs", item.lastUpdateMs() < 0 ? null : clock.getAsLong() - item.lastUpdateMs());
    out.put("embedding", item.embedding());
    return out;
  }

  private Object health(HttpExchange ex) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("caughtUp", status.caughtUp());
    out.put("lagRecords", status.lagRecords());
    out.put("items", index.size());
    out.put("publishedUsers", users.publishedUsers());
    out.put("indexBytesPerItem", index.size() == 0 ? null : (double) index.indexBytes() / index.size());
    out.put("recentQueryP50Ms", finite(metrics.recentQueries.quantile(0.5)));
    out.put("recentQueryP99Ms", finite(metrics.recentQueries.quantile(0.99)));
    out.put("recentUpdateToSearchableP50Ms", finite(metrics.recentUpdates.quantile(0.5)));
    out.put("recentUpdateToSearchableP99Ms", finite(metrics.recentUpdates.quantile(0.99)));
    return out;
  }

  private static Double finite(double x) {
    return Double.isFinite(x) ? x : null;
  }

  private static long longParam(Map<String, String> q, String name, Long fallback) {
    String v = q.get(name);
    if (v == null || v.isEmpty()) {
      if (fallback == null) {
        throw new HttpError(400, "missing parameter '" + name + "'");
      }
      return fallback;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new HttpError(400, "parameter '" + name + "' is a number, not '" + v + "'");
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key;
      String value;
      try {
        key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new HttpError(400, "malformed query: " + e.getMessage());
      }
      if (out.put(key, value) != null) {
        throw new HttpError(400, "parameter '" + key + "' given twice");
      }
    }
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
