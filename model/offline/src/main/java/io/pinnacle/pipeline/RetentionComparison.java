package io.pinnacle.pipeline;

import io.pinnacle.retention.RetentionTracker;
import io.pinnacle.retention.RetentionStats;
import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.prompt.PromoArtifact;
import io.pinnacle.prompt.PromoConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The paper's memory-retention claim, measured: the training period replayed once through PROMO-stream (per-item
 * prompt networks) and once through the online-SGD baseline, with the same tracked pairs and candidates.
 */
public final class RetentionComparison {
  public static final String PROMO = "PROMO-stream";
  public static final String BASELINE = "online SGD of item embeddings";

  private RetentionComparison() {}

  public static Map<String, RetentionStats> run(LeaveOneOutSplit split, BaseModelArtifact base, PromoArtifact promo,
                                                double sampleRate, int maxPerItem, float sgdLearningRate) {
    PromoConfig c = promo.metadata().config();
    PromoExperiment x = new PromoExperiment(split, base, c.k(), c.warmPool(), c.seed());
    RetentionTracker tracker = x.retentionTracker(sampleRate, maxPerItem, 99L);
    RetentionStats promoStats = new RetentionStats();
    x.streamReplay(c, promo.globals(), 256, 1, tracker, promoStats, false);
    RetentionStats sgdStats = new RetentionStats();
    x.sgdReplay(sgdLearningRate, tracker, sgdStats, c.k());
    Map<String, RetentionStats> out = new LinkedHashMap<>();
    out.put(PROMO, promoStats);
    out.put(BASELINE, sgdStats);
    return out;
  }
}
