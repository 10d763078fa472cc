package io.pinnacle.job.users;

import io.pinnacle.schema.codec.AvroValueCodec;
import io.pinnacle.schema.state.UserStateRecord;
import java.io.IOException;
import java.io.UncheckedIOException;

/** User state as kept in RocksDB: {@code UserStateRecord} in Avro single-object encoding. */
public final class UserStateCodec {
  private final AvroValueCodec<UserStateRecord> avro = new AvroValueCodec<>(UserStateRecord.getClassSchema());

  public byte[] encode(UserStateRecord r) {
    return avro.encode(r);
  }

  public UserStateRecord decode(byte[] bytes) {
    try {
      return avro.decode(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("user state cannot be decoded; was a newer state schema released before its "
          + "readers? (schemas/README.md)", e);
    }
  }
}
