package io.pinnacle.base;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pinnacle.util.LongIntMap;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The frozen base model as a versioned directory (format documented in model/README.md):
 * <pre>
 *   metadata.json    format, formatVersion, version, dataset, dim, counts, config, training summary, sha256 per file
 *   parameters.bin   SASRec parameters (NamedTensors)
 *   vectors.bin      user_vectors (users x d) and item_embeddings ((items + 1) x d, row 0 padding)
 *   ids.bin          external user and item ids in dense order
 *   histories.bin    optional: per user, the most recent positive items (dense ids, oldest first, at most the
 *                    model's maximum length) at the end of training: where the user encoder starts
 *   content-mapper.bin optional: content features to item embedding, fitted on the trained items (items the base
 *                    never saw start from it)
 * </pre>
 * Loading verifies every checksum and fails with a message naming the bad file. Accessors hand out copies: nothing
 * that reads the base can change it.
 */
public final class BaseModelArtifact {
  public static final String FORMAT = "pinnacle-base-model";
  /**
   * 2: the config names its loss, output table and clip norm, and {@code item_embeddings} are the scored table (the
   * output table when the config keeps one). Version 1 artifacts (BCE, shared table) are still read.
   */
  public static final int FORMAT_VERSION = 2;
  static final int OLDEST_READABLE_VERSION = 1;
  /** Training-summary key of the temporal split time T (epoch ms); absent when the base saw the whole data set. */
  public static final String SPLIT_TIME_MS = "splitTimeMs";
  static final String METADATA = "metadata.json";
  static final String PARAMETERS = "parameters.bin";
  static final String VECTORS = "vectors.bin";
  static final String IDS = "ids.bin";
  static final String HISTORIES = "histories.bin";
  static final String CONTENT_MAPPER = "content-mapper.bin";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** What metadata.json holds. */
  public record Metadata(String format, int formatVersion, String version, String dataset, int dim, int numUsers,
                         int numItems, SasRecConfig config, Map<String, Object> training,
                         Map<String, String> sha256) {}

  private final Metadata metadata;
  private final NamedTensors parameters;
  private final float[] userVectors;
  private final float[] itemEmbeddings;
  private final long[] userIds;
  private final long[] itemIds;
  private final int[][] histories;
  private final byte[] contentMapper;
  // Read on the event path (the user stage looks up every history item): primitive maps, no boxing.
  private final LongIntMap userIndex;
  private final LongIntMap itemIndex;

  private BaseModelArtifact(Metadata metadata, NamedTensors parameters, float[] userVectors, float[] itemEmbeddings,
                            long[] userIds, long[] itemIds, int[][] histories, byte[] contentMapper) {
    this.histories = histories;
    this.contentMapper = contentMapper;
    this.metadata = metadata;
    this.parameters = parameters;
    this.userVectors = userVectors;
    this.itemEmbeddings = itemEmbeddings;
    this.userIds = userIds;
    this.itemIds = itemIds;
    this.userIndex = LongIntMap.indexOf(userIds);
    this.itemIndex = LongIntMap.indexOf(itemIds); // dense item ids are these indexes + 1 (0 is padding)
  }

  /** Writes the artifact; {@code itemIds[k]} is the external id of dense item k + 1, {@code userIds[u]} of user u. */
  public static Metadata save(Path dir, String dataset, SasRec model, float[][] userVectors, long[] userIds,
                              long[] itemIds, Map<String, Object> training) throws IOException {
    return save(dir, dataset, model, userVectors, userIds, itemIds, null, training);
  }

  /** As above, with each user's recent positives ({@code histories[u]}, dense item ids, oldest first) or null. */
  public static Metadata save(Path dir, String dataset, SasRec model, float[][] userVectors, long[] userIds,
                              long[] itemIds, int[][] histories, Map<String, Object> training) throws IOException {
    return save(dir, dataset, model, userVectors, userIds, itemIds, histories, null, training);
  }

  /** As above, with the serialized content mapper fitted on this model's items (or null). */
  public static Metadata save(Path dir, String dataset, SasRec model, float[][] userVectors, long[] userIds,
                              long[] itemIds, int[][] histories, byte[] contentMapper, Map<String, Object> training)
      throws IOException {
    Files.createDirectories(dir);
    int d = model.config().dim();
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(PARAMETERS, bytes(model.snapshot()));
    float[] uv = new float[userVectors.length * d];
    for (int u = 0; u < userVectors.length; u++) {
      System.arraycopy(userVectors[u], 0, uv, u * d, d);
    }
    NamedTensors vectors = new NamedTensors()
        .put("user_vectors", new long[] {userVectors.length, d}, uv)
        .put("item_embeddings", new long[] {itemIds.length + 1, d},
            model.scoredTable().toFloatArray());
    files.put(VECTORS, bytes(vectors));
    files.put(IDS, idBytes(userIds, itemIds));
    if (histories != null) {
      files.put(HISTORIES, historyBytes(histories, model.config().maxLen()));
    }
    if (contentMapper != null) {
      files.put(CONTENT_MAPPER, contentMapper);
    }
    Map<String, String> sha = ArtifactFiles.write(dir, files);
    String version = dataset + "-" + ArtifactFiles.sha256(files.values().toArray(new byte[0][])).substring(0, 12);
    Metadata meta = new Metadata(FORMAT, FORMAT_VERSION, version, dataset, d, userIds.length, itemIds.length,
        model.config(), training, sha);
    JSON.writeValue(dir.resolve(METADATA).toFile(), meta);
    return meta;
  }

  public static BaseModelArtifact load(Path dir) {
    Metadata meta = ArtifactFiles.readMetadata(dir, "base model artifact", METADATA, Metadata.class,
        "run `pinnacle pretrain` first or pass the right --artifact");
    try {
      if (!FORMAT.equals(meta.format()) || meta.formatVersion() < OLDEST_READABLE_VERSION
          || meta.formatVersion() > FORMAT_VERSION) {
        throw new IllegalArgumentException("base model artifact " + dir + " has format " + meta.format() + " v"
            + meta.formatVersion() + "; this build reads " + FORMAT + " v" + OLDEST_READABLE_VERSION + " to v"
            + FORMAT_VERSION);
      }
      Map<String, byte[]> files = ArtifactFiles.readVerified(dir, "base model artifact", meta.sha256(), PARAMETERS,
          VECTORS, IDS);
      NamedTensors params = NamedTensors.read(new java.io.ByteArrayInputStream(files.get(PARAMETERS)));
      NamedTensors vectors = NamedTensors.read(new java.io.ByteArrayInputStream(files.get(VECTORS)));
      long[][] ids = readIds(new java.io.ByteArrayInputStream(files.get(IDS)));
      int[][] histories = new int[ids[0].length][0];
      if (meta.sha256().containsKey(HISTORIES)) {
        histories = readHistories(ArtifactFiles.readVerified(dir, "base model artifact", meta.sha256(), HISTORIES)
            .get(HISTORIES));
      }
      byte[] mapper = meta.sha256().containsKey(CONTENT_MAPPER)
          ? ArtifactFiles.readVerified(dir, "base model artifact", meta.sha256(), CONTENT_MAPPER).get(CONTENT_MAPPER)
          : null;
      return new BaseModelArtifact(meta, params, vectors.get("user_vectors").data(),
          vectors.get("item_embeddings").data(), ids[0], ids[1], histories, mapper);
    } catch (IOException e) {
      throw new IllegalArgumentException("base model artifact " + dir + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** The serialized content mapper ({@code io.pinnacle.content.ContentMapper}), or null when none was fitted. */
  public byte[] contentMapperBytes() {
    return contentMapper == null ? null : contentMapper.clone();
  }

  public Metadata metadata() {
    return metadata;
  }

  public String version() {
    return metadata.version();
  }

  /** T of the temporal split the base was trained before, or null when it was trained on the whole data set. */
  public Long splitTimeMs() {
    Object t = metadata.training() == null ? null : metadata.training().get(SPLIT_TIME_MS);
    return t == null ? null : ((Number) t).longValue();
  }

  public int dim() {
    return metadata.dim();
  }

  /** A copy of the SASRec parameters (for building a model to fine-tune or to encode histories). */
  public NamedTensors parameters() {
    NamedTensors copy = new NamedTensors();
    for (var e : parameters.all().entrySet()) {
      copy.put(e.getKey(), e.getValue().shape(), e.getValue().data().clone());
    }
    return copy;
  }

  /** h_u of a known user (external id), or null. */
  public float[] userVector(long userId) {
    int u = userIndex.get(userId);
    return u < 0 ? null : Arrays.copyOfRange(userVectors, u * dim(), (u + 1) * dim());
  }

  /** h_i of a known item (external id), or null for an item the base model never saw. */
  public float[] itemEmbedding(long itemId) {
    int i = denseItem(itemId);
    return i < 0 ? null : Arrays.copyOfRange(itemEmbeddings, i * dim(), (i + 1) * dim());
  }

  /** Adds h_i of a known item to {@code acc} (no copy); false, and nothing added, for an item the base never saw. */
  public boolean addItemEmbedding(long itemId, float[] acc) {
    int i = denseItem(itemId);
    if (i < 0) {
      return false;
    }
    int off = i * dim();
    for (int k = 0; k < acc.length; k++) {
      acc[k] += itemEmbeddings[off + k];
    }
    return true;
  }

  /** Dense index of a known item (1..items), or -1: the ids the SASRec parameters are indexed by. */
  public int denseItem(long itemId) {
    int i = itemIndex.get(itemId);
    return i < 0 ? -1 : i + 1;
  }

  /** The user's most recent positives at the end of training (external ids, oldest first); empty when unknown. */
  public long[] recentItems(long userId) {
    int u = userIndex.get(userId);
    if (u < 0) {
      return new long[0];
    }
    int[] h = histories[u];
    long[] out = new long[h.length];
    for (int k = 0; k < h.length; k++) {
      out[k] = itemIds[h[k] - 1];
    }
    return out;
  }

  public long[] userIds() {
    return userIds.clone();
  }

  public long[] itemIds() {
    return itemIds.clone();
  }

  private static byte[] bytes(NamedTensors t) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    t.write(out);
    return out.toByteArray();
  }

  private static byte[] idBytes(long[] users, long[] items) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bos);
    out.writeInt(users.length);
    for (long u : users) {
      out.writeLong(u);
    }
    out.writeInt(items.length);
    for (long i : items) {
      out.writeLong(i);
    }
    out.flush();
    return bos.toByteArray();
  }

  private static byte[] historyBytes(int[][] histories, int maxLen) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bos);
    out.writeInt(histories.length);
    for (int[] h : histories) {
      int n = Math.min(maxLen, h.length);
      out.writeShort(n);
      for (int k = h.length - n; k < h.length; k++) {
        out.writeInt(h[k]);
      }
    }
    out.flush();
    return bos.toByteArray();
  }

  private static int[][] readHistories(byte[] bytes) throws IOException {
    DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
    int[][] out = new int[in.readInt()][];
    for (int u = 0; u < out.length; u++) {
      out[u] = new int[in.readShort()];
      for (int k = 0; k < out[u].length; k++) {
        out[u][k] = in.readInt();
      }
    }
    return out;
  }

  private static long[][] readIds(InputStream is) throws IOException {
    DataInputStream in = new DataInputStream(is);
    long[] users = new long[in.readInt()];
    for (int k = 0; k < users.length; k++) {
      users[k] = in.readLong();
    }
    long[] items = new long[in.readInt()];
    for (int k = 0; k < items.length; k++) {
      items[k] = in.readLong();
    }
    return new long[][] {users, items};
  }

}
