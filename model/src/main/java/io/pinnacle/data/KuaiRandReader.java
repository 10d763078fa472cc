package io.pinnacle.data;

import io.pinnacle.schema.InteractionEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
      try (BufferedReader in = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
        Map<String, Integer> col = header(in.readLine(), log);
        int cUser = col.get("user_id"), cVideo = col.get("video_id"), cTime = col.get("time_ms");
        int cClick = col.get("is_click"), cLike = col.get("is_like"), cFollow = col.get("is_follow");
        int cComment = col.get("is_comment"), cForward = col.get("is_forward"), cHate = col.get("is_hate");
        int cPlay = col.get("play_time_ms"), cDuration = col.get("duration_ms");
        String line;
        long row = 0;
        while ((line = in.readLine()) != null) {
          row++;
          if (line.isBlank()) {
            continue;
          }
          String[] f = line.split(",", -1);
          long duration = parseLong(f[cDuration]);
          events.add(InteractionEvent.newBuilder()
              .setEventId(NAME + "-" + row)
              .setUserId(Long.parseLong(f[cUser]))
              .setItemId(Long.parseLong(f[cVideo]))
              .setEventTimeMs(Long.parseLong(f[cTime]))
              .setDwellMs(Math.max(0, parseLong(f[cPlay])))
              .setItemDurationMs(duration > 0 ? duration : null)
              .setClicked(flag(f[cClick])).setLiked(flag(f[cLike])).setFollowed(flag(f[cFollow]))
              .setCommented(flag(f[cComment])).setForwarded(flag(f[cForward])).setHated(flag(f[cHate]))
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
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      Map<String, Integer> col = header(in.readLine(), file);
      int cId = col.get("video_id"), cTag = col.get("tag"), cType = col.get("video_type");
      String line;
      while ((line = in.readLine()) != null) {
        String[] f = line.split(",", -1);
        if (f.length <= Math.max(cTag, cType)) {
          continue;
        }
        float[] v = new float[TAGS + 1];
        String tag = f[cTag].replace("\"", "").split(",")[0].trim();
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
        v[TAGS] = "AD".equals(f[cType]) ? 1f : 0f;
        out.put(Long.parseLong(f[cId]), v);
      }
    }
    return out;
  }

  private static Map<String, Integer> header(String line, Path file) throws IOException {
    if (line == null) {
      throw new IOException(file + " is empty");
    }
    Map<String, Integer> col = new HashMap<>();
    String[] names = line.split(",");
    for (int i = 0; i < names.length; i++) {
      col.put(names[i].trim(), i);
    }
    return new HashMap<>(col) {
      @Override
      public Integer get(Object key) {
        Integer i = super.get(key);
        if (i == null) {
          throw new IllegalArgumentException(file + " has no column " + key);
        }
        return i;
      }
    };
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
