package io.pinnacle.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pinnacle.testing.HeadlessBrowser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
  @TempDir Path dir;

  static HtmlReport sample() {
    double nan = Double.NaN;
    return new HtmlReport("A sample report <with> markup & quotes \"")
        .paragraph("Two charts, one empty, and a table.")
        .chart(Chart.categorical("Targeting by bucket", "positives before the event", "AUC",
            List.of("0", "1", "2-4", "5-9"), List.of(
                new Chart.Series("PROMO-stream", new double[] {0.6, 0.65, 0.7, nan}, new double[] {0.5, 0.55, 0.6, nan},
                    new double[] {0.7, 0.75, 0.8, nan}),
                Chart.Series.of("No information", new double[] {0.5, 0.5, 0.5, 0.5})), "0.5 = no information"))
        .chart(Chart.numeric("Events per second", "seconds", "events/s", new double[] {1, 2, 3},
            List.of(Chart.Series.of("processed", new double[] {100, 2000, 0})), null))
        .chart(Chart.numeric("Nothing here", "x", "y", new double[] {1},
            List.of(Chart.Series.of("empty", new double[] {nan})), "no evaluations"))
        .table(new Table.Builder("counts", List.of("a", "b")).row("x</td><script>", "1").build())
        .setting("dataset", "synthetic");
  }

  @Test
  void selfContainedPage() throws Exception {
    String html = sample().html();
    assertFalse(html.contains("http://") && html.contains("src=\"http"), "no external source");
    assertFalse(html.matches("(?s).*<(script|link|img)[^>]*\\s(src|href)=.*"), "nothing loaded from elsewhere");
    assertTrue(html.contains("Content-Security-Policy"));
    assertTrue(html.contains("x&lt;/td&gt;&lt;script&gt;"), "cells are escaped");
    assertTrue(html.contains("uPlot"), "the charting library is inlined");
    assertTrue(html.contains("no data in this run: no evaluations"), "an empty chart says so instead of drawing");
    assertEquals(2, sample().chartCount());
    // The numbers beside the chart, with the interval.
    assertTrue(html.contains("0.650 [0.550, 0.750]"));
  }

  @Test
  void chartNumbersAsTable() {
    Chart c = Chart.categorical("t", "bucket", "AUC", List.of("a", "b"),
        List.of(new Chart.Series("s", new double[] {0.5, Double.NaN}, new double[] {0.4, Double.NaN},
            new double[] {0.6, Double.NaN})), null);
    assertEquals(List.of(List.of("a", "0.500 [0.400, 0.600]"), List.of("b", "-")), c.table().rows());
    assertEquals(1, c.points());
  }

  /** The page in a real browser: every chart drawn with its points, and no request left the page. */
  @Test
  void rendersInHeadlessChromium() throws Exception {
    Optional<Path> browser = HeadlessBrowser.find();
    if (browser.isEmpty()) {
      System.out.println("HtmlReportTest: " + HeadlessBrowser.missing());
    }
    assumeTrue(browser.isPresent(), HeadlessBrowser::missing);
    Path page = sample().write(dir.resolve("report.html"));
    String dom = HeadlessBrowser.dumpDom(browser.get(), page);
    assertRendered(dom, 2);
    assertEquals(List.of("7", "3"), HeadlessBrowser.attributes(dom, "data-points"));
  }

  /** What every report must show in the browser: all its charts drawn with data, and no request attempted. */
  public static void assertRendered(String dom, int charts) {
    assertEquals(String.valueOf(charts), HeadlessBrowser.attribute(dom, "body", "data-charts-rendered"),
        "charts drawn");
    assertEquals("0", HeadlessBrowser.attribute(dom, "body", "data-blocked-requests"), "requests refused");
    assertEquals("0", HeadlessBrowser.attribute(dom, "body", "data-resource-requests"), "requests made");
    // Each chart drew every point the report wrote for it.
    assertEquals(HeadlessBrowser.attributes(dom, "data-expected-points"), HeadlessBrowser.attributes(dom, "data-points"));
    assertEquals(charts, HeadlessBrowser.attributes(dom, "data-points").size());
    for (String p : HeadlessBrowser.attributes(dom, "data-points")) {
      assertTrue(Integer.parseInt(p) > 0, "a chart without points");
    }
  }

  @Test
  void writesOneFile() throws Exception {
    Path page = sample().write(dir.resolve("sub/report.html"));
    assertTrue(Files.size(page) > 40_000, "library inlined");
    assertEquals(1, Files.list(dir.resolve("sub")).count());
  }
}
