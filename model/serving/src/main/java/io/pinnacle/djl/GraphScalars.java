package io.pinnacle.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Scalars for arithmetic that autograd records. DJL's {@code mul(Number)} and {@code div(Number)} wrap the number in
 * a tensor over a Java direct buffer and close that tensor as soon as the op returns; the op's backward keeps it to
 * scale the gradient, and once the collector frees the buffer, backward reads freed memory: a finite loss with a
 * NaN (or enormous, or vanishing) gradient, at random. A scalar that libtorch allocates is owned by the tensor, so it
 * lives as long as the graph holds it. Arithmetic outside a gradient collector may use numbers.
 */
public final class GraphScalars {
  private GraphScalars() {}

  /** A 0-d float tensor of {@code value}, allocated by libtorch on {@code manager}'s device. */
  public static NDArray of(NDManager manager, float value) {
    return manager.full(new Shape(), value);
  }
}
