package io.pinnacle.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a training run finite, or stops it loudly. Every step's loss and global gradient norm are checked before
 * the optimizer moves: a finite step passes, with its gradient scaled down to the clip norm when it is above it; a
 * non-finite loss, gradient or validation score is a divergence. The trainer then restores its last good
 * parameters, resets the optimizer's moments and continues at the learning rate times {@link Config#rateFactor};
 * after {@link Config#maxRecoveries} recoveries the next divergence throws {@link TrainingDivergedException} naming
 * the task, epoch, batch and cause. Every recovery is kept for the artifact and logged as a WARN line.
 */
public final class DivergenceGuard {
  private static final Logger LOG = LoggerFactory.getLogger(DivergenceGuard.class);

  /** Recovery policy: how often, and how much the learning rate drops each time. */
  public record Config(int maxRecoveries, float rateFactor, float clipNorm) {
    public static Config defaults(float clipNorm) {
      return new Config(3, 0.5f, clipNorm);
    }
  }

  /** One recovery: where the run diverged, why, and the learning rate it continued with. */
  public record Recovery(int epoch, int batch, String cause, float learningRate) {
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("epoch", epoch);
      m.put("batch", batch);
      m.put("cause", cause);
      m.put("learningRate", learningRate);
      return m;
    }
  }

  private final String task;
  private final Config config;
  private final List<Recovery> recoveries = new ArrayList<>();
  private float learningRate;
  private int clipped;

  public DivergenceGuard(String task, Config config, float learningRate) {
    this.task = task;
    this.config = config;
    this.learningRate = learningRate;
  }

  /**
   * The factor to scale this step's gradient by (1 unless clipped), or NaN when the step diverged and must not be
   * applied (the caller then calls {@link #recover}).
   */
  public float stepScale(double loss, double gradientNorm) {
    if (!Double.isFinite(loss) || !Double.isFinite(gradientNorm)) {
      return Float.NaN;
    }
    if (config.clipNorm() > 0 && gradientNorm > config.clipNorm()) {
      clipped++;
      return (float) (config.clipNorm() / gradientNorm);
    }
    return 1f;
  }

  /** Why a step with these numbers diverged, for the recovery record. */
  public static String cause(double loss, double gradientNorm) {
    return !Double.isFinite(loss) ? "loss " + loss : "gradient norm " + gradientNorm;
  }

  /**
   * Records a divergence and returns the learning rate to continue with, or throws when no recovery is left. The
   * caller restores its last good parameters and resets the optimizer.
   */
  public float recover(int epoch, int batch, String cause) {
    if (recoveries.size() >= config.maxRecoveries()) {
      throw new TrainingDivergedException(String.format(
          "%s diverged: %s at epoch %d, batch %d, after %d recoveries (learning rate now %.3g); no artifact written."
              + " Lower the learning rate or check the input data.", task, cause, epoch, batch, recoveries.size(),
          learningRate));
    }
    learningRate *= config.rateFactor();
    recoveries.add(new Recovery(epoch, batch, cause, learningRate));
    LOG.warn(String.format("%s: %s at epoch %d, batch %d; restored the last good parameters, continuing at learning "
        + "rate %.3g (recovery %d of %d)", task, cause, epoch, batch, learningRate, recoveries.size(),
        config.maxRecoveries()));
    return learningRate;
  }

  public float learningRate() {
    return learningRate;
  }

  public List<Recovery> recoveries() {
    return List.copyOf(recoveries);
  }

  /** Steps whose gradient was clipped. */
  public int clippedSteps() {
    return clipped;
  }
}
