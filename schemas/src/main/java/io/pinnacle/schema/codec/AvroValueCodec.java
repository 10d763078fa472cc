package io.pinnacle.schema.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.SystemLimitException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Kafka value codec: Avro single-object encoding (a 2-byte marker, the writer schema's 8-byte CRC-64-AVRO
 * fingerprint, then the binary record). The reader resolves the writer's schema by fingerprint, from its own
 * schema and from every schema listed in {@link SchemaHistory}, so records written by an older or a newer
 * producer are read as long as the evolution rule in schemas/README.md is kept. Not thread-safe: one instance per
 * task thread.
 */
public final class AvroValueCodec<T extends SpecificRecord> {
  static {
    // A length prefix is read before the bytes it announces: without limits, a short garbled message that claims a
    // 2 GiB string makes Avro allocate it (an OutOfMemoryError, not a decoding error). Our records hold short
    // strings, modest arrays and, in dead letters, one copied value: these bounds are far above any valid record.
    limitIfUnset(SystemLimitException.MAX_STRING_LENGTH_PROPERTY, 1 << 20);
    limitIfUnset(SystemLimitException.MAX_BYTES_LENGTH_PROPERTY, 16 << 20);
    limitIfUnset(SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY, 1 << 20);
  }

  private static void limitIfUnset(String property, int value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, Integer.toString(value));
    }
  }

  /** The single-object header: marker C3 01, then the writer schema's 8-byte fingerprint, little-endian. */
  private static final int HEADER = 10;

  private final Schema readerSchema;
  private final byte[] header;
  private final SpecificDatumWriter<T> writer;
  /** Readers by writer-schema fingerprint: the reader's own schema and every schema of the history. */
  private final Map<Long, DatumReader<T>> readers = new HashMap<>();
  // Reused between calls: an instance belongs to one task thread (see Codecs).
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
  private BinaryEncoder encoder;
  private BinaryDecoder decoder;

  public AvroValueCodec(Schema readerSchema) {
    this(readerSchema, SchemaHistory.forRecord(readerSchema.getFullName()));
  }

  public AvroValueCodec(Schema readerSchema, List<Schema> knownWriterSchemas) {
    this.readerSchema = readerSchema;
    // A model of our own: the generated classes' custom coders read and write fields directly (no per-field
    // schema walk), including records of an older writer schema, which still pass through the resolving decoder.
    SpecificData model = new SpecificData(SpecificData.getForSchema(readerSchema).getClassLoader());
    model.setCustomCoders(true);
    long fingerprint = SchemaNormalization.parsingFingerprint64(readerSchema);
    this.header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN)
        .put((byte) 0xC3).put((byte) 0x01).putLong(fingerprint).array();
    this.writer = new SpecificDatumWriter<>(readerSchema, model);
    for (Schema s : knownWriterSchemas) {
      readers.put(SchemaNormalization.parsingFingerprint64(s), new SpecificDatumReader<>(s, readerSchema, model));
    }
    readers.put(fingerprint, new SpecificDatumReader<>(readerSchema, readerSchema, model));
  }

  public Schema schema() {
    return readerSchema;
  }

  public byte[] encode(T record) {
    try {
      // Buffered: the direct encoder of Avro's message API writes every float byte by byte.
      out.reset();
      out.write(header);
      encoder = EncoderFactory.get().binaryEncoder(out, encoder);
      writer.write(record, encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + readerSchema.getName(), e);
    }
  }

  /**
   * Decodes one value. Throws {@link IOException} (or a subclass such as {@link MissingSchemaException} or
   * {@link BadHeaderException}) when the bytes are not a record this reader can resolve; callers route such records
   * to the dead-letter topic.
   */
  public T decode(byte[] bytes) throws IOException {
    if (bytes == null) {
      throw new IOException("null value");
    }
    if (bytes.length < HEADER || bytes[0] != (byte) 0xC3 || bytes[1] != (byte) 0x01) {
      throw new IOException("undecodable " + readerSchema.getName(), new BadHeaderException(
          "not Avro single-object encoding (no C3 01 header and fingerprint)"));
    }
    long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    DatumReader<T> reader = readers.get(fingerprint);
    if (reader == null) {
      throw new IOException("undecodable " + readerSchema.getName(), new MissingSchemaException(
          "no known schema has fingerprint " + Long.toHexString(fingerprint)));
    }
    try {
      decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER, bytes.length - HEADER, decoder);
      return reader.read(null, decoder);
    } catch (RuntimeException | IOException e) {
      // Avro signals truncated or garbled bodies with runtime exceptions (and EOF); make them one checked failure.
      throw new IOException("undecodable " + readerSchema.getName() + ": " + e, e);
    }
  }
}
