package io.pinnacle.job.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pinnacle.feedback.ItemFeedbackState;
import io.pinnacle.feedback.PinnacleMode;
import io.pinnacle.retention.TrackedPair;
import io.pinnacle.schema.Phase;
import io.pinnacle.schema.codec.AvroValueCodec;
import io.pinnacle.schema.state.ItemStateRecord;
import io.pinnacle.tuning.ItemState;
import io.pinnacle.tuning.PromptState;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import io.pinnacle.schema.state.FeedbackRecord;
import io.pinnacle.schema.state.PromptRecord;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

class ItemStateCodecTest {

  private static ItemState sample() {
    ItemState s = new ItemState();
    s.phase = Phase.COLD;
    s.updateSeq = 1_700_000_000_123L;
    s.tunedCount = 4;
    s.positiveCount = 3;
    s.lastEventTimeMs = 11;
    s.lastIngestMs = 12;
    s.lastActivityMs = 13;
    s.lastTunedMs = 14;
    s.baseVersion = "base-1";
    s.promoVersion = "promo-1";
    s.feedback = new ItemFeedbackState(3, PinnacleMode.VALUE, 4, 99);
    s.feedback.positive(7, 2f, 10);
    s.feedback.negative(8, 11);
    s.feedback.positive(9, 1f, 12);
    s.feedback.coLiked(new float[] {0.25f, -0.5f});
    s.feedback.coLiked(new float[] {0.75f, 0.5f});
    s.feedback.liker(new float[] {1f, 3f});
    s.feedback.liker(new float[] {-0.5f, 1f});
    s.prompt = new PromptState(new float[] {0.5f, -1f}, new float[] {0.1f, 0.2f}, new float[] {0.3f, 0.4f}, 4);
    s.tracked.add(new TrackedPair(7, 1, TrackedPair.CORRECT, 0.75f, 0.5f));
    s.lastEmbedding = new float[] {1f, 2f};
    s.eventHashes = new long[] {5, 6, 7};
    s.eventHashCount = 3;
    s.eventHashNext = 1; // a full ring whose oldest entry is at 1: 6, 7, 5
    return s;
  }

  @Test
  void roundTripsEveryField() {
    ItemStateCodec codec = new ItemStateCodec();
    byte[] bytes = codec.encode(sample(), false);
    assertEquals((byte) 0xC3, bytes[0], "single-object encoding, resolvable by fingerprint");
    ItemStateCodec.Decoded d = codec.decode(bytes);
    ItemState back = d.state();
    assertArrayEquals(bytes, codec.encode(back, false));
    assertEquals(1_700_000_000_123L, back.updateSeq);
    assertEquals(5, back.positives());
    assertEquals(1, back.negatives());
    assertEquals(List.of(8L), back.feedback.negatives().users());
    assertEquals(2, back.feedback.pinnacle().size());
    assertEquals(sample().prompt, back.prompt);
    assertEquals("promo-1", back.promoVersion);
    assertEquals(1, back.tracked.size());
    assertArrayEquals(new long[] {6, 7, 5}, back.eventHashes, "hashes restored oldest first");
    assertArrayEquals(new float[] {1f, 0f}, back.feedback.coLikedSum());
    assertEquals(2, back.feedback.coLikedCount());
    assertArrayEquals(new float[] {0.5f, 4f}, back.feedback.likerSum());
    assertEquals(2, back.feedback.likerCount());
    assertTrue(bytes.length < 600, "compact: " + bytes.length + " bytes");
  }

  /** A state written by an earlier job without the later fields (tunedCount, eventHashes) still reads. */
  @Test
  void readsAStateWrittenWithAnEarlierSchema() throws Exception {
    Schema current = ItemStateRecord.getClassSchema();
    List<Schema.Field> kept = new ArrayList<>();
    for (Schema.Field f : current.getFields()) {
      if (!f.name().equals("tunedCount") && !f.name().equals("eventHashes") && !f.name().equals("packedEventHashes")) {
        kept.add(new Schema.Field(f, f.schema()));
      }
    }
    Schema old = Schema.createRecord("ItemStateRecord", null, "io.pinnacle.schema.state", false, kept);
    // The sample as the earlier writer would have stored it: projected onto its schema, single-object encoded.
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(body, null);
    new SpecificDatumWriter<ItemStateRecord>(current).write(ItemStateCodec.toRecord(sample(), false), enc);
    enc.flush();
    GenericRecord projected = new GenericDatumReader<GenericRecord>(current, old)
        .read(null, DecoderFactory.get().binaryDecoder(body.toByteArray(), null));
    ByteBuffer buf = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), old).encode(projected);
    byte[] bytes = new byte[buf.remaining()];
    buf.get(bytes);

    AvroValueCodec<ItemStateRecord> reader = new AvroValueCodec<>(current, List.of(old));
    ItemStateRecord read = reader.decode(bytes);
    assertEquals(0, read.getTunedCount(), "default of a field the old writer did not have");
    assertEquals(List.of(), read.getEventHashes());
    assertEquals(0, read.getPackedEventHashes().remaining());
    assertEquals(1_700_000_000_123L, read.getUpdateSeq());
    assertEquals(2, read.getFeedback().getPinnacle().size());
  }

  /**
   * A state the previous job wrote (the released v4 schema, before the likers' sum) reads through the job's codec:
   * its co-liked sum kept, the likers' sum empty until the next positive.
   */
  @Test
  void readsAStateWrittenBeforeTheLikersSum() throws Exception {
    Schema current = ItemStateRecord.getClassSchema();
    Schema v4;
    try (var in = getClass().getResourceAsStream("/pinnacle/schema-history/ItemStateRecord/v4.avsc")) {
      v4 = new Schema.Parser().parse(in);
    }
    assertTrue(v4.getField("feedback").schema().getTypes().get(1).getField("likerSum") == null);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(body, null);
    new SpecificDatumWriter<ItemStateRecord>(current).write(boxedLayout(ItemStateCodec.toRecord(sample(), false)), enc);
    enc.flush();
    GenericRecord projected = new GenericDatumReader<GenericRecord>(current, v4)
        .read(null, DecoderFactory.get().binaryDecoder(body.toByteArray(), null));
    ByteBuffer buf = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v4).encode(projected);
    byte[] bytes = new byte[buf.remaining()];
    buf.get(bytes);

    ItemState back = new ItemStateCodec().decode(bytes).state();
    assertArrayEquals(new float[] {1f, 0f}, back.feedback.coLikedSum());
    assertEquals(null, back.feedback.likerSum());
    assertEquals(0, back.feedback.likerCount());
    assertEquals(5, back.positives());
  }

  /**
   * A state the previous job wrote (the released v5 schema: vectors and event hashes as Avro arrays, boxed) reads
   * to the same state as the packed one: every vector, the prompt with its Adam moments and the hash ring.
   */
  @Test
  void readsAStateWithBoxedVectors() throws Exception {
    Schema current = ItemStateRecord.getClassSchema();
    Schema v5;
    try (var in = getClass().getResourceAsStream("/pinnacle/schema-history/ItemStateRecord/v5.avsc")) {
      v5 = new Schema.Parser().parse(in);
    }
    assertTrue(v5.getField("packedEventHashes") == null);
    ItemStateRecord r = boxedLayout(ItemStateCodec.toRecord(sample(), false));
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(body, null);
    new SpecificDatumWriter<ItemStateRecord>(current).write(r, enc);
    enc.flush();
    GenericRecord projected = new GenericDatumReader<GenericRecord>(current, v5)
        .read(null, DecoderFactory.get().binaryDecoder(body.toByteArray(), null));
    ByteBuffer buf = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v5).encode(projected);
    byte[] bytes = new byte[buf.remaining()];
    buf.get(bytes);

    ItemStateCodec codec = new ItemStateCodec();
    ItemState back = codec.decode(bytes).state();
    assertArrayEquals(codec.encode(sample(), false), codec.encode(back, false), "the same state, packed");
    assertEquals(sample().prompt, back.prompt);
    assertArrayEquals(new long[] {6, 7, 5}, back.eventHashes);
    assertArrayEquals(new float[] {1f, 2f}, back.lastEmbedding);
  }

  /** The layout of a writer before schema v6: every packed field moved into its array field. */
  private static ItemStateRecord boxedLayout(ItemStateRecord r) {
    Function<ByteBuffer, List<Float>> boxed = b -> {
      if (b == null) {
        return null;
      }
      var f = b.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      return IntStream.range(0, f.remaining()).mapToObj(f::get).toList();
    };
    FeedbackRecord fb = r.getFeedback();
    fb.getPinnacle().forEach(e -> {
      e.setVector(boxed.apply(e.getPackedVector()));
      e.setPackedVector(null);
    });
    fb.getRecent().forEach(e -> {
      e.setVector(boxed.apply(e.getPackedVector()));
      e.setPackedVector(null);
    });
    fb.setNegativeVectors(fb.getPackedNegativeVectors().stream().map(boxed).toList());
    fb.setPackedNegativeVectors(List.of());
    fb.setCoLikedSum(boxed.apply(fb.getPackedCoLikedSum()));
    fb.setPackedCoLikedSum(ByteBuffer.allocate(0));
    fb.setLikerSum(boxed.apply(fb.getPackedLikerSum()));
    fb.setPackedLikerSum(ByteBuffer.allocate(0));
    PromptRecord pr = r.getPrompt();
    r.setPrompt(new PromptRecord(boxed.apply(pr.getPackedPrompt()), boxed.apply(pr.getPackedAdamM()),
        boxed.apply(pr.getPackedAdamV()), pr.getStep(), ByteBuffer.allocate(0), ByteBuffer.allocate(0),
        ByteBuffer.allocate(0)));
    r.setLastEmbedding(boxed.apply(r.getPackedLastEmbedding()));
    r.setPackedLastEmbedding(null);
    var h = r.getPackedEventHashes().duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN).asLongBuffer();
    r.setEventHashes(IntStream.range(0, h.remaining()).mapToObj(h::get).toList());
    r.setPackedEventHashes(ByteBuffer.allocate(0));
    return r;
  }
}
