package io.pinnacle.training;

/**
 * Training could not be kept finite: the guard ran out of recoveries. No artifact is written from such a run; the
 * command line turns this into a non-zero exit with the message.
 */
public final class TrainingDivergedException extends RuntimeException {
  public TrainingDivergedException(String message) {
    super(message);
  }
}
