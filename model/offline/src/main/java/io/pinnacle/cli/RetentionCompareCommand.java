package io.pinnacle.cli;

import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.eval.LeaveOneOutSplit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "retention-compare", mixinStandardHelpOptions = true,
    description = "Pinnacle-memory retention of PROMO-stream vs an online-SGD baseline on one replay; JSON, PNG, table.")
final class RetentionCompareCommand implements Callable<Integer> {
  @Mixin DataOptions data;

  @Option(names = "--artifact", required = true, description = "base model artifact directory")
  Path artifact;

  @Option(names = "--promo", required = true, description = "PROMO artifact directory")
  Path promo;

  @Option(names = "--out", defaultValue = "target/retention", description = "output directory")
  Path out;

  @Option(names = "--sample-rate", defaultValue = "1.0", description = "share of pinnacle pairs tracked")
  double sampleRate;

  @Option(names = "--max-per-item", defaultValue = "10")
  int maxPerItem;

  @Option(names = "--sgd-lr", defaultValue = "0.05", description = "learning rate of the SGD baseline")
  float sgdLr;

  @Override
  public Integer call() throws Exception {
    BaseModelArtifact base = BaseModelArtifact.load(artifact);
    LeaveOneOutSplit split = data.trainingPeriod(base);
    var series = io.pinnacle.pipeline.RetentionComparison.run(split, base,
        io.pinnacle.prompt.PromoArtifact.load(promo), sampleRate, maxPerItem, sgdLr);
    Files.createDirectories(out);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("dataset", split.dataset.name());
    json.put("series", io.pinnacle.report.RetentionReport.json(series));
    Path j = out.resolve("retention-" + split.dataset.name() + ".json");
    PinnacleCli.JSON.writeValue(j.toFile(), json);
    return RetentionReportCommand.write(series, "Pinnacle memory retention, " + split.dataset.name(),
        out.resolve("retention-" + split.dataset.name()));
  }
}
