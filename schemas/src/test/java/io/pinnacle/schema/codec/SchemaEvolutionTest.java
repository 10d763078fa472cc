package io.pinnacle.schema.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pinnacle.schema.InteractionEvent;
import io.pinnacle.schema.ItemEmbedding;
import io.pinnacle.schema.Phase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;
import org.junit.jupiter.api.Test;

class SchemaEvolutionTest {

  private static Schema oldSchema() throws IOException {
    try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream("/evolution/InteractionEvent-v0.avsc")) {
      return new Schema.Parser().parse(in);
    }
  }

  private static InteractionEvent sample() {
    return InteractionEvent.newBuilder()
        .setEventId("e-1").setUserId(7).setItemId(42).setEventTimeMs(1_650_000_000_000L)
        .setDwellMs(12_000).setItemDurationMs(30_000L).setClicked(true).setLiked(true)
        .setHated(true).setRating(4.5f).setSource("test").build();
  }

  @Test
  void roundTripUsesSingleObjectHeader() throws IOException {
    AvroValueCodec<InteractionEvent> codec = Codecs.interactionEvent();
    byte[] bytes = codec.encode(sample());
    assertEquals((byte) 0xC3, bytes[0]);
    assertEquals((byte) 0x01, bytes[1]);
    assertEquals(sample(), codec.decode(bytes));
  }

  @Test
  void newReaderReadsOldWritersRecordWithDefaults() throws IOException {
    Schema old = oldSchema();
    GenericRecord rec = new GenericData.Record(old);
    rec.put("eventId", "old-1");
    rec.put("userId", 1L);
    rec.put("itemId", 2L);
    rec.put("eventTimeMs", 3L);
    rec.put("dwellMs", 4L);
    rec.put("itemDurationMs", null);
    rec.put("clicked", true);
    rec.put("liked", false);
    rec.put("followed", false);
    rec.put("commented", false);
    rec.put("forwarded", false);
    ByteBuffer buf = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), old).encode(rec);
    byte[] bytes = new byte[buf.remaining()];
    buf.get(bytes);

    // Without the old schema registered the reader refuses clearly rather than misreading bytes.
    AvroValueCodec<InteractionEvent> unaware = new AvroValueCodec<>(InteractionEvent.getClassSchema(), List.of());
    IOException refused = assertThrows(IOException.class, () -> unaware.decode(bytes));
    assertTrue(refused.getCause() instanceof MissingSchemaException, refused.toString());

    AvroValueCodec<InteractionEvent> aware =
        new AvroValueCodec<>(InteractionEvent.getClassSchema(), List.of(old));
    InteractionEvent read = aware.decode(bytes);
    assertEquals("old-1", read.getEventId());
    assertEquals(4L, read.getDwellMs());
    assertTrue(read.getClicked());
    assertFalse(read.getHated());
    assertNull(read.getRating());
    assertEquals("", read.getSource());
  }

  @Test
  void oldReaderReadsNewWritersRecordIgnoringNewFields() throws IOException {
    Schema old = oldSchema();
    byte[] bytes = Codecs.interactionEvent().encode(sample());
    SchemaStore.Cache store = new SchemaStore.Cache();
    store.addSchema(InteractionEvent.getClassSchema());
    BinaryMessageDecoder<GenericRecord> oldReader = new BinaryMessageDecoder<>(GenericData.get(), old, store);
    GenericRecord read = oldReader.decode(bytes);
    assertEquals("e-1", read.get("eventId").toString());
    assertEquals(12_000L, read.get("dwellMs"));
    assertEquals(true, read.get("liked"));
    assertNull(read.getSchema().getField("hated"));
  }

  @Test
  void currentSchemasAreMutuallyCompatibleWithTheOldOne() throws IOException {
    Schema old = oldSchema();
    Schema now = InteractionEvent.getClassSchema();
    assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
        SchemaCompatibility.checkReaderWriterCompatibility(now, old).getType());
    assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
        SchemaCompatibility.checkReaderWriterCompatibility(old, now).getType());
  }

  @Test
  void garbageIsACheckedFailure() {
    AvroValueCodec<InteractionEvent> codec = Codecs.interactionEvent();
    assertThrows(IOException.class, () -> codec.decode(new byte[] {1, 2, 3}));
    assertThrows(IOException.class, () -> codec.decode(null));
    byte[] good = codec.encode(sample());
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 5);
    assertThrows(IOException.class, () -> codec.decode(truncated));
  }

  @Test
  void itemEmbeddingRoundTrip() throws IOException {
    ItemEmbedding e = ItemEmbedding.newBuilder()
        .setItemId(5).setEmbedding(List.of(0.5f, -1f)).setBaseModelVersion("v1").setUpdateSeq(3)
        .setPhase(Phase.COLD).setPositiveCount(2).setNegativeCount(1).setPinnacleCount(2)
        .setLastEventTimeMs(10).setEmittedAtMs(11).build();
    AvroValueCodec<ItemEmbedding> codec = Codecs.itemEmbedding();
    byte[] a = codec.encode(e);
    assertEquals(e, codec.decode(a));
    assertArrayEquals(a, codec.encode(codec.decode(a)));
  }

  @Test
  void everyKeptWriterSchemaParsesAndIsReadableByTheCurrentReader() {
    for (Schema current : List.of(InteractionEvent.getClassSchema(),
        io.pinnacle.schema.state.ItemStateRecord.getClassSchema(),
        io.pinnacle.schema.state.UserStateRecord.getClassSchema())) {
      for (Schema old : SchemaHistory.forRecord(current.getFullName())) {
        assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
            SchemaCompatibility.checkReaderWriterCompatibility(current, old).getType(), current.getFullName());
      }
    }
    assertFalse(SchemaHistory.forRecord(io.pinnacle.schema.state.ItemStateRecord.getClassSchema().getFullName())
        .isEmpty(), "the item state before user vectors is kept");
  }
}
