package io.pinnacle.job.tuning;

import io.pinnacle.job.config.PinnacleJobConfig;
import java.io.Serializable;

/** The operator's settings, read once from the job configuration. */
public record TuningSettings(String baseArtifact, String promoArtifact, int k, int coldThreshold, float lambda1,
                             float lambda2, float learningRate, int adamSteps, int recentSamples,
                             int randomNegatives, int batchSize, long maxDelayMs, long minItemIntervalMs,
                             long stateTtlMs, double retentionSampleRate, int retentionMaxPerItem,
                             long retentionWindowMs, double retentionAlertFloor, long retentionAlertMinSamples)
    implements Serializable {

  public static TuningSettings from(PinnacleJobConfig c) {
    return new TuningSettings(c.get("artifact.base"), c.get("artifact.promo"), c.getInt("promo.k"),
        c.getInt("promo.cold-threshold"), c.getFloat("promo.lambda1"), c.getFloat("promo.lambda2"),
        c.getFloat("promo.learning-rate"), c.getInt("promo.adam-steps"), c.getInt("promo.recent-samples"),
        c.getInt("promo.random-negatives"), c.getInt("tuning.batch-size"),
        c.getDuration("tuning.max-delay").toMillis(), c.getDuration("tuning.min-item-interval").toMillis(),
        c.getDuration("state.ttl").toMillis(), Double.parseDouble(c.get("retention.sample-rate")),
        c.getInt("retention.max-per-item"), c.getDuration("retention.window").toMillis(),
        Double.parseDouble(c.get("retention.alert-floor")), c.getLong("retention.alert-min-samples"));
  }
}
