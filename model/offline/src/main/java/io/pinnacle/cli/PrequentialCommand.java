package io.pinnacle.cli;

import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.data.TemporalSplit;
import io.pinnacle.prequential.PrequentialConfig;
import io.pinnacle.prequential.PrequentialEvaluation;
import io.pinnacle.prequential.PrequentialReport;
import io.pinnacle.prequential.PrequentialVerdict;
import io.pinnacle.report.HtmlReport;
import io.pinnacle.prompt.PromoArtifact;
import io.pinnacle.tuning.ArtifactModels.TuningRates;
import io.pinnacle.tuning.ServingRule;
import io.pinnacle.tuning.ServingTable;
import io.pinnacle.tuning.UpdaterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pinnacle prequential}: test-then-train quality over the stream after the base model's split. */
@Command(name = "prequential", mixinStandardHelpOptions = true,
    description = "Prequential targeting AUC and placement over the events after the temporal split.")
public final class PrequentialCommand implements Callable<Integer> {
  @Mixin DataOptions data;

  @Option(names = "--artifact", required = true, description = "base model artifact (trained with a --split)")
  Path artifact;

  @Option(names = "--promo", required = true, description = "PROMO artifact of that base")
  Path promo;

  @Option(names = "--json", description = "where to write the results (default: <artifact>/prequential.json)")
  Path json;

  @Option(names = "--sgd-lr", description = "learning rate of the online-SGD row (default 0.05)")
  Float sgdLr;

  @Option(names = "--learning-rate", description = "Adam rate of the incremental tuning (default 0.001; "
      + "choose it with `pinnacle select`)")
  Float learningRate;

  @Option(names = "--lambda1", description = "weight of the first prompt-enhanced loss (default 0.01)")
  Float lambda1;

  @Option(names = "--lambda2", description = "weight of the second prompt-enhanced loss (default 0.1)")
  Float lambda2;

  @Option(names = "--co-liked-prior", description = "the serving rule's extra weight of an item's starting "
      + "embedding against its co-liked mean, in positives (default 0)")
  Float coLikedPrior;

  @Option(names = "--prompt-min-positives", description = "stream positives before PROMO's change is served "
      + "(default 0; 'never': only the anchor is served)")
  String promptMinPositives;

  @Option(names = "--no-co-liked", description = "the anchor is the starting embedding (no co-liked mean)")
  boolean noCoLiked;

  @Option(names = "--uncentered", description = "the anchor moves to the co-liked mean itself, not by its deviation "
      + "from the expected co-liked vector (an ablation)")
  boolean uncentered;

  @Option(names = "--serving-table", description = "the serving table, NEW:s0,...,s5;COLD:s0,...,s5 over start, "
      + "anchor, co-liked, users, users-scaled, promo (default: the one `pinnacle fit-serving` fitted for the PROMO artifact, else "
      + "promo everywhere)")
  String servingTable;

  @Option(names = "--tables", description = "also print every table (always written beside the JSON as Markdown and "
      + "in the HTML report)")
  boolean tables;

  @Override
  public Integer call() throws Exception {
    BaseModelArtifact base = BaseModelArtifact.load(artifact);
    PromoArtifact p = PromoArtifact.load(promo);
    TemporalSplit split = TemporalSplit.atOrWhole(data.load(), base.splitTimeMs());
    System.out.println(split.describe());
    PrequentialConfig config = PrequentialConfig.defaults();
    if (sgdLr != null) {
      config = config.withSgdLearningRate(sgdLr);
    }
    UpdaterConfig uc = UpdaterConfig.defaults(p.metadata().coldThreshold(), p.metadata().config().pinnacleMode());
    ServingRule d0 = uc.serving();
    uc = uc.withServing(new ServingRule(!noCoLiked, coLikedPrior != null ? coLikedPrior : d0.prior(),
        ServingRule.parseMinPositives(promptMinPositives, d0.promptMinPositives()), d0.centered() && !uncentered,
        servingTable != null ? ServingTable.parse(servingTable)
            : ServingTable.fittedOrDefault(promo, p.metadata().version())));
    TuningRates d = TuningRates.DEFAULTS;
    TuningRates rates = new TuningRates(lambda1 != null ? lambda1 : d.lambda1(), lambda2 != null ? lambda2 : d.lambda2(),
        learningRate != null ? learningRate : d.learningRate());
    PrequentialEvaluation.Result r = new PrequentialEvaluation(split, base, p, uc, rates, config).run();
    if (tables) {
      System.out.print(r.markdown());
    }
    Path target = json != null ? json : artifact.resolve("prequential.json");
    if (target.getParent() != null) {
      Files.createDirectories(target.getParent());
    }
    PinnacleCli.JSON.writeValue(target.toFile(), r.json());
    Path md = PinnacleCli.sibling(target, ".md");
    Path html = PinnacleCli.sibling(target, ".html");
    Files.writeString(md, "# Prequential quality, " + split.dataset().name() + "\n\n" + r.markdown());
    List<String> verdict = new ArrayList<>();
    verdict.add("Verdict, " + split.describe() + "; base " + base.version() + ", PROMO " + p.metadata().version());
    verdict.addAll(PrequentialVerdict.lines(r.json()));
    HtmlReport report = new HtmlReport("pinnacle prequential: " + split.dataset().name());
    report.heading("Verdict").preformatted(String.join("\n", verdict));
    PrequentialReport.addTo(report, r);
    report.setting("data", split.describe()).setting("base model", base.version())
        .setting("PROMO artifact", p.metadata().version()).setting("serving rule", uc.serving())
        .setting("tuning rates", rates).setting("evaluation", config).setting("java", System.getProperty("java.version"));
    report.write(html);
    System.out.println();
    verdict.forEach(System.out::println);
    System.out.println("report      " + html + "  (tables: " + md + "; --tables prints them here)");
    System.out.println("results     " + target);
    return 0;
  }
}
