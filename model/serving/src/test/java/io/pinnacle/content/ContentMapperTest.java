package io.pinnacle.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.ndarray.NDManager;
import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.base.SasRec;
import io.pinnacle.base.SasRecConfig;
import io.pinnacle.djl.DjlRuntime;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The content mapper recovers a mapping that is exactly linear in the features (with a tiny ridge). */
class ContentMapperTest {
  @TempDir Path dir;

  @Test
  void recoversALinearMapFromFeaturesToBaseEmbeddings() throws Exception {
    DjlRuntime.init();
    int items = 30;
    SasRecConfig config = SasRecConfig.defaults().withDim(4);
    try (NDManager m = NDManager.newBaseManager(); SasRec model = new SasRec(m, config, items)) {
      long[] ids = new long[items];
      for (int i = 0; i < items; i++) {
        ids[i] = 100 + i;
      }
      BaseModelArtifact.save(dir, "unit", model, new float[][] {{1, 0, 0, 0}}, new long[] {1}, ids, Map.of());
    }
    BaseModelArtifact base = BaseModelArtifact.load(dir);
    // Embeddings are random, so use features that determine them: the embedding itself plus a constant column.
    Map<Long, float[]> content = new HashMap<>();
    for (long id : base.itemIds()) {
      float[] e = base.itemEmbedding(id);
      content.put(id, new float[] {e[0], e[1], e[2], e[3], 1f});
    }
    ContentMapper mapper = ContentMapper.fit(content, base, 1e-9);
    for (long id : base.itemIds()) {
      assertArrayEquals(base.itemEmbedding(id), mapper.map(content.get(id)), 1e-3f);
    }
  }

  @Test
  void catalogIdsMapLikeTheMultiHotVectorAndSurviveSerialization() throws Exception {
    Map<Long, float[]> content = new HashMap<>();
    long[] ids = new long[40];
    float[] table = new float[40 * 3];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i;
      float[] x = new float[6];
      x[i % 6] = 1f;
      x[(i * 7 + 1) % 6] = 1f;
      content.put((long) i, x);
      for (int k = 0; k < 3; k++) {
        table[i * 3 + k] = (float) Math.sin(i * 0.7 + k);
      }
    }
    ContentMapper mapper = ContentMapper.fit(content, ids,
        id -> Arrays.copyOfRange(table, (int) id * 3, (int) id * 3 + 3), 3, 1.0);
    ContentMapper read = ContentMapper.fromBytes(mapper.toBytes());
    for (long id : ids) {
      float[] x = content.get(id);
      assertArrayEquals(mapper.map(x), read.map(ContentMapper.featureIds(x)), 1e-6f);
    }
    // Ids it never learned say nothing; known ones still count when mixed with unknown ones.
    assertNull(read.map(new int[] {6, 99, -1}));
    assertArrayEquals(read.map(new int[] {2}), read.map(new int[] {2, 99, 2}), 1e-6f);
  }
}
