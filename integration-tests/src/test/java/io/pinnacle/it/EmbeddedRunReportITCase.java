package io.pinnacle.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.base.SasRecConfig;
import io.pinnacle.cli.PinnacleCli;
import io.pinnacle.data.DatasetLoader;
import io.pinnacle.data.TemporalSplit;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.pipeline.Pretraining;
import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.pipeline.PromoExperiment;
import io.pinnacle.runner.EmbeddedRunner;
import io.pinnacle.testing.HeadlessBrowser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pinnacle run} end to end on the tiny synthetic stream (briefly trained artifacts put where the run looks for
 * them): the terminal shows a verdict of at most 40 lines after training, and the HTML report opens in a real
 * headless Chromium with every chart drawn and no request leaving the page.
 */
class EmbeddedRunReportITCase {
  @TempDir Path work;

  @Test
  void verdictOnOneScreenAndAReportThatRenders() throws Exception {
    TemporalSplit temporal = TemporalSplit.parse(DatasetLoader.load("synthetic-tiny", null), "0.5");
    LeaveOneOutSplit split = LeaveOneOutSplit.of(temporal.before());
    Path base = work.resolve("artifacts/base-synthetic");
    Pretraining.run(split, SasRecConfig.defaults().withMaxEpochs(5), base, temporal);
    PromoConfig pc = PromoConfig.defaults(16).withPromptEpochs(2);
    PromoExperiment x = new PromoExperiment(split, BaseModelArtifact.load(base), pc.k(), pc.warmPool(), pc.seed());
    x.saveArtifact(work.resolve("artifacts/promo-synthetic"), pc, x.promptStage(pc));

    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream out = System.out;
    PrintStream err = System.err;
    PrintStream both = new PrintStream(captured, true, StandardCharsets.UTF_8);
    int code;
    try {
      System.setOut(both);
      System.setErr(both);
      // A serving table set as a job setting: the run neither fits one (a second pre-training; `./pinnacle run` in
      // CI does) nor ignores the setting.
      code = PinnacleCli.execute(new EmbeddedRunner(), new String[] {"--dataset", "synthetic-tiny", "--work",
          work.toString(), "--set", "pinnacle.serving.table=NEW:anchor;COLD:start,anchor,promo,promo,co-liked,anchor"});
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    out.print(text);
    assertEquals(0, code, "exit code");
    List<String> lines = Arrays.asList(text.split("\n"));
    int streamStart = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("embedded Kafka at")) {
        streamStart = i;
      }
    }
    assertTrue(streamStart >= 0, "the stream started");
    List<String> after = lines.subList(streamStart, lines.size()).stream()
        .filter(l -> !l.contains(" INFO ") && !l.contains(" WARN ") && !l.startsWith("WARNING:")).toList();
    assertTrue(after.size() <= 40, after.size() + " lines after training:\n" + String.join("\n", after));
    for (String part : List.of("Verdict", "stream ", "input ", "targeting ", "  NEW ", "  COLD ", "WARM control",
        "placement ", "retention ", "report ")) {
      assertTrue(text.contains(part), "the verdict has '" + part + "'");
    }
    Path html = work.resolve("report-synthetic.html");
    assertTrue(Files.exists(work.resolve("tables-synthetic.md")), "the tables are written");
    assertTrue(Files.size(html) > 50_000, "the report is written with its library inlined");

    Optional<Path> browser = HeadlessBrowser.find();
    if (browser.isEmpty()) {
      System.out.println("EmbeddedRunReportITCase: " + HeadlessBrowser.missing());
    }
    assumeTrue(browser.isPresent(), HeadlessBrowser::missing);
    String page = Files.readString(html);
    int charts = Integer.parseInt(HeadlessBrowser.attribute(page, "body", "data-charts"));
    assertTrue(charts >= 8, "charts in the run's report: " + charts);
    String dom = HeadlessBrowser.dumpDom(browser.get(), html);
    assertEquals(String.valueOf(charts), HeadlessBrowser.attribute(dom, "body", "data-charts-rendered"));
    assertEquals("0", HeadlessBrowser.attribute(dom, "body", "data-blocked-requests"));
    assertEquals("0", HeadlessBrowser.attribute(dom, "body", "data-resource-requests"));
    assertEquals(HeadlessBrowser.attributes(dom, "data-expected-points"),
        HeadlessBrowser.attributes(dom, "data-points"), "every chart drew every point it was given");
  }
}
