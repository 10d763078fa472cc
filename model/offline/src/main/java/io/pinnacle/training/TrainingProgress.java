package io.pinnacle.training;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Progress of long training runs: one INFO line per evaluation, so a run is never silent for long. */
public final class TrainingProgress {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingProgress.class);
  private final String task;
  private final long started = System.nanoTime();

  public TrainingProgress(String task) {
    this.task = task;
  }

  public void epoch(int epoch, int maxEpochs, double loss, double validationMetric, boolean best) {
    LOG.info(String.format("%s epoch %d/%d loss %.4f validation %.4f%s (%.0fs)", task, epoch, maxEpochs, loss,
        validationMetric, best ? " *" : "", seconds()));
  }

  public double seconds() {
    return (System.nanoTime() - started) / 1e9;
  }
}
