package io.pinnacle.cli;

import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.base.SasRecConfig;
import io.pinnacle.data.TemporalSplit;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.pipeline.Pretraining;
import io.pinnacle.prompt.PromoArtifact;
import io.pinnacle.prompt.PromoConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Artifacts kept in a work directory and trained again only when they no longer fit the split. */
public final class Artifacts {
  private Artifacts() {}

  /**
   * The base of this split ({@code split} is the leave-one-out split of {@code temporal.before()}): reused when one
   * trained up to the same T exists (with its content mapper when the data set has features), else pre-trained.
   */
  public static BaseModelArtifact base(LeaveOneOutSplit split, TemporalSplit temporal, Path dir) throws IOException {
    return base(split, temporal, dir, SasRecConfig.defaultCandidates());
  }

  /** The same, pre-training these candidates (the best on validation is kept) when none fits. */
  public static BaseModelArtifact base(LeaveOneOutSplit split, TemporalSplit temporal, Path dir,
                                       java.util.List<SasRecConfig> candidates) throws IOException {
    if (Files.isDirectory(dir)) {
      BaseModelArtifact existing = BaseModelArtifact.load(dir);
      boolean wantsMapper = split.dataset.itemFeatures() != null && !split.dataset.itemFeatures().isEmpty();
      // The same items too: a validation period with items held out as new has T_v but not every item before it.
      boolean sameItems = existing.itemIds().length == temporal.before().distinctItems();
      if (Long.valueOf(temporal.splitTimeMs()).equals(existing.splitTimeMs()) && sameItems
          && (!wantsMapper || existing.contentMapperBytes() != null)) {
        return existing;
      }
      System.out.println("the base model in " + dir + " was trained up to another time, on other items or without "
          + "its content mapper; training again");
    }
    System.out.println("pre-training the base model on the events up to T into " + dir);
    Pretraining.select(split, candidates, dir, temporal);
    return BaseModelArtifact.load(dir);
  }

  /** The PROMO globals of this base: reused when trained on it, else the prompt stage runs with defaults. */
  public static PromoArtifact promo(LeaveOneOutSplit split, BaseModelArtifact base, Path dir) throws IOException {
    return promo(split, base, dir, PromptTrainCommand.DEFAULT_OBJECTIVE);
  }

  /** The same with a prompt-stage objective ({@code stream} or {@code leave-one-out}). */
  public static PromoArtifact promo(LeaveOneOutSplit split, BaseModelArtifact base, Path dir, String objective)
      throws IOException {
    if (Files.isDirectory(dir) && PromoArtifact.load(dir).metadata().baseModelVersion().equals(base.version())) {
      return PromoArtifact.load(dir);
    }
    System.out.println("running the PROMO prompt stage (" + objective + ") into " + dir);
    PromptTrainCommand.promptTrain(split, base, dir, PromoConfig.defaults(base.dim()), objective);
    return PromoArtifact.load(dir);
  }
}
