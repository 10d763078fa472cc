package io.pinnacle.retrieval;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.DoubleSupplier;

/** The service's Prometheus metrics (exposed on {@code GET /metrics}). */
public final class RetrievalMetrics {
  public final PrometheusRegistry registry = new PrometheusRegistry();
  /** The last 65,536 query latencies and update-to-searchable times (ms), for /health's recent quantiles. */
  public final RecentLatencies recentQueries = new RecentLatencies(1 << 16);
  public final RecentLatencies recentUpdates = new RecentLatencies(1 << 16);
  /** Query latency, from the request in to the answer written. */
  public final Histogram querySeconds = Histogram.builder().name("pinnacle_retrieval_query_seconds")
      .help("Latency of GET /recommend").classicUpperBounds(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5)
      .register(registry);
  /** From the job's emission of an update to the moment it is searchable here. */
  public final Histogram updateToSearchableSeconds = Histogram.builder()
      .name("pinnacle_retrieval_update_to_searchable_seconds")
      .help("From an item update's emittedAtMs (the job's clock) to the index serving it")
      .classicUpperBounds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30).register(registry);
  public final Counter updatesApplied = Counter.builder().name("pinnacle_retrieval_item_updates_applied")
      .help("Item updates indexed").register(registry);
  public final Counter updatesIgnored = Counter.builder().name("pinnacle_retrieval_item_updates_ignored")
      .help("Item updates not indexed, by reason").labelNames("reason").register(registry);
  public final Counter userVectorsApplied = Counter.builder().name("pinnacle_retrieval_user_vectors_applied")
      .help("User vectors taken from the topic").register(registry);
  public final Counter badRequests = Counter.builder().name("pinnacle_retrieval_bad_requests")
      .help("Requests refused with a 4xx, by status").labelNames("status").register(registry);

  /** Gauges read when scraped. */
  public void gauges(DoubleSupplier lagRecords, DoubleSupplier items, DoubleSupplier indexBytes) {
    GaugeWithCallback.builder().name("pinnacle_retrieval_index_lag_records")
        .help("Records on the two topics not yet applied (end offsets minus positions)")
        .callback(cb -> cb.call(lagRecords.getAsDouble())).register(registry);
    GaugeWithCallback.builder().name("pinnacle_retrieval_items").help("Items in the index")
        .callback(cb -> cb.call(items.getAsDouble())).register(registry);
    GaugeWithCallback.builder().name("pinnacle_retrieval_index_bytes").help("Memory of the Lucene index")
        .callback(cb -> cb.call(indexBytes.getAsDouble())).register(registry);
  }
}
