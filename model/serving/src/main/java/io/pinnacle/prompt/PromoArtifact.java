package io.pinnacle.prompt;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pinnacle.base.ArtifactFiles;
import io.pinnacle.base.NamedTensors;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The frozen result of the prompt stage, next to the base model it was trained on:
 * <pre>
 *   promo.json     format, formatVersion, version, baseModelVersion, dataset, tau, coldThreshold, config, sha256
 *   globals.bin    prompt generator, fusion maps, initial prompt (named tensors)
 *   warm-pool.bin  the warm item embeddings of the popularity-aware loss (named tensor warm_items)
 *   items.bin      per item known at training time: id and training positives; per popular item: id and its
 *                  pinnacle user ids (the source of pseudo-pinnacle feedback)
 * </pre>
 */
public final class PromoArtifact {
  public static final String FORMAT = "pinnacle-promo";
  public static final int FORMAT_VERSION = 1;
  static final String METADATA = "promo.json";
  static final String GLOBALS = "globals.bin";
  static final String WARM = "warm-pool.bin";
  static final String ITEMS = "items.bin";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** promo.json. */
  public record Metadata(String format, int formatVersion, String version, String baseModelVersion, String dataset,
                         float tau, int coldThreshold, PromoConfig config, Map<String, Object> training,
                         Map<String, String> sha256) {}

  private final Metadata metadata;
  private final NamedTensors globals;
  private final float[][] warmPool;
  private final Map<Long, Long> trainPositives;
  private final long[] popularItems;
  private final long[][] popularPinnacle;

  private PromoArtifact(Metadata metadata, NamedTensors globals, float[][] warmPool, Map<Long, Long> trainPositives,
                        long[] popularItems, long[][] popularPinnacle) {
    this.metadata = metadata;
    this.globals = globals;
    this.warmPool = warmPool;
    this.trainPositives = trainPositives;
    this.popularItems = popularItems;
    this.popularPinnacle = popularPinnacle;
  }

  public static Metadata save(Path dir, String baseModelVersion, String dataset, float tau, int coldThreshold,
                              PromoConfig config, NamedTensors globals, float[][] warmPool, long[] itemIds,
                              long[] itemTrainPositives, long[] popularItems, long[][] popularPinnacle,
                              Map<String, Object> training) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    ByteArrayOutputStream g = new ByteArrayOutputStream();
    globals.write(g);
    files.put(GLOBALS, g.toByteArray());
    int d = config.dim();
    float[] flat = new float[warmPool.length * d];
    for (int w = 0; w < warmPool.length; w++) {
      System.arraycopy(warmPool[w], 0, flat, w * d, d);
    }
    ByteArrayOutputStream wp = new ByteArrayOutputStream();
    new NamedTensors().put("warm_items", new long[] {warmPool.length, d}, flat).write(wp);
    files.put(WARM, wp.toByteArray());
    ByteArrayOutputStream ib = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(ib);
    out.writeInt(itemIds.length);
    for (int i = 0; i < itemIds.length; i++) {
      out.writeLong(itemIds[i]);
      out.writeLong(itemTrainPositives[i]);
    }
    out.writeInt(popularItems.length);
    for (int p = 0; p < popularItems.length; p++) {
      out.writeLong(popularItems[p]);
      out.writeInt(popularPinnacle[p].length);
      for (long u : popularPinnacle[p]) {
        out.writeLong(u);
      }
    }
    out.flush();
    files.put(ITEMS, ib.toByteArray());
    Map<String, String> sha = ArtifactFiles.write(dir, files);
    String version = "promo-" + ArtifactFiles.sha256(files.values().toArray(new byte[0][])).substring(0, 12);
    Metadata meta = new Metadata(FORMAT, FORMAT_VERSION, version, baseModelVersion, dataset, tau, coldThreshold,
        config, training, sha);
    JSON.writeValue(dir.resolve(METADATA).toFile(), meta);
    return meta;
  }

  public static PromoArtifact load(Path dir) {
    Metadata meta = ArtifactFiles.readMetadata(dir, "PROMO artifact", METADATA, Metadata.class,
        "run `pinnacle prompt-train` first or pass the right path");
    try {
      if (!FORMAT.equals(meta.format()) || meta.formatVersion() != FORMAT_VERSION) {
        throw new IllegalArgumentException("PROMO artifact " + dir + " has format " + meta.format() + " v"
            + meta.formatVersion() + "; this build reads " + FORMAT + " v" + FORMAT_VERSION);
      }
      Map<String, byte[]> files = ArtifactFiles.readVerified(dir, "PROMO artifact", meta.sha256(), GLOBALS, WARM,
          ITEMS);
      NamedTensors globals = NamedTensors.read(new ByteArrayInputStream(files.get(GLOBALS)));
      NamedTensors.Tensor w = NamedTensors.read(new ByteArrayInputStream(files.get(WARM))).get("warm_items");
      float[][] pool = new float[w.rows()][];
      for (int r = 0; r < pool.length; r++) {
        pool[r] = w.row(r);
      }
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(files.get(ITEMS)));
      int n = in.readInt();
      Map<Long, Long> counts = new HashMap<>(n * 2);
      for (int i = 0; i < n; i++) {
        counts.put(in.readLong(), in.readLong());
      }
      int np = in.readInt();
      long[] popular = new long[np];
      long[][] pin = new long[np][];
      for (int p = 0; p < np; p++) {
        popular[p] = in.readLong();
        pin[p] = new long[in.readInt()];
        for (int j = 0; j < pin[p].length; j++) {
          pin[p][j] = in.readLong();
        }
      }
      return new PromoArtifact(meta, globals, pool, counts, popular, pin);
    } catch (IOException e) {
      throw new IllegalArgumentException("PROMO artifact " + dir + " cannot be read: " + e.getMessage(), e);
    }
  }

  public Metadata metadata() {
    return metadata;
  }

  /** A copy of the frozen globals. */
  public NamedTensors globals() {
    NamedTensors copy = new NamedTensors();
    for (var e : globals.all().entrySet()) {
      copy.put(e.getKey(), e.getValue().shape(), e.getValue().data().clone());
    }
    return copy;
  }

  public float[][] warmPool() {
    float[][] out = new float[warmPool.length][];
    for (int w = 0; w < out.length; w++) {
      out[w] = warmPool[w].clone();
    }
    return out;
  }

  /** Positives the item had in the prompt stage's training period (0 for an item first seen in the stream). */
  public long trainPositives(long itemId) {
    return trainPositives.getOrDefault(itemId, 0L);
  }

  /** Every item with a training-period count (the keys of {@link #trainPositives}). */
  public long[] trainedItems() {
    return trainPositives.keySet().stream().mapToLong(Long::longValue).toArray();
  }

  public long[] popularItems() {
    return popularItems.clone();
  }

  public long[] popularPinnacle(int index) {
    return popularPinnacle[index].clone();
  }
}
