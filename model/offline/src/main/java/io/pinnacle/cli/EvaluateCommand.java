package io.pinnacle.cli;

import io.pinnacle.djl.DjlRuntime;
import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.eval.BaseDiagnostics;
import io.pinnacle.eval.Evaluation;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.pipeline.ColdStartEvaluation;
import io.pinnacle.pipeline.PromoEvaluation;
import io.pinnacle.report.ColdStartReport;
import io.pinnacle.report.ColdStartTable;
import io.pinnacle.report.HtmlReport;
import io.pinnacle.report.PaperResults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Cold-start evaluation (leave-one-out, 100 sampled negatives).")
final class EvaluateCommand implements Callable<Integer> {
  @Mixin DataOptions data;

  @Option(names = "--artifact", required = true, description = "base model artifact directory")
  Path artifact;

  @Option(names = "--json", description = "where to write the JSON results (default: <artifact>/evaluation.json)")
  Path json;

  @Option(names = "--fine-tune-epochs", defaultValue = "30", description = "maximum fine-tune epochs")
  int fineTuneEpochs;

  @Option(names = "--promo", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "add the PROMO rows (prompt stage, PROMO-stream, ablations); --no-promo skips them")
  boolean promo;

  @Option(names = "--ablations", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "run PROMO-M and the ablations (--no-ablations: PROMO and PROMO-stream only)")
  boolean ablations;

  @Option(names = "--tables", description = "also print the full table (always written beside the JSON as Markdown "
      + "and in the HTML report)")
  boolean tables;

  @Override
  public Integer call() throws Exception {
    DjlRuntime.initForTraining(); // a training process: every core
    return evaluate(data, artifact, json, fineTuneEpochs, promo, ablations, tables);
  }

  static int evaluate(DataOptions data, Path artifactDir, Path json, int fineTuneEpochs, boolean promo,
                      boolean ablations, boolean printTables) throws Exception {
    long t0 = System.nanoTime();
    BaseModelArtifact artifact = BaseModelArtifact.load(artifactDir);
    LeaveOneOutSplit split = data.trainingPeriod(artifact);
    System.out.println(split.describe());
    ColdStartEvaluation.Outcome outcome = ColdStartEvaluation.run(split, artifact, fineTuneEpochs);
    List<Evaluation> test = new ArrayList<>(outcome.test());
    List<Evaluation> validation = new ArrayList<>(outcome.validation());
    Map<String, Object> promoDetails = null;
    if (promo) {
      PromoEvaluation.Outcome p = PromoEvaluation.run(split, artifact,
          new PromoEvaluation.Options(256, 1, ablations, 200));
      test.addAll(p.test());
      validation.addAll(p.validation());
      promoDetails = p.details();
    }
    var reference = PaperResults.forDataset(split.dataset.name());
    String table = ColdStartTable.markdown(test, reference);
    if (printTables) {
      System.out.println();
      System.out.print(table);
    }
    BaseDiagnostics taste = PinnacleCli.baseDiagnostics(split, artifact);
    String tasteLine = String.format(Locale.ROOT, "taste       share of the base's score variance (500 users x all "
            + "items): item part %.3f, user part %.3f, interaction %.3f; user vectors: mean pairwise cosine %.3f, "
            + "%.1f of %d dimensions used; items: cosine %.3f, %.1f dimensions; rank correlation of an item's mean "
            + "score with its training positives %.3f", taste.itemShare(), taste.userShare(),
        taste.interactionShare(), taste.userCosine(), taste.userParticipation(), artifact.dim(), taste.itemCosine(),
        taste.itemParticipation(), taste.popularitySpearman());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("baseDiagnostics", taste);
    out.put("dataset", split.dataset.name());
    out.put("baseModelVersion", artifact.version());
    out.put("split", split.describe());
    out.put("test", test);
    out.put("validation", validation);
    out.put("fineTuneBestEpoch", outcome.fineTuneEpoch());
    out.put("promo", promoDetails);
    out.put("reference", reference);
    out.put("seconds", (System.nanoTime() - t0) / 1e9);
    Path target = json != null ? json : artifactDir.resolve("evaluation.json");
    if (target.getParent() != null) {
      Files.createDirectories(target.getParent());
    }
    PinnacleCli.JSON.writeValue(target.toFile(), out);
    Path md = PinnacleCli.sibling(target, ".md");
    Path html = PinnacleCli.sibling(target, ".html");
    String title = "Test stage, " + split.dataset.name() + ", base " + artifact.version()
        + " (cold = users whose test item is cold)";
    Files.writeString(md, "# " + title + "\n\n" + split.describe() + "\n\n" + table + "\n" + tasteLine + "\n");
    List<String> verdict = new ArrayList<>(List.of("Verdict, " + title));
    verdict.addAll(ColdStartReport.verdict(test));
    verdict.add(tasteLine);
    HtmlReport report = new HtmlReport("pinnacle evaluate: " + split.dataset.name());
    report.heading("Verdict").preformatted(String.join("\n", verdict));
    ColdStartReport.addTo(report, test, reference);
    report.setting("data", split.describe()).setting("base model", artifact.version())
        .setting("fine-tune epochs (max)", fineTuneEpochs).setting("PROMO rows", promo).setting("ablations", ablations)
        .setting("java", System.getProperty("java.version"));
    report.write(html);
    System.out.println();
    verdict.forEach(System.out::println);
    System.out.println("report      " + html + "  (table: " + md + "; --tables prints it here)");
    System.out.println("results     " + target);
    for (Evaluation e : test) {
      if (Double.isNaN(e.all().hr10())) {
        return 1;
      }
    }
    return 0;
  }
}
