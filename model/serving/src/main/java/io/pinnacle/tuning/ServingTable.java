package io.pinnacle.tuning;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pinnacle.targeting.TargetingStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which {@link ServedSource} a cold item is served from, by its group (NEW: the base never saw it; COLD: the base
 * knows it with few positives) and the bucket of its positives (0, 1, 2-4, 5-9, 10-19, 20+: the targeting
 * measure's buckets). Fitted on a validation replay by {@code pinnacle fit-serving} (never on the evaluated
 * stream) and kept beside the PROMO artifact it was fitted for ({@link #FILE}); the job and every replay read it
 * from there, so they serve the same rule.
 *
 * <p>Written as {@code NEW:s0,s1,s2,s3,s4,s5;COLD:s0,...} with the sources' labels.
 */
public record ServingTable(ServedSource[] newItems, ServedSource[] coldItems) {
  /** Beside promo.json; not part of the artifact's checksums (fitted after it), it names the artifact it fits. */
  public static final String FILE = "serving-table.json";
  public static final int BUCKETS = TargetingStats.BUCKETS.length;

  /**
   * Without a fitted table: PROMO's change everywhere, as before tables existed (with the anchor below
   * {@link ServingRule#promptMinPositives}).
   */
  public static final ServingTable DEFAULT = uniform(ServedSource.PROMO);

  public ServingTable {
    if (newItems.length != BUCKETS || coldItems.length != BUCKETS) {
      throw new IllegalArgumentException("a serving table has " + BUCKETS + " buckets per group");
    }
    newItems = newItems.clone();
    coldItems = coldItems.clone();
  }

  public static ServingTable uniform(ServedSource s) {
    ServedSource[] a = new ServedSource[BUCKETS];
    Arrays.fill(a, s);
    return new ServingTable(a, a);
  }

  /** NEW items from one source in every bucket, COLD items from another. */
  public static ServingTable pair(ServedSource newItems, ServedSource coldItems) {
    ServedSource[] n = new ServedSource[BUCKETS];
    ServedSource[] c = new ServedSource[BUCKETS];
    Arrays.fill(n, newItems);
    Arrays.fill(c, coldItems);
    return new ServingTable(n, c);
  }

  /** The source of an item with {@code positives} positives (training and stream) now. */
  public ServedSource source(boolean newItem, long positives) {
    return (newItem ? newItems : coldItems)[TargetingStats.bucket(positives)];
  }

  public ServedSource[] newItems() {
    return newItems.clone();
  }

  public ServedSource[] coldItems() {
    return coldItems.clone();
  }

  @Override
  public String toString() {
    return "NEW:" + join(newItems) + ";COLD:" + join(coldItems);
  }

  private static String join(ServedSource[] a) {
    StringBuilder b = new StringBuilder();
    for (ServedSource s : a) {
      b.append(b.length() == 0 ? "" : ",").append(s.label());
    }
    return b.toString();
  }

  /** Reads {@link #toString()}'s form; one source for a group means every bucket. */
  public static ServingTable parse(String text) {
    ServedSource[] fresh = null;
    ServedSource[] cold = null;
    for (String part : text.trim().split(";")) {
      String[] kv = part.split(":", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("serving table '" + text + "': expected NEW:...;COLD:...");
      }
      String[] names = kv[1].split(",");
      ServedSource[] a = new ServedSource[BUCKETS];
      if (names.length == 1) {
        Arrays.fill(a, ServedSource.parse(names[0]));
      } else if (names.length == BUCKETS) {
        for (int b = 0; b < BUCKETS; b++) {
          a[b] = ServedSource.parse(names[b]);
        }
      } else {
        throw new IllegalArgumentException("serving table '" + text + "': " + kv[0] + " needs 1 or " + BUCKETS
            + " sources (buckets " + String.join(", ", TargetingStats.BUCKETS) + ")");
      }
      switch (kv[0].trim().toUpperCase(java.util.Locale.ROOT)) {
        case "NEW" -> fresh = a;
        case "COLD" -> cold = a;
        default -> throw new IllegalArgumentException("serving table '" + text + "': unknown group " + kv[0]);
      }
    }
    if (fresh == null || cold == null) {
      throw new IllegalArgumentException("serving table '" + text + "' needs both NEW and COLD");
    }
    return new ServingTable(fresh, cold);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ServingTable t && Arrays.equals(newItems, t.newItems) && Arrays.equals(coldItems, t.coldItems);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(newItems) + Arrays.hashCode(coldItems);
  }

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Writes the table fitted for the PROMO artifact in {@code promoDir}, with the evidence it was fitted on. */
  public void save(Path promoDir, String promoVersion, Map<String, Object> evidence) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("promoVersion", promoVersion);
    out.put("table", toString());
    out.put("fit", evidence);
    try {
      JSON.writeValue(promoDir.resolve(FILE).toFile(), out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + promoDir.resolve(FILE), e);
    }
  }

  /** The table fitted for the PROMO artifact in {@code promoDir}, else {@link #DEFAULT}. */
  public static ServingTable fittedOrDefault(Path promoDir, String promoVersion) {
    ServingTable t = load(promoDir, promoVersion);
    return t != null ? t : DEFAULT;
  }

  /**
   * The table fitted for this PROMO artifact (null when none was). A table fitted for another artifact is refused:
   * its choices were measured with other globals.
   */
  public static ServingTable load(Path promoDir, String promoVersion) {
    Path f = promoDir.resolve(FILE);
    if (!Files.exists(f)) {
      return null;
    }
    try {
      Map<?, ?> m = JSON.readValue(f.toFile(), Map.class);
      if (!promoVersion.equals(m.get("promoVersion"))) {
        throw new IllegalArgumentException(f + " was fitted for PROMO artifact " + m.get("promoVersion") + ", not "
            + promoVersion + ": run `pinnacle fit-serving` again");
      }
      return parse(String.valueOf(m.get("table")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + f, e);
    }
  }
}
