package io.pinnacle.training;

import io.pinnacle.base.Adam;
import ai.djl.ndarray.NDScope;

/** The optimizer's part of an {@link EpochLoop.Work} for a trainer that steps with {@link Adam}. */
public abstract class AdamWork<S> implements EpochLoop.Work<S> {
  protected final Adam adam;

  protected AdamWork(Adam adam) {
    this.adam = adam;
  }

  /** Runs {@code loop} on this work with the parameters' gradients attached for its duration. */
  public EpochLoop.Outcome<S> run(EpochLoop<S> loop, S initial, double initialScore) {
    adam.attachGradients();
    try {
      return loop.run(this, initial, initialScore);
    } finally {
      adam.detachGradients();
    }
  }

  @Override
  public void step(float scale) {
    try (NDScope scope = new NDScope()) { // Adam's temporaries
      scope.suppressNotUsedWarning();
      adam.step(scale);
    }
  }

  @Override
  public void clearGradients() {
    adam.clearGradients();
  }

  @Override
  public void resetOptimizer(float learningRate) {
    adam.reset(learningRate);
  }
}
