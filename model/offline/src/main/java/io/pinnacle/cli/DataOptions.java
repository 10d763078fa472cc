package io.pinnacle.cli;

import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.data.Dataset;
import io.pinnacle.data.DatasetLoader;
import io.pinnacle.data.TemporalSplit;
import io.pinnacle.eval.LeaveOneOutSplit;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The data set options shared by every command. */
public final class DataOptions {
  @Option(names = "--dataset", defaultValue = "synthetic",
      description = "synthetic (built in, default; synthetic-xN: N times its users and items), ml-100k or "
          + "kuairand")
  String dataset;

  @Option(names = "--data", description = "directory of the data set (ml-100k, kuairand), e.g. ../shared/data/ml-100k")
  Path data;

  @Option(names = "--cold-threshold", description = "override the data set's cold threshold (positives in training)")
  Integer coldThreshold;

  /** The training period of the base model's temporal split (the whole data set for a base trained on all). */
  public LeaveOneOutSplit trainingPeriod(BaseModelArtifact base) {
    TemporalSplit t = TemporalSplit.atOrWhole(load(), base.splitTimeMs());
    System.out.println(t.describe());
    return LeaveOneOutSplit.of(t.before());
  }

  public Dataset load() {
    Dataset d = DatasetLoader.load(dataset, data);
    if (coldThreshold != null) {
      d = new Dataset(d.name(), d.events(), d.rules().withColdThreshold(coldThreshold), d.itemFeatures());
    }
    return d;
  }
}
