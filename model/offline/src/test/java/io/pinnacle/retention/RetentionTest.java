package io.pinnacle.retention;

import io.pinnacle.report.RetentionReport;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {
  @TempDir Path dir;

  /**
   * A hand-built catalogue in 2-d: candidates all point along x with score 1 for the user (0, 1)... The user is
   * (1, 0); 100 candidates score 0.5. An item embedding scoring above 0.5 ranks first, below it ranks last.
   */
  private static RetentionTracker tracker(double rate, int maxPerItem) {
    int n = 200;
    long[] ids = new long[n];
    float[][] cat = new float[n][];
    for (int i = 0; i < n; i++) {
      ids[i] = 1000 + i;
      cat[i] = new float[] {0.5f, 0f};
    }
    return new RetentionTracker(rate, maxPerItem, 10, 100, 1L, ids, cat);
  }

  private static final float[] USER = {1f, 0f};
  private static final float[] GOOD = {1f, 0f};
  private static final float[] BAD = {0.1f, 0f};

  /** The one-dot-product decision equals ranking the item among the pair's candidates. */
  @Test
  void thresholdDecidesExactlyAsTheRank() {
    java.util.Random rnd = new java.util.Random(5);
    int n = 300;
    long[] ids = new long[n];
    float[][] cat = new float[n][4];
    for (int i = 0; i < n; i++) {
      ids[i] = i;
      for (int k = 0; k < 4; k++) {
        cat[i][k] = (float) rnd.nextGaussian();
      }
    }
    RetentionTracker t = new RetentionTracker(1.0, 5, 10, 100, 3L, ids, cat);
    int agreed = 0;
    for (int trial = 0; trial < 500; trial++) {
      long item = rnd.nextInt(n);
      long user = rnd.nextInt(1000);
      float[] u = cat[rnd.nextInt(n)];
      float score = (float) (rnd.nextGaussian() * 3);
      assertEquals(t.rank(item, user, u, score) < 10, score > t.threshold(item, user, u), "trial " + trial);
      agreed++;
    }
    assertEquals(500, agreed);
  }

  @Test
  void handBuiltScenario() {
    RetentionTracker t = tracker(1.0, 5);
    RetentionStats s = new RetentionStats();
    // Item 1: correct at t0 (3 negatives so far), then updates at 5, 17 (still good) and 40 negatives (forgotten).
    List<TrackedPair> item1 = new ArrayList<>();
    item1.add(t.start(1, 7, USER, 3, GOOD, s));
    t.afterUpdate(1, item1, GOOD, 5, u -> USER, s);   // 2 since t0 -> bucket 0, memorized
    t.afterUpdate(1, item1, GOOD, 17, u -> USER, s);  // 14 -> bucket 1, memorized
    t.afterUpdate(1, item1, BAD, 43, u -> USER, s);   // 40 -> bucket 4, forgotten
    t.afterUpdate(1, item1, GOOD, 250, u -> USER, s); // 247 -> >= 100, memorized
    // Item 2: not correct at t0, never followed.
    List<TrackedPair> item2 = new ArrayList<>();
    item2.add(t.start(2, 8, USER, 0, BAD, s));
    t.afterUpdate(2, item2, GOOD, 1, u -> USER, s);
    // Item 3 graduates after one update: nothing is evaluated for it afterwards (the caller stops calling).
    List<TrackedPair> item3 = new ArrayList<>();
    item3.add(t.start(3, 9, USER, 0, GOOD, s));
    t.afterUpdate(3, item3, BAD, 1, u -> USER, s);    // bucket 0, forgotten

    assertEquals(3, s.trackedCount());
    assertEquals(2, s.correctAtT0Count());
    assertEquals(1, s.memorized(0));
    assertEquals(1, s.forgotten(0));
    assertEquals(0.5, s.rate(0), 1e-12);
    assertEquals(1.0, s.rate(1), 1e-12);
    assertEquals(0.0, s.rate(4), 1e-12);
    assertEquals(1.0, s.rate(10), 1e-12);
    for (int b : new int[] {2, 3, 5, 6, 7, 8, 9}) {
      assertTrue(Double.isNaN(s.rate(b)), "bucket " + b + " is empty");
    }
    assertEquals(3, s.memorizedTotal());
    assertEquals(2, s.forgottenTotal());
  }

  @Test
  void bucketsAndSampling() {
    assertEquals(0, RetentionStats.bucket(0));
    assertEquals(0, RetentionStats.bucket(9));
    assertEquals(1, RetentionStats.bucket(10));
    assertEquals(9, RetentionStats.bucket(99));
    assertEquals(10, RetentionStats.bucket(100));
    assertEquals(10, RetentionStats.bucket(10_000));
    assertEquals(">=100", RetentionStats.label(10));
    RetentionTracker half = tracker(0.5, 100);
    int sampled = 0;
    for (long u = 0; u < 10_000; u++) {
      if (half.sampled(5, u, 0)) {
        sampled++;
      }
      assertEquals(half.sampled(5, u, 0), half.sampled(5, u, 0), "deterministic");
    }
    assertEquals(5_000, sampled, 250);
    assertTrue(!tracker(1.0, 2).sampled(5, 1, 2), "bounded per item");
  }

  @Test
  void chartIsAValidPngAndTheTableMatchesTheJson() throws Exception {
    RetentionStats a = new RetentionStats();
    a.later(3, true);
    a.later(3, false);
    a.later(150, true);
    RetentionStats b = new RetentionStats();
    b.later(12, false);
    Map<String, RetentionStats> series = new LinkedHashMap<>();
    series.put("PROMO-stream", a);
    series.put("baseline", b);
    Path png = dir.resolve("r.png");
    RetentionReport.png(series, "test", png);
    BufferedImage img = ImageIO.read(png.toFile());
    assertEquals(RetentionReport.WIDTH, img.getWidth());
    assertEquals(RetentionReport.HEIGHT, img.getHeight());
    byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(png), 8);
    assertEquals((byte) 0x89, head[0]);
    assertEquals('P', head[1]);

    Map<String, Object> json = RetentionReport.json(series);
    RetentionStats back = RetentionStats.fromMap(
        (Map<String, Object>) new com.fasterxml.jackson.databind.ObjectMapper().readValue(
            new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(json.get("PROMO-stream")),
            Map.class));
    String md = RetentionReport.markdown(series);
    assertTrue(md.contains("| 0-9 | 0.500 (1/2) | - (0) |"), md);
    assertTrue(md.contains("| 10-19 | - (0) | 0.000 (0/1) |"), md);
    assertTrue(md.contains("| >=100 | 1.000 (1/1) | - (0) |"), md);
    assertEquals(RetentionReport.markdown(Map.of("PROMO-stream", a)), RetentionReport.markdown(
        Map.of("PROMO-stream", back)));
    RetentionStats fromAvro = RetentionStats.of(a.toReport("promo", 0, 1));
    assertEquals(a.rate(0), fromAvro.rate(0), 1e-12);
    assertEquals(a.rate(10), fromAvro.rate(10), 1e-12);
  }
}
