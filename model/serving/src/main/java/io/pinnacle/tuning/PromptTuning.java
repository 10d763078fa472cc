package io.pinnacle.tuning;

import ai.djl.Device;
import io.pinnacle.base.NamedTensors;
import io.pinnacle.prompt.PromoConfig;
import java.util.List;

/**
 * The incremental update of a micro-batch of cold items: Adam steps on each item's own prompt against its own
 * loss, globals and base frozen, then the items' serving embeddings. Two implementations compute the same thing:
 * {@link ClosedFormTuner} (explicit arithmetic on the JVM, the CPU default) and {@link PromptTuner} (DJL autograd,
 * for GPU TaskManagers and as the reference). Safe to call from several threads.
 */
public interface PromptTuning extends AutoCloseable {

  /** Result of one call: new states, serving embeddings, and the batch-mean losses of the last step (NaN if none). */
  record Result(List<PromptState> states, float[][] embeddings, float rec, float pfpe, float pape) {}

  PromoConfig config();

  /** Runs {@code steps} Adam steps on every item's prompt, then returns the new states and embeddings. */
  Result tune(List<ItemTuningInput> items, int steps);

  /** Serving embeddings for the items' current states, without tuning. */
  default float[][] embed(List<ItemTuningInput> items) {
    return tune(items, 0).embeddings();
  }

  @Override
  void close();

  /** A tuner of the given engine ({@link TuningEngine#AUTO} resolved for the device). */
  static PromptTuning create(TuningEngine engine, NamedTensors globals, PromoConfig config, float tau, Device device) {
    return switch (engine.on(device)) {
      case DJL -> new PromptTuner(globals, config, tau, device);
      default -> new ClosedFormTuner(globals, config, tau);
    };
  }
}
