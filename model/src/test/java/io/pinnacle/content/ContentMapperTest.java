package io.pinnacle.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDManager;
import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.base.SasRec;
import io.pinnacle.base.SasRecConfig;
import io.pinnacle.djl.DjlRuntime;
import java.nio.file.Path;
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
}
