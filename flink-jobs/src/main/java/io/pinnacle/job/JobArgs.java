package io.pinnacle.job;

import io.pinnacle.job.config.PinnacleJobConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code [--config FILE] [--set key=value ...]} into a configuration. */
final class JobArgs {
  private JobArgs() {}

  static PinnacleJobConfig parse(String[] args) {
    Path file = null;
    Map<String, String> overrides = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if ("--config".equals(args[i]) && i + 1 < args.length) {
        file = Path.of(args[++i]);
      } else if ("--set".equals(args[i]) && i + 1 < args.length) {
        String kv = args[++i];
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("--set expects key=value, got " + kv);
        }
        overrides.put(kv.substring(0, eq), kv.substring(eq + 1));
      } else {
        throw new IllegalArgumentException("unknown argument " + args[i] + "; use --config FILE and --set key=value");
      }
    }
    return PinnacleJobConfig.load(file, overrides);
  }
}
