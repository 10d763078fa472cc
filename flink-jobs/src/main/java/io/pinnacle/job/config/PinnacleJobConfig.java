package io.pinnacle.job.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The job's configuration: the documented defaults in {@code pinnacle-job.properties} (on the classpath), then an
 * optional file, then {@code key=value} overrides. Unknown keys are refused so that a typo is not silently ignored.
 */
public final class PinnacleJobConfig implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final String DEFAULTS = "pinnacle-job.properties";
  private final TreeMap<String, String> values;

  private PinnacleJobConfig(TreeMap<String, String> values) {
    this.values = values;
  }

  public static PinnacleJobConfig load(Path file, Map<String, String> overrides) {
    Properties defaults = new Properties();
    try (InputStream in = PinnacleJobConfig.class.getClassLoader().getResourceAsStream(DEFAULTS)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULTS + " is missing from the classpath");
      }
      defaults.load(in);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    TreeMap<String, String> v = new TreeMap<>();
    defaults.forEach((k, val) -> v.put(k.toString(), val.toString().trim()));
    if (file != null) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(file)) {
        p.load(r);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read configuration " + file + ": " + e.getMessage(), e);
      }
      p.forEach((k, val) -> put(v, k.toString(), val.toString().trim(), file.toString()));
    }
    if (overrides != null) {
      overrides.forEach((k, val) -> put(v, k, val, "command line"));
    }
    return new PinnacleJobConfig(v);
  }

  public static PinnacleJobConfig defaults() {
    return load(null, Map.of());
  }

  private static void put(TreeMap<String, String> v, String key, String value, String where) {
    if (!v.containsKey(key)) {
      throw new IllegalArgumentException("unknown configuration key '" + key + "' (from " + where + "); see "
          + DEFAULTS + " for the documented keys");
    }
    v.put(key, value);
  }

  public PinnacleJobConfig with(String key, String value) {
    TreeMap<String, String> v = new TreeMap<>(values);
    put(v, key, value, "code");
    return new PinnacleJobConfig(v);
  }

  public String get(String key) {
    String s = values.get(key);
    if (s == null) {
      throw new IllegalArgumentException("no configuration key " + key);
    }
    return s;
  }

  public int getInt(String key) {
    return Integer.parseInt(get(key));
  }

  public long getLong(String key) {
    return Long.parseLong(get(key));
  }

  public float getFloat(String key) {
    return Float.parseFloat(get(key));
  }

  public boolean getBoolean(String key) {
    return Boolean.parseBoolean(get(key));
  }

  public Duration getDuration(String key) {
    return Duration.parse(get(key));
  }

  public Map<String, String> asMap() {
    return new TreeMap<>(values);
  }
}
