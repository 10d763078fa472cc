package io.pinnacle.base;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.pinnacle.djl.DjlRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaseModelArtifactTest {
  @TempDir Path dir;

  @BeforeAll
  static void djl() {
    DjlRuntime.init();
  }

  private BaseModelArtifact.Metadata write(Path out) throws IOException {
    return write(out, SasRecConfig.defaults().withDim(8));
  }

  private BaseModelArtifact.Metadata write(Path out, SasRecConfig config) throws IOException {
    try (NDManager m = NDManager.newBaseManager();
         SasRec model = new SasRec(m, config, 5)) {
      float[][] users = {{1, 2, 3, 4, 5, 6, 7, 8}, {-1, -2, -3, -4, -5, -6, -7, Float.MIN_VALUE}};
      return BaseModelArtifact.save(out, "unit", model, users, new long[] {100, 200},
          new long[] {11, 12, 13, 14, 15}, Map.of("note", "test"));
    }
  }

  @Test
  void roundTripIsBitwise() throws IOException {
    Path a = dir.resolve("a");
    BaseModelArtifact.Metadata meta = write(a);
    BaseModelArtifact loaded = BaseModelArtifact.load(a);
    assertEquals(meta.version(), loaded.version());
    assertTrue(loaded.version().startsWith("unit-"));
    assertArrayEquals(new float[] {-1, -2, -3, -4, -5, -6, -7, Float.MIN_VALUE}, loaded.userVector(200));
    assertNull(loaded.userVector(300));
    assertNull(loaded.itemEmbedding(99));
    try (NDManager m = NDManager.newBaseManager();
         SasRec again = new SasRec(m, loaded.metadata().config(), loaded.parameters())) {
      NamedTensors original = loaded.parameters();
      NamedTensors reloaded = again.snapshot();
      for (var e : original.all().entrySet()) {
        float[] x = e.getValue().data();
        float[] y = reloaded.get(e.getKey()).data();
        assertEquals(x.length, y.length);
        for (int k = 0; k < x.length; k++) {
          assertEquals(Float.floatToRawIntBits(x[k]), Float.floatToRawIntBits(y[k]), e.getKey());
        }
      }
      assertArrayEquals(again.scoredTable().toFloatArray(),
          flatten(loaded, new long[] {11, 12, 13, 14, 15}, 8));
      // Saving the reloaded model gives byte-identical parameter and vector files.
      Path b = dir.resolve("b");
      BaseModelArtifact.save(b, "unit", again, new float[][] {loaded.userVector(100), loaded.userVector(200)},
          loaded.userIds(), loaded.itemIds(), Map.of("note", "test"));
      for (String f : new String[] {BaseModelArtifact.PARAMETERS, BaseModelArtifact.VECTORS, BaseModelArtifact.IDS}) {
        assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f);
      }
    }
  }

  private static float[] flatten(BaseModelArtifact a, long[] items, int d) {
    float[] out = new float[(items.length + 1) * d];
    for (int i = 0; i < items.length; i++) {
      System.arraycopy(a.itemEmbedding(items[i]), 0, out, (i + 1) * d, d);
    }
    return out;
  }

  /** An artifact written before format 2 (no loss, output table or clip norm; an unused l2) reads as what it was. */
  @Test
  void formatOneArtifactsReadAsBceWithASharedTable() throws IOException {
    Path a = dir.resolve("v1");
    write(a, SasRecConfig.baseline().withDim(8));
    Path meta = a.resolve(BaseModelArtifact.METADATA);
    String json = Files.readString(meta)
        .replace("\"formatVersion\" : 2", "\"formatVersion\" : 1")
        .replaceAll(",\\s*\"loss\" : \"[A-Z]+\"", "")
        .replaceAll(",\\s*\"negatives\" : \\d+", "")
        .replaceAll(",\\s*\"separateOutput\" : (true|false)", "")
        .replaceAll(",\\s*\"clipNorm\" : [0-9.]+", "")
        .replace("\"seed\" : 42", "\"l2\" : 0.0, \"seed\" : 42");
    assertTrue(!json.contains("separateOutput") && json.contains("\"l2\""), json);
    Files.writeString(meta, json);
    BaseModelArtifact loaded = BaseModelArtifact.load(a);
    assertEquals(1, loaded.metadata().formatVersion());
    assertEquals(SasRecConfig.Loss.BCE, loaded.metadata().config().loss());
    assertTrue(!loaded.metadata().config().separateOutput());
    assertEquals(0f, loaded.metadata().config().clipNorm());
  }

  @Test
  void accessorsHandOutCopies() throws IOException {
    write(dir.resolve("c"));
    BaseModelArtifact loaded = BaseModelArtifact.load(dir.resolve("c"));
    float[] v = loaded.userVector(100);
    v[0] = 42;
    assertEquals(1f, loaded.userVector(100)[0]);
    loaded.parameters().get(SasRec.ITEM_EMBEDDING).data()[9] = 42;
    assertTrue(loaded.parameters().get(SasRec.ITEM_EMBEDDING).data()[9] != 42);
  }

  @Test
  void corruptOrMissingArtifactIsRefusedClearly() throws IOException {
    Path a = dir.resolve("d");
    write(a);
    byte[] params = Files.readAllBytes(a.resolve(BaseModelArtifact.PARAMETERS));
    params[params.length - 3] ^= 0x01;
    Files.write(a.resolve(BaseModelArtifact.PARAMETERS), params);
    IllegalArgumentException corrupt = assertThrows(IllegalArgumentException.class, () -> BaseModelArtifact.load(a));
    assertTrue(corrupt.getMessage().contains("corrupt") && corrupt.getMessage().contains("parameters.bin"),
        corrupt.getMessage());

    params[params.length - 3] ^= 0x01;
    Files.write(a.resolve(BaseModelArtifact.PARAMETERS), params);
    BaseModelArtifact.load(a); // restored: loads again
    Files.delete(a.resolve(BaseModelArtifact.VECTORS));
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> BaseModelArtifact.load(a));
    assertTrue(missing.getMessage().contains("vectors.bin"), missing.getMessage());

    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> BaseModelArtifact.load(dir.resolve("nothing-here")));
    assertTrue(none.getMessage().contains("does not exist"), none.getMessage());
  }
}
