package io.pinnacle.tuning;

import ai.djl.Device;
import java.util.Locale;

/** Which implementation of {@link PromptTuning} runs the incremental update. */
public enum TuningEngine {
  /** {@link ClosedFormTuner}: no native call and no lock; the default on CPU. */
  JAVA,
  /** {@link PromptTuner}: batched DJL autograd; the default on a GPU, where large batches pay. */
  DJL,
  /** JAVA on a CPU device, DJL on a GPU. */
  AUTO;

  public static TuningEngine parse(String name) {
    return valueOf(name.trim().toUpperCase(Locale.ROOT));
  }

  /** The engine that runs on {@code device}. */
  public TuningEngine on(Device device) {
    if (this != AUTO) {
      return this;
    }
    return device.isGpu() ? DJL : JAVA;
  }
}
