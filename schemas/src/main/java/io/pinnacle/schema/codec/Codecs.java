package io.pinnacle.schema.codec;

import io.pinnacle.schema.DeadLetter;
import io.pinnacle.schema.InteractionEvent;
import io.pinnacle.schema.ItemEmbedding;
import io.pinnacle.schema.ItemFeatures;
import io.pinnacle.schema.PinnacleRetention;
import io.pinnacle.schema.PinnacleTargeting;

/** Ready codecs for the project's records. Each instance is cheap but not thread-safe: keep one per task. */
public final class Codecs {
  private Codecs() {}

  public static AvroValueCodec<InteractionEvent> interactionEvent() {
    return new AvroValueCodec<>(InteractionEvent.getClassSchema());
  }

  public static AvroValueCodec<ItemFeatures> itemFeatures() {
    return new AvroValueCodec<>(ItemFeatures.getClassSchema());
  }

  public static AvroValueCodec<ItemEmbedding> itemEmbedding() {
    return new AvroValueCodec<>(ItemEmbedding.getClassSchema());
  }

  public static AvroValueCodec<io.pinnacle.schema.UserVector> userVector() {
    return new AvroValueCodec<>(io.pinnacle.schema.UserVector.getClassSchema());
  }

  public static AvroValueCodec<PinnacleRetention> pinnacleRetention() {
    return new AvroValueCodec<>(PinnacleRetention.getClassSchema());
  }

  public static AvroValueCodec<PinnacleTargeting> pinnacleTargeting() {
    return new AvroValueCodec<>(PinnacleTargeting.getClassSchema());
  }

  public static AvroValueCodec<DeadLetter> deadLetter() {
    return new AvroValueCodec<>(DeadLetter.getClassSchema());
  }
}
