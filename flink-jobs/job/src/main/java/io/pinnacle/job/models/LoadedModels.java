package io.pinnacle.job.models;

import ai.djl.Device;
import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.job.config.JobConfiguration;
import io.pinnacle.job.config.PinnacleOptions;
import io.pinnacle.prompt.PromoArtifact;
import io.pinnacle.tuning.ArtifactModels;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.Configuration;

/**
 * The artifacts as the job's models: loaded once per TaskManager JVM and shared by its subtasks (reference
 * counted; the native tuner is created on first use, on the operator's device, and closed with the last user).
 */
public final class LoadedModels extends ArtifactModels {
  private static final Map<String, LoadedModels> SHARED = new ConcurrentHashMap<>();

  private final String key;
  private int users;

  private LoadedModels(String key, BaseModelArtifact base, PromoArtifact promo, java.nio.file.Path promoDir,
                       Configuration conf, Device device) {
    super(base, promo, JobConfiguration.updaterConfig(conf, promo, promoDir),
        new TuningRates(conf.get(PinnacleOptions.LAMBDA1), conf.get(PinnacleOptions.LAMBDA2),
            conf.get(PinnacleOptions.LEARNING_RATE)), device, conf.get(PinnacleOptions.TUNING_ENGINE));
    this.key = key;
  }

  /**
   * Reads both artifacts as a TaskManager would (format, sha256 of every file, the PROMO artifact built on this
   * base) and throws with a message naming what is wrong: a job with a bad artifact is refused before it starts
   * rather than restarted forever.
   */
  public static void verify(Configuration conf) {
    String baseUri = conf.get(PinnacleOptions.ARTIFACT_BASE);
    String promoUri = conf.get(PinnacleOptions.ARTIFACT_PROMO);
    PromoArtifact promo = PromoArtifact.load(ArtifactLocation.localDirectory(promoUri));
    BaseModelArtifact base = BaseModelArtifact.load(ArtifactLocation.localDirectory(baseUri));
    if (!promo.metadata().baseModelVersion().equals(base.version())) {
      throw new IllegalArgumentException("PROMO artifact " + promoUri + " was trained on base "
          + promo.metadata().baseModelVersion() + ", but " + baseUri + " is base " + base.version());
    }
  }

  /** Loads (or shares) the models for this configuration's artifacts; call {@link #close()} when done. */
  public static LoadedModels acquire(Configuration conf, Device device) {
    String baseUri = conf.get(PinnacleOptions.ARTIFACT_BASE);
    String promoUri = conf.get(PinnacleOptions.ARTIFACT_PROMO);
    // Subtasks of one job pass equal settings; the key still includes them so that two jobs in one JVM can differ.
    String key = baseUri + "|" + promoUri + "|" + device + "|" + conf.toMap().hashCode();
    synchronized (SHARED) {
      LoadedModels m = SHARED.get(key);
      if (m == null) {
        java.nio.file.Path promoDir = ArtifactLocation.localDirectory(promoUri);
        PromoArtifact promo = PromoArtifact.load(promoDir);
        BaseModelArtifact base = BaseModelArtifact.load(ArtifactLocation.localDirectory(baseUri));
        m = new LoadedModels(key, base, promo, promoDir, conf, device);
        SHARED.put(key, m);
      }
      m.users++;
      return m;
    }
  }

  @Override
  public void close() {
    synchronized (SHARED) {
      if (--users == 0) {
        SHARED.remove(key);
        super.close();
      }
    }
  }
}
