package io.pinnacle.cli;

import io.pinnacle.base.SasRecConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code --set key=value} and {@code --grid key=v1,v2} of {@code pinnacle pretrain}: base settings by name. */
final class BaseSettings {
  private BaseSettings() {}

  static SasRecConfig apply(SasRecConfig config, String keyValue) {
    int eq = keyValue.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("expected KEY=VALUE, got '" + keyValue + "'");
    }
    return apply(config, keyValue.substring(0, eq).trim(), keyValue.substring(eq + 1).trim());
  }

  static SasRecConfig apply(SasRecConfig config, String key, String value) {
    SasRecConfig.Builder b = config.toBuilder();
    try {
      switch (key) {
        case "dim" -> b.dim(Integer.parseInt(value));
        case "max-len" -> b.maxLen(Integer.parseInt(value));
        case "dropout" -> b.dropout(Float.parseFloat(value));
        case "loss" -> b.loss(SasRecConfig.Loss.valueOf(value.toUpperCase(Locale.ROOT)));
        case "negatives" -> b.negatives(Integer.parseInt(value));
        case "output-table" -> b.separateOutput(switch (value) {
          case "separate" -> true;
          case "shared" -> false;
          default -> throw new IllegalArgumentException("output-table is shared or separate, got '" + value + "'");
        });
        case "lr" -> b.learningRate(Float.parseFloat(value));
        case "clip-norm" -> b.clipNorm(Float.parseFloat(value));
        case "batch" -> b.batchSize(Integer.parseInt(value));
        case "patience" -> b.patience(Integer.parseInt(value));
        case "epochs" -> b.maxEpochs(Integer.parseInt(value));
        case "seed" -> b.seed(Long.parseLong(value));
        default -> throw new IllegalArgumentException("unknown base setting '" + key + "' (dim, max-len, dropout, "
            + "loss, negatives, output-table, lr, clip-norm, batch, patience, epochs, seed)");
      }
      return b.build();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("base setting " + key + ": '" + value + "' is not a number");
    }
  }

  /** Every combination of the grid's values applied to {@code config}, in order; just {@code config} without one. */
  static List<SasRecConfig> grid(SasRecConfig config, List<String> grid) {
    List<SasRecConfig> out = List.of(config);
    for (String spec : grid) {
      int eq = spec.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected KEY=V1,V2, got '" + spec + "'");
      }
      String key = spec.substring(0, eq).trim();
      List<SasRecConfig> next = new ArrayList<>();
      for (SasRecConfig c : out) {
        for (String v : spec.substring(eq + 1).split(",")) {
          next.add(apply(c, key, v.trim()));
        }
      }
      out = next;
    }
    return out;
  }
}
