package io.pinnacle.data;

import io.pinnacle.feedback.Label;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pinnacle.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KuaiRandReaderTest {

  @Test
  void readsTheSubsetInEventTimeOrder() {
    Optional<Path> dir = SharedData.dir("kuairand-pure");
    assumeTrue(dir.isPresent(), "shared kuairand-pure not present");
    Dataset d = KuaiRandReader.read(dir.get());
    assertEquals(228_329, d.events().size());
    assertEquals(25_156, d.distinctUsers());
    assertEquals(6_361, d.distinctItems());
    assertEquals(100_900, d.events().stream().filter(e -> d.rules().label(e) == Label.POSITIVE).count());
    for (int i = 1; i < d.events().size(); i++) {
      assertTrue(d.events().get(i - 1).getEventTimeMs() <= d.events().get(i).getEventTimeMs());
    }
    assertEquals(1_650_812_741_436L, d.events().get(0).getEventTimeMs());
    assertEquals(1_652_025_130_564L, d.events().get(d.events().size() - 1).getEventTimeMs());
    assertTrue(d.events().stream().anyMatch(e -> e.getLiked() && e.getItemDurationMs() != null && e.getDwellMs() > 0));
    assertTrue(d.itemFeatures().size() > 6_000);
  }

  /**
   * Quoted fields with commas anywhere in the row (the tag list here sits before another column, unlike the
   * published file): read as one field each, and a missing column is refused with the file's name.
   */
  @Test
  void readsQuotedFieldsWhereverTheyAre(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("log_standard_test.csv"), String.join("\n",
        "user_id,video_id,time_ms,is_click,is_like,is_follow,is_comment,is_forward,is_hate,play_time_ms,duration_ms",
        "1,10,2000,1,0,0,0,0,0,1500,3000.0",
        "2,11,1000,0,0,0,0,0,0,0,",
        ""));
    Files.writeString(dir.resolve(KuaiRandReader.VIDEO_FEATURES), String.join("\n",
        "video_id,tag,video_type",
        "10,\"12,45\",AD",
        "11,\"3\",NORMAL",
        ""));
    Dataset d = KuaiRandReader.read(dir);
    assertEquals(2, d.events().size());
    assertEquals(11L, d.events().get(0).getItemId(), "event-time order");
    assertEquals(null, d.events().get(0).getItemDurationMs());
    assertEquals(3000L, d.events().get(1).getItemDurationMs());
    float[] ad = d.itemFeatures().get(10L);
    assertEquals(1f, ad[12], "the first tag of the quoted list");
    assertEquals(0f, ad[45]);
    assertEquals(1f, ad[ad.length - 1], "the type column after the quoted one");
    assertEquals(1f, d.itemFeatures().get(11L)[3]);
    Files.writeString(dir.resolve(KuaiRandReader.VIDEO_FEATURES), "video_id,video_type\n10,AD\n");
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> KuaiRandReader.read(dir));
    assertTrue(e.getMessage().contains("has no column tag"), e.getMessage());
  }
}
