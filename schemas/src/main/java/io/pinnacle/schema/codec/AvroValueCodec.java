package io.pinnacle.schema.codec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SystemLimitException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Kafka value codec: Avro single-object encoding (a 2-byte marker, the writer schema's 8-byte CRC-64-AVRO
 * fingerprint, then the binary record). The reader resolves the writer's schema by fingerprint, from its own
 * schema and from every schema listed in {@link SchemaHistory}, so records written by an older or a newer
 * producer are read as long as the evolution rule in schemas/README.md is kept.
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

  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;
  private final Schema readerSchema;

  public AvroValueCodec(Schema readerSchema) {
    this(readerSchema, SchemaHistory.forRecord(readerSchema.getFullName()));
  }

  public AvroValueCodec(Schema readerSchema, List<Schema> knownWriterSchemas) {
    this.readerSchema = readerSchema;
    SchemaStore.Cache store = new SchemaStore.Cache();
    for (Schema s : knownWriterSchemas) {
      store.addSchema(s);
    }
    SpecificData model = SpecificData.getForSchema(readerSchema);
    this.encoder = new BinaryMessageEncoder<>(model, readerSchema);
    this.decoder = new BinaryMessageDecoder<>(model, readerSchema, store);
  }

  public Schema schema() {
    return readerSchema;
  }

  public byte[] encode(T record) {
    try {
      ByteBuffer buf = encoder.encode(record);
      byte[] out = new byte[buf.remaining()];
      buf.get(out);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + readerSchema.getName(), e);
    }
  }

  /**
   * Decodes one value. Throws {@link IOException} (or a subclass such as
   * {@link org.apache.avro.message.MissingSchemaException} or {@link org.apache.avro.message.BadHeaderException})
   * when the bytes are not a record this reader can resolve; callers route such records to the dead-letter topic.
   */
  public T decode(byte[] bytes) throws IOException {
    if (bytes == null) {
      throw new IOException("null value");
    }
    try {
      return decoder.decode(bytes);
    } catch (RuntimeException e) {
      // Avro signals truncated or garbled bodies with runtime exceptions; make them one checked failure.
      throw new IOException("undecodable " + readerSchema.getName() + ": " + e, e);
    }
  }
}
