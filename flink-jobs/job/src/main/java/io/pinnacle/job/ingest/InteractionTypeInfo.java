package io.pinnacle.job.ingest;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Tells Flink to use {@link InteractionSerializer} for {@link Interaction} (instead of Kryo or the POJO path). */
public final class InteractionTypeInfo extends TypeInformation<Interaction> {
  private static final long serialVersionUID = 1L;
  public static final InteractionTypeInfo INSTANCE = new InteractionTypeInfo();

  @Override
  public boolean isBasicType() {
    return false;
  }

  @Override
  public boolean isTupleType() {
    return false;
  }

  @Override
  public int getArity() {
    return 1;
  }

  @Override
  public int getTotalFields() {
    return 1;
  }

  @Override
  public Class<Interaction> getTypeClass() {
    return Interaction.class;
  }

  @Override
  public boolean isKeyType() {
    return false;
  }

  @Override
  public TypeSerializer<Interaction> createSerializer(SerializerConfig config) {
    return InteractionSerializer.INSTANCE;
  }

  @Override
  public String toString() {
    return "Interaction";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InteractionTypeInfo;
  }

  @Override
  public int hashCode() {
    return Interaction.class.hashCode();
  }

  @Override
  public boolean canEqual(Object o) {
    return o instanceof InteractionTypeInfo;
  }
}
