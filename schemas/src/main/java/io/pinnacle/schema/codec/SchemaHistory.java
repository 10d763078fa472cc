package io.pinnacle.schema.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Earlier (and announced later) writer schemas of each record, shipped as classpath resources under
 * {@code pinnacle/schema-history/<RecordName>/v<N>.avsc} and listed in {@code index.txt}. A consumer can only
 * decode a single-object-encoded value whose writer schema it knows, so a schema change is released in two steps:
 * first add the new schema here and roll out readers, then roll out writers.
 */
public final class SchemaHistory {
  private static final String ROOT = "pinnacle/schema-history/";

  private SchemaHistory() {}

  public static List<Schema> forRecord(String fullName) {
    String simple = fullName.substring(fullName.lastIndexOf('.') + 1);
    List<Schema> out = new ArrayList<>();
    ClassLoader cl = SchemaHistory.class.getClassLoader();
    try (InputStream index = cl.getResourceAsStream(ROOT + simple + "/index.txt")) {
      if (index == null) {
        return out;
      }
      for (String line : new String(index.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String name = line.trim();
        if (name.isEmpty() || name.startsWith("#")) {
          continue;
        }
        try (InputStream in = cl.getResourceAsStream(ROOT + simple + "/" + name)) {
          if (in == null) {
            throw new IllegalStateException("schema history lists missing file " + simple + "/" + name);
          }
          out.add(new Schema.Parser().parse(in));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
