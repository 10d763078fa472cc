package io.pinnacle.job.ingest;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Binary form of {@link Interaction}: 58 fixed bytes, then the user vector and the co-liked vector (each a length, -1
 * for none, and the floats); no reflection, no per-field tags. Only the network carries it (no state holds an
 * Interaction), so its layout can change between releases.
 */
public final class InteractionSerializer extends TypeSerializerSingleton<Interaction> {
  private static final long serialVersionUID = 1L;
  public static final InteractionSerializer INSTANCE = new InteractionSerializer();
  private static final int FIXED_LENGTH = 8 * 5 + 1 + 4 + 4 + 8 + 1 + 8;

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public Interaction createInstance() {
    return new Interaction();
  }

  @Override
  public Interaction copy(Interaction from) {
    return copy(from, new Interaction());
  }

  @Override
  public Interaction copy(Interaction from, Interaction to) {
    to.itemId = from.itemId;
    to.userId = from.userId;
    to.eventTimeMs = from.eventTimeMs;
    to.ingestMs = from.ingestMs;
    to.eventHash = from.eventHash;
    to.positive = from.positive;
    to.value = from.value;
    to.partition = from.partition;
    to.offset = from.offset;
    to.tunable = from.tunable;
    to.userLastPositiveMs = from.userLastPositiveMs;
    to.userVector = from.userVector == null ? null : from.userVector.clone();
    to.coLiked = from.coLiked == null ? null : from.coLiked.clone();
    return to;
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(Interaction e, DataOutputView out) throws IOException {
    out.writeLong(e.itemId);
    out.writeLong(e.userId);
    out.writeLong(e.eventTimeMs);
    out.writeLong(e.ingestMs);
    out.writeLong(e.eventHash);
    out.writeBoolean(e.positive);
    out.writeFloat(e.value);
    out.writeInt(e.partition);
    out.writeLong(e.offset);
    out.writeBoolean(e.tunable);
    out.writeLong(e.userLastPositiveMs);
    writeVector(e.userVector, out);
    writeVector(e.coLiked, out);
  }

  private static void writeVector(float[] v, DataOutputView out) throws IOException {
    out.writeShort(v == null ? -1 : v.length);
    if (v != null) {
      for (float x : v) {
        out.writeFloat(x);
      }
    }
  }

  private static float[] readVector(DataInputView in) throws IOException {
    int n = in.readShort();
    if (n < 0) {
      return null;
    }
    float[] v = new float[n];
    for (int k = 0; k < n; k++) {
      v[k] = in.readFloat();
    }
    return v;
  }

  @Override
  public Interaction deserialize(DataInputView in) throws IOException {
    return deserialize(new Interaction(), in);
  }

  @Override
  public Interaction deserialize(Interaction e, DataInputView in) throws IOException {
    e.itemId = in.readLong();
    e.userId = in.readLong();
    e.eventTimeMs = in.readLong();
    e.ingestMs = in.readLong();
    e.eventHash = in.readLong();
    e.positive = in.readBoolean();
    e.value = in.readFloat();
    e.partition = in.readInt();
    e.offset = in.readLong();
    e.tunable = in.readBoolean();
    e.userLastPositiveMs = in.readLong();
    e.userVector = readVector(in);
    e.coLiked = readVector(in);
    return e;
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    out.write(in, FIXED_LENGTH);
    for (int vector = 0; vector < 2; vector++) {
      int n = in.readShort();
      out.writeShort(n);
      if (n > 0) {
        out.write(in, 4 * n);
      }
    }
  }

  @Override
  public TypeSerializerSnapshot<Interaction> snapshotConfiguration() {
    return new Snapshot();
  }

  /** The format has one version; a changed layout gets a new serializer class and snapshot version. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<Interaction> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
