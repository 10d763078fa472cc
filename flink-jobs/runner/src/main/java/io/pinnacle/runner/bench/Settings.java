package io.pinnacle.runner.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Everything a benchmark run is parameterised by (see {@link BenchArgs} for the command line). */
record Settings(Path base, Path promo, long events, long warmupEvents, double phaseSeconds, List<Double> fractions,
                List<String> deliveryModes, Duration checkpointInterval, int partitions, int newItems,
                double coldShare, double unknownUserShare, Duration drainTimeout, Path work, Path out,
                long seed, boolean profile) {

  /** How long the output must stay unchanged before a drain or a phase counts as finished. */
  long quietMs() {
    return checkpointInterval.toMillis() * 2 + 5_000;
  }
}
