package io.pinnacle.retrieval;

import io.pinnacle.base.BaseModelArtifact;
import java.io.IOException;
import java.time.Duration;

/**
 * The retrieval service: the base's item table (warm items) and the job's two compacted topics in an HNSW index and a
 * user-vector map, answered over HTTP ({@link RetrievalHttp}). Nothing is kept on disk: a restart rebuilds from the
 * base and the topics.
 */
public final class RetrievalService implements AutoCloseable {
  private final ItemIndex index;
  private final UserVectors users;
  private final ReachTracker reach;
  private final RetrievalMetrics metrics = new RetrievalMetrics();
  private final TopicFollower follower;
  private final RetrievalHttp http;

  public RetrievalService(RetrievalConfig config) throws IOException {
    BaseModelArtifact base = BaseModelArtifact.load(config.base());
    index = new ItemIndex(base.dim(), config.maxStaleMs());
    for (long item : base.itemIds()) {
      // Warm until the job says otherwise: every update of the job has a sequence above 0.
      index.upsert(item, base.itemEmbedding(item), "WARM", 0L, base.version(), -1L);
    }
    users = new UserVectors(base);
    reach = new ReachTracker(config.reach() == null ? 10 : config.reach().k(), 100_000);
    follower = new TopicFollower(config, index, users, metrics, base.version(), reach,
        item -> base.denseItem(item) < 0);
    metrics.gauges(() -> follower.lag(), index::size, index::indexBytes);
    follower.start();
    http = new RetrievalHttp(config.port(), config.maxK(), index, users, reach, metrics, new RetrievalHttp.Status() {
      @Override
      public boolean caughtUp() {
        return follower.caughtUp();
      }

      @Override
      public long lagRecords() {
        return follower.lag();
      }
    }, System::currentTimeMillis);
  }

  public int port() {
    return http.port();
  }

  public ItemIndex index() {
    return index;
  }

  public UserVectors users() {
    return users;
  }

  public ReachTracker reach() {
    return reach;
  }

  public RetrievalMetrics metrics() {
    return metrics;
  }

  /** Waits until what the topics held at start is applied and searchable. */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return follower.awaitCaughtUp(timeout);
  }

  @Override
  public void close() throws Exception {
    http.close();
    follower.close();
    index.close();
  }
}
