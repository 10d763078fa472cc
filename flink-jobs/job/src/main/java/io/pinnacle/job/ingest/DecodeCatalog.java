package io.pinnacle.job.ingest;

import ai.djl.Device;
import io.pinnacle.job.config.PinnacleOptions;
import io.pinnacle.job.models.LoadedModels;
import io.pinnacle.schema.ItemFeatures;
import io.pinnacle.schema.codec.AvroValueCodec;
import io.pinnacle.schema.codec.Codecs;
import java.io.IOException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decodes and validates the item catalog. Refused records go to the dead-letter side output:
 * {@code undecodable}; {@code missing-id} (a negative itemId); {@code bad-feature} (a negative feature id);
 * {@code too-many-features} (more than {@link PinnacleOptions#CATALOG_MAX_FEATURES}). Entries of items the base model
 * knows leave here: their base embedding is better than anything content says.
 */
public final class DecodeCatalog extends ProcessFunction<RawRecord, ItemFeatures> {
  private static final long serialVersionUID = 1L;
  public static final String RECEIVED = "catalogReceived";
  public static final String DEAD_LETTERED = "catalogDeadLettered";
  private final Configuration conf;
  private transient AvroValueCodec<ItemFeatures> codec;
  private transient LoadedModels models;
  private transient int maxFeatures;
  private transient Counter received;
  private transient Counter deadLettered;
  private transient Counter knownItems;

  public DecodeCatalog(Configuration conf) {
    this.conf = conf;
  }

  @Override
  public void open(OpenContext ctx) {
    codec = Codecs.itemFeatures();
    models = LoadedModels.acquire(conf, Device.cpu());
    maxFeatures = conf.get(PinnacleOptions.CATALOG_MAX_FEATURES);
    var metrics = getRuntimeContext().getMetricGroup();
    received = metrics.counter(RECEIVED);
    deadLettered = metrics.counter(DEAD_LETTERED);
    knownItems = metrics.counter("catalogKnownItems");
  }

  @Override
  public void processElement(RawRecord r, Context ctx, Collector<ItemFeatures> out) {
    received.inc();
    long now = ctx.timerService().currentProcessingTime();
    ItemFeatures f;
    try {
      f = codec.decode(r.value);
    } catch (IOException ex) {
      refuse(r, "undecodable", ex.getMessage(), now, ctx);
      return;
    }
    String reason = check(f, maxFeatures);
    if (reason != null) {
      refuse(r, reason, "itemId=" + f.getItemId() + " features=" + f.getFeatures().size(), now, ctx);
      return;
    }
    if (models.baseItemEmbedding(f.getItemId()) != null) {
      knownItems.inc();
      return;
    }
    out.collect(f);
  }

  /** The reason a catalog entry is refused, or null when it is valid. */
  static String check(ItemFeatures f, int maxFeatures) {
    if (f.getItemId() < 0) {
      return "missing-id";
    }
    if (f.getFeatures().size() > maxFeatures) {
      return "too-many-features";
    }
    for (int id : f.getFeatures()) {
      if (id < 0) {
        return "bad-feature";
      }
    }
    return null;
  }

  private void refuse(RawRecord r, String reason, String detail, long now, Context ctx) {
    deadLettered.inc();
    ctx.output(DeadLetters.TAG, DeadLetters.of(r, reason, detail, now));
  }

  @Override
  public void close() throws Exception {
    if (models != null) {
      models.close();
      models = null;
    }
    super.close();
  }
}
