package io.pinnacle.data;

import io.pinnacle.feedback.FeedbackRules;
import io.pinnacle.schema.InteractionEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The KuaiRand-Pure subset: {@code log_standard_*.csv} rows (sorted by user in the file) become implicit-feedback
 * events in event-time order; play time is the dwell and the video duration the item length. Content features
 * per video: a one-hot of its first tag and of its type from {@code video_features_basic_pure.csv}.
 */
public final class KuaiRandReader {
  public static final String NAME = "kuairand";
  static final String LOG_PREFIX = "log_standard_";
  static final String VIDEO_FEATURES = "video_features_basic_pure.csv";
  private static final int TAGS = 70;

  private KuaiRandReader() {}

  public static Dataset read(Path dir) {
    try {
      Path log;
      try (var files = Files.list(dir)) {
        log = files.filter(p -> p.getFileName().toString().startsWith(LOG_PREFIX)
                && p.getFileName().toString().endsWith(".csv"))
            .sorted().findFirst()
            .orElseThrow(() -> new IOException("no " + LOG_PREFIX + "*.csv in " + dir
                + "; pass the KuaiRand-Pure directory with --data"));
      }
      List<InteractionEvent> events = new ArrayList<>(250_000);
      try (CSVParser csv = open(log, "user_id", "video_id", "time_ms", "is_click", "is_like", "is_follow",
          "is_comment", "is_forward", "is_hate", "play_time_ms", "duration_ms")) {
        long row = 0;
        for (CSVRecord f : csv) {
          row++;
          long duration = parseLong(f.get("duration_ms"));
          events.add(InteractionEvent.newBuilder()
              .setEventId(NAME + "-" + row)
              .setUserId(Long.parseLong(f.get("user_id")))
              .setItemId(Long.parseLong(f.get("video_id")))
              .setEventTimeMs(Long.parseLong(f.get("time_ms")))
              .setDwellMs(Math.max(0, parseLong(f.get("play_time_ms"))))
              .setItemDurationMs(duration > 0 ? duration : null)
              .setClicked(flag(f.get("is_click"))).setLiked(flag(f.get("is_like")))
              .setFollowed(flag(f.get("is_follow"))).setCommented(flag(f.get("is_comment")))
              .setForwarded(flag(f.get("is_forward"))).setHated(flag(f.get("is_hate")))
              .setSource(NAME)
              .build());
        }
      }
      events.sort(EventTimeOrder.ORDER);
      return new Dataset(NAME, events, FeedbackRules.kuaiRand(), readVideoFeatures(dir.resolve(VIDEO_FEATURES)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read KuaiRand from " + dir, e);
    }
  }

  private static Map<Long, float[]> readVideoFeatures(Path file) throws IOException {
    Map<Long, float[]> out = new HashMap<>();
    if (!Files.isRegularFile(file)) {
      return out;
    }
    try (CSVParser csv = open(file, "video_id", "video_type", "tag")) {
      for (CSVRecord f : csv) {
        if (!f.isConsistent()) {
          continue; // a short row has no tag or type
        }
        float[] v = new float[TAGS + 1];
        // The tag column holds a quoted list ("12,45"): its first tag.
        String tag = f.get("tag").split(",")[0].trim();
        if (!tag.isEmpty()) {
          try {
            int t = Integer.parseInt(tag);
            if (t >= 0 && t < TAGS) {
              v[t] = 1f;
            }
          } catch (NumberFormatException ignored) {
            // an unparseable tag leaves the one-hot empty
          }
        }
        v[TAGS] = "AD".equals(f.get("video_type")) ? 1f : 0f;
        out.put(Long.parseLong(f.get("video_id")), v);
      }
    }
    return out;
  }

  /**
   * A CSV file (RFC 4180: quoted fields may hold commas) with a header row, read by column name; an empty file or a
   * missing column fails with the file's name.
   */
  static CSVParser open(Path file, String... required) throws IOException {
    CSVParser p = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true).get()
        .parse(Files.newBufferedReader(file, StandardCharsets.UTF_8));
    if (p.getHeaderMap() == null || p.getHeaderMap().isEmpty()) {
      p.close();
      throw new IOException(file + " is empty");
    }
    for (String c : required) {
      if (!p.getHeaderMap().containsKey(c)) {
        p.close();
        throw new IllegalArgumentException(file + " has no column " + c);
      }
    }
    return p;
  }

  private static boolean flag(String s) {
    return !s.isEmpty() && !"0".equals(s) && !"0.0".equals(s);
  }

  private static long parseLong(String s) {
    if (s.isEmpty()) {
      return 0;
    }
    return s.contains(".") ? (long) Double.parseDouble(s) : Long.parseLong(s);
  }
}
