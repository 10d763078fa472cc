package io.pinnacle.data;

import io.pinnacle.feedback.FeedbackRules;
import io.pinnacle.schema.InteractionEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * MovieLens 100K: {@code u.data} (user, item, rating, unix seconds) becomes explicit-rating events, {@code u.item}
 * gives each movie its 19 genre flags as content features. {@code u.user} is only checked to exist and to cover
 * every rating's user.
 */
public final class MovieLens100kReader {
  public static final String NAME = "ml-100k";
  private static final int GENRES = 19;

  private MovieLens100kReader() {}

  public static Dataset read(Path dir) {
    try {
      Map<Long, float[]> genres = readGenres(require(dir, "u.item"));
      int users = countLines(require(dir, "u.user"));
      List<InteractionEvent> events = new ArrayList<>(100_000);
      try (BufferedReader in = Files.newBufferedReader(require(dir, "u.data"), StandardCharsets.ISO_8859_1)) {
        String line;
        int lineNo = 0;
        while ((line = in.readLine()) != null) {
          lineNo++;
          if (line.isBlank()) {
            continue;
          }
          String[] f = line.split("\t");
          if (f.length != 4) {
            throw new IllegalArgumentException("u.data line " + lineNo + ": expected 4 tab-separated fields");
          }
          long user = Long.parseLong(f[0]);
          long item = Long.parseLong(f[1]);
          if (user > users) {
            throw new IllegalArgumentException("u.data line " + lineNo + ": user " + user + " is not in u.user");
          }
          events.add(InteractionEvent.newBuilder()
              .setEventId(NAME + "-" + user + "-" + item)
              .setUserId(user).setItemId(item)
              .setEventTimeMs(Long.parseLong(f[3]) * 1000L)
              .setRating(Float.parseFloat(f[2]))
              .setSource(NAME)
              .build());
        }
      }
      events.sort(EventTimeOrder.ORDER);
      return new Dataset(NAME, events, FeedbackRules.movieLens(), genres);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read MovieLens 100K from " + dir, e);
    }
  }

  private static Map<Long, float[]> readGenres(Path file) throws IOException {
    Map<Long, float[]> out = new HashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\\|", -1);
      float[] g = new float[GENRES];
      for (int k = 0; k < GENRES && 5 + k < f.length; k++) {
        g[k] = "1".equals(f[5 + k]) ? 1f : 0f;
      }
      out.put(Long.parseLong(f[0]), g);
    }
    return out;
  }

  private static int countLines(Path file) throws IOException {
    try (var lines = Files.lines(file, StandardCharsets.ISO_8859_1)) {
      return (int) lines.filter(l -> !l.isBlank()).count();
    }
  }

  static Path require(Path dir, String file) throws IOException {
    Path p = dir.resolve(file);
    if (!Files.isRegularFile(p)) {
      throw new NoSuchFileException(p.toString(), null, "missing data file; pass the data set's directory with --data");
    }
    return p;
  }
}
