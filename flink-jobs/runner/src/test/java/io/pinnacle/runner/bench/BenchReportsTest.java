package io.pinnacle.runner.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pinnacle.testing.HeadlessBrowser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stream benchmark's and the soak's HTML pages, drawn in a real headless Chromium from results of their shape. */
class BenchReportsTest {
  @TempDir Path dir;

  private static Results.ModeResult run(String job, String delivery, double perCpuSecond) {
    List<double[]> timeline = List.of(new double[] {0, 40, 90, 300}, new double[] {5, 41, 80, 250});
    Results.Steady steady = new Results.Steady(0.5, 30, 10_000, 150_000, 15, 10_000, 7, 0.5, 20_000, 40_000, 2_700,
        90, 350, 600, 700, 900, 880, 3, 9, timeline);
    List<double[]> rss = new ArrayList<>();
    for (int s = 0; s < 30; s++) {
      rss.add(new double[] {s, 500 + 10 * s});
    }
    return new Results.ModeResult(job, delivery, Map.of(), new Results.Prefill(400_000, 10, 40_000),
        new Results.MaxRate(400_000, 5, 20, 20_000, 20, 1, perCpuSecond, 100_000, 5_000, 80, 300, 6),
        List.of(steady), null, new Results.Memory(500, 790, 780, rss, List.of()), null, null);
  }

  @Test
  void benchmarkAndSoakPagesRender() throws Exception {
    Results.Benchmark b = new Results.Benchmark("2026-12-04T00:00:00Z", new LinkedHashMap<>(Map.of("events", 400_000)),
        Map.of("users", 1000), Map.of("cores", 2),
        List.of(run("old", "AT_LEAST_ONCE", 18_000), run("new", "AT_LEAST_ONCE", 23_000),
            run("new", "EXACTLY_ONCE", 30_000)));
    Path bench = dir.resolve("bench.html");
    BenchReport.write(b, bench);
    List<ClusterSoak.Sample> samples = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      samples.add(new ClusterSoak.Sample(20.0 * i, Map.of("tm-1", new ClusterSoak.Memory(900 + i, 600, 200, 5 + i, 300,
          150), "tm-2", new ClusterSoak.Memory(950, 610, 200, 6, 300, -1)), i, 900 + i, 1500 + 500 * i, 400, 100 * i,
          10_000L * i));
    }
    Map<String, Object> trends = new LinkedHashMap<>();
    for (ClusterSoak.Series series : ClusterSoak.series(List.of("tm-1", "tm-2"))) {
      trends.put(series.name(), series.trend(samples, 60));
    }
    assertEquals("growing", ((Map<?, ?>) trends.get("tm-1 RocksDB MB")).get("verdict"), "5 -> 14 MB in 3 minutes");
    assertEquals("flat", ((Map<?, ?>) trends.get("tm-2 resident MB")).get("verdict"));
    Map<?, ?> unattributed = (Map<?, ?>) trends.get("tm-1 unattributed native MB (share of outside the heap)");
    assertEquals(-0.3, (Double) unattributed.get("sharePerHour"), 1e-9, "-180 MB/h of the 600 MB outside the heap");
    assertEquals("not measured", ((Map<?, ?>) trends.get("tm-2 JVM native (NMT) MB")).get("verdict"));
    Path soak = dir.resolve("soak.html");
    SoakChart.html(samples, List.of("tm-1", "tm-2"), trends, Map.of("eventsPerSecond", 500), soak);
    assertTrue(Files.readString(soak).contains("not measured"), "the verdict table");
    assertTrue(Files.readString(bench).contains("23,000"), "the numbers beside the charts");

    Optional<Path> browser = HeadlessBrowser.find();
    if (browser.isEmpty()) {
      System.out.println("BenchReportsTest: " + HeadlessBrowser.missing());
    }
    assumeTrue(browser.isPresent(), HeadlessBrowser::missing);
    for (Path page : List.of(bench, soak)) {
      String dom = HeadlessBrowser.dumpDom(browser.get(), page);
      String charts = HeadlessBrowser.attribute(Files.readString(page), "body", "data-charts");
      assertEquals(page == bench ? "5" : "6", charts, page + ": charts written");
      assertEquals(charts, HeadlessBrowser.attribute(dom, "body", "data-charts-rendered"), page + ": charts drawn");
      assertEquals("0", HeadlessBrowser.attribute(dom, "body", "data-blocked-requests"));
      assertEquals("0", HeadlessBrowser.attribute(dom, "body", "data-resource-requests"));
      assertEquals(HeadlessBrowser.attributes(dom, "data-expected-points"),
          HeadlessBrowser.attributes(dom, "data-points"), page + ": every point drawn");
    }
  }
}
