package io.pinnacle.cli;

import io.pinnacle.djl.DjlRuntime;
import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.base.SasRecConfig;
import io.pinnacle.data.Dataset;
import io.pinnacle.data.NewItemHoldout;
import io.pinnacle.data.TemporalSplit;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.prequential.PrequentialConfig;
import io.pinnacle.prequential.PrequentialEvaluation;
import io.pinnacle.prequential.ServingFit;
import io.pinnacle.prompt.PromoArtifact;
import io.pinnacle.tuning.ArtifactModels.TuningRates;
import io.pinnacle.tuning.ServingTable;
import io.pinnacle.tuning.UpdaterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pinnacle fit-serving}: fits the serving table (which source each NEW and COLD item is served from, by its
 * positives) on a validation period that ends at the base's split T, never on the stream after T. The training
 * period is cut again at T_v; a base and PROMO globals trained up to T_v replay (T_v, T] with every servable source
 * served alone, and {@link ServingFit} picks per cell. The table is written beside the deployed PROMO artifact,
 * where the job, {@code prequential} and {@code ./pinnacle run} read it.
 */
@Command(name = "fit-serving", mixinStandardHelpOptions = true,
    description = "Fit the serving table on a validation replay before the split T; write it beside the PROMO "
        + "artifact.")
public final class FitServingCommand implements Callable<Integer> {
  /** T_v: the time by which this share of the training period's events happened. */
  public static final double VALIDATION_SHARE = 0.7;

  @Mixin DataOptions data;

  @Option(names = "--artifact", required = true, description = "base model artifact trained up to T (--split)")
  Path artifact;

  @Option(names = "--promo", required = true, description = "the PROMO artifact of that base: the table goes there")
  Path promo;

  @Option(names = "--work", required = true, description = "where the validation base and PROMO artifacts go")
  Path work;

  @Option(names = "--validation-share", defaultValue = "" + VALIDATION_SHARE,
      description = "T_v: the time by which this share of the training period's events happened (default 0.7)")
  double share;

  @Option(names = "--seed", description = "seed of the validation base's training (default: the base defaults'); "
      + "pass the seed the deployed base was trained with")
  Long seed;

  @Override
  public Integer call() throws Exception {
    DjlRuntime.initForTraining(); // a training process: every core
    List<SasRecConfig> candidates = SasRecConfig.defaultCandidates().stream()
        .map(c -> seed == null ? c : c.toBuilder().seed(seed).build()).toList();
    fit(data.load(), BaseModelArtifact.load(artifact), promo, work, share, candidates);
    return 0;
  }

  /** Fits and writes the table for the PROMO artifact in {@code promoDir} with a default validation base. */
  public static ServingTable fit(Dataset all, BaseModelArtifact base, Path promoDir, Path work, double share)
      throws IOException {
    return fit(all, base, promoDir, work, share, SasRecConfig.defaultCandidates());
  }

  /** Fits and writes the table; the validation base is the best of {@code candidates}; returns the table. */
  public static ServingTable fit(Dataset all, BaseModelArtifact base, Path promoDir, Path work, double share,
                                 List<SasRecConfig> candidates) throws IOException {
    if (base.splitTimeMs() == null) {
      throw new IllegalArgumentException("the base " + base.version() + " was trained on the whole data set: "
          + "fitting the serving table needs a temporal split (pretrain with --split)");
    }
    PromoArtifact deployed = PromoArtifact.load(promoDir);
    Dataset training = TemporalSplit.at(all, base.splitTimeMs()).before();
    NewItemHoldout.Result holdout = NewItemHoldout.ensure(TemporalSplit.byShare(training, share),
        NewItemHoldout.MIN_NEW_ITEMS);
    TemporalSplit validation = holdout.split();
    System.out.println("fitting the serving table on the validation replay: " + validation.describe() + "; NEW: "
        + holdout.describe());
    LeaveOneOutSplit vSplit = LeaveOneOutSplit.of(validation.before());
    BaseModelArtifact vBase = Artifacts.base(vSplit, validation, work.resolve("base-validation"), candidates);
    PromoArtifact vPromo = Artifacts.promo(vSplit, vBase, work.resolve("promo-validation"));
    UpdaterConfig uc = UpdaterConfig.defaults(vPromo.metadata().coldThreshold(),
        vPromo.metadata().config().pinnacleMode());
    PrequentialEvaluation.Result r = new PrequentialEvaluation(validation, vBase, vPromo, uc, TuningRates.DEFAULTS,
        PrequentialConfig.defaults().withServableOnly(true)).run();
    ServingFit.Fit fit = ServingFit.fit(r.json());
    ServingFit.Choice choice = ServingFit.choose(fit, r.json());
    Map<String, Object> evidence = new LinkedHashMap<>();
    evidence.put("validation", validation.describe());
    evidence.put("validationSplitTimeMs", validation.splitTimeMs());
    evidence.put("validationShare", share);
    evidence.put("validationNewItems", holdout.describe());
    evidence.put("heldOutAsNew", holdout.heldOut());
    evidence.put("validationBase", vBase.version());
    evidence.put("validationPromo", vPromo.metadata().version());
    evidence.putAll(fit.json());
    evidence.put("fittedTable", fit.table().toString());
    evidence.put("candidates", choice.candidates());
    evidence.put("chosen", choice.chosen());
    choice.table().save(promoDir, deployed.metadata().version(), evidence);
    PinnacleCli.JSON.writeValue(work.resolve("validation-prequential.json").toFile(), r.json());
    String whole2 = "\nEvery pair of one source for NEW and one for COLD items on the whole validation stream "
        + "(targeting AUC + placement HR@10, NEW and COLD weighted by pairs; eligible: placement HR@10 of no group "
        + "below the static base's by more than its budget; the fitted pair is kept unless another eligible pair "
        + "scores " + ServingFit.MARGIN + " higher):\n\n" + choice.markdown();
    String md = fit.markdown() + whole2;
    Files.writeString(work.resolve("serving-fit.md"), "# Serving table fitted on " + validation.describe() + "\n\n"
        + "NEW items: " + holdout.describe() + "\n\n" + md);
    System.out.print(md);
    System.out.println("serving table written to " + promoDir.resolve(ServingTable.FILE));
    return choice.table();
  }
}
