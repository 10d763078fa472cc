package io.pinnacle.job.state;

import io.pinnacle.feedback.ItemFeedbackState;
import io.pinnacle.feedback.LabelledSample;
import io.pinnacle.feedback.NegativeReservoir;
import io.pinnacle.feedback.PinnacleEntry;
import io.pinnacle.feedback.PinnacleMode;
import io.pinnacle.feedback.PinnacleSet;
import io.pinnacle.retention.TrackedPair;
import io.pinnacle.schema.codec.AvroValueCodec;
import io.pinnacle.schema.codec.FloatLists;
import io.pinnacle.schema.state.FeedbackRecord;
import io.pinnacle.schema.state.ItemStateRecord;
import io.pinnacle.schema.state.LabelledSampleRecord;
import io.pinnacle.schema.state.PinnacleEntryRecord;
import io.pinnacle.schema.state.PromptRecord;
import io.pinnacle.schema.state.TargetingProbeRecord;
import io.pinnacle.schema.state.TrackedPairRecord;
import io.pinnacle.targeting.TargetingProbe;
import io.pinnacle.tuning.ItemState;
import io.pinnacle.tuning.PromptState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Item state as it is kept in RocksDB: the Avro record {@code ItemStateRecord} in single-object encoding, so a
 * state written by an older (or, after the two-step release of schemas/README.md, newer) job is resolved by its
 * schema fingerprint. Vectors and event hashes are stored packed ({@code bytes}, since schema v6): boxing them for
 * Avro's float arrays was half the cost of writing a state back; the array fields are read from older states only.
 * Not thread-safe: one per operator instance.
 */
public final class ItemStateCodec {
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
  private final AvroValueCodec<ItemStateRecord> avro = new AvroValueCodec<>(ItemStateRecord.getClassSchema());

  public byte[] encode(ItemState s, boolean dirty) {
    return avro.encode(toRecord(s, dirty));
  }

  /** The state, and whether it was stored dirty. */
  public record Decoded(ItemState state, boolean dirty) {}

  public Decoded decode(byte[] bytes) {
    try {
      ItemStateRecord r = avro.decode(bytes);
      return new Decoded(fromRecord(r), r.getDirty());
    } catch (IOException e) {
      // A state the job cannot read is a deployment error (a schema released in the wrong order), not bad input.
      throw new UncheckedIOException("item state cannot be decoded; was a newer state schema released before its "
          + "readers? (schemas/README.md)", e);
    }
  }

  static ItemStateRecord toRecord(ItemState s, boolean dirty) {
    List<TrackedPairRecord> tracked = new ArrayList<>(s.tracked.size());
    for (TrackedPair p : s.tracked) {
      tracked.add(new TrackedPairRecord(p.userId(), p.negativesAtT0(), (int) p.state(), p.scoreAtT0(),
          p.threshold()));
    }
    return ItemStateRecord.newBuilder()
        .setPhase(s.phase)
        .setUpdateSeq(s.updateSeq)
        .setTunedCount(s.tunedCount)
        .setPositiveCount(s.positiveCount)
        .setNegativeCount(s.negativeCount)
        .setLastEventTimeMs(s.lastEventTimeMs)
        .setLastIngestMs(s.lastIngestMs)
        .setLastActivityMs(s.lastActivityMs)
        .setLastTunedMs(s.lastTunedMs)
        .setBaseModelVersion(s.baseVersion)
        .setPromoVersion(s.promoVersion)
        .setDirty(dirty)
        .setFeedback(s.feedback == null ? null : feedback(s.feedback))
        .setPrompt(s.prompt == null ? null : new PromptRecord(List.of(), List.of(), List.of(), s.prompt.step(),
            pack(s.prompt.prompt()), pack(s.prompt.m()), pack(s.prompt.v())))
        .setTracked(tracked)
        .setLastEmbedding(null)
        .setPackedLastEmbedding(packOrNull(s.lastEmbedding))
        .setEventHashes(List.of())
        .setPackedEventHashes(eventHashes(s))
        .setContentFeatures(ints(s.content))
        .setTargetingProbes(probes(s.probes))
        .build();
  }

  static ItemState fromRecord(ItemStateRecord r) {
    ItemState s = new ItemState();
    s.phase = r.getPhase();
    s.updateSeq = r.getUpdateSeq();
    s.tunedCount = r.getTunedCount();
    s.positiveCount = r.getPositiveCount();
    s.negativeCount = r.getNegativeCount();
    s.lastEventTimeMs = r.getLastEventTimeMs();
    s.lastIngestMs = r.getLastIngestMs();
    s.lastActivityMs = r.getLastActivityMs();
    s.lastTunedMs = r.getLastTunedMs();
    s.baseVersion = r.getBaseModelVersion();
    s.promoVersion = r.getPromoVersion();
    if (r.getFeedback() != null) {
      s.feedback = feedback(r.getFeedback());
    }
    if (r.getPrompt() != null) {
      PromptRecord p = r.getPrompt();
      s.prompt = new PromptState(vector(p.getPackedPrompt(), p.getPrompt()), vector(p.getPackedAdamM(), p.getAdamM()),
          vector(p.getPackedAdamV(), p.getAdamV()), p.getStep());
    }
    for (TrackedPairRecord p : r.getTracked()) {
      s.tracked.add(new TrackedPair(p.getUserId(), p.getNegativesAtT0(), (byte) p.getState(), p.getScoreAtT0(),
          p.getThreshold()));
    }
    s.lastEmbedding = r.getPackedLastEmbedding() != null ? unpack(r.getPackedLastEmbedding())
        : floatsOrNull(r.getLastEmbedding());
    if (r.getPackedEventHashes().hasRemaining()) {
      ByteBuffer b = r.getPackedEventHashes().duplicate().order(ByteOrder.LITTLE_ENDIAN);
      s.eventHashes = new long[b.remaining() / 8];
      b.asLongBuffer().get(s.eventHashes);
    } else {
      List<Long> hashes = r.getEventHashes();
      s.eventHashes = new long[hashes.size()];
      for (int j = 0; j < hashes.size(); j++) {
        s.eventHashes[j] = hashes.get(j);
      }
    }
    s.eventHashCount = s.eventHashes.length;
    s.eventHashNext = 0; // the ring is stored full-length from its oldest entry (see eventHashes)
    for (TargetingProbeRecord p : r.getTargetingProbes()) {
      s.probes.add(new TargetingProbe(unpack(p.getEmbedding()), p.getSeed(), p.getLikerRank(), p.getBucket(),
          p.getNewItem(), p.getTimeMs(), p.getNegativesLeft()));
    }
    List<Integer> content = r.getContentFeatures();
    s.content = new int[content.size()];
    for (int j = 0; j < s.content.length; j++) {
      s.content[j] = content.get(j);
    }
    return s;
  }

  private static List<TargetingProbeRecord> probes(List<TargetingProbe> probes) {
    List<TargetingProbeRecord> out = new ArrayList<>(probes.size());
    for (TargetingProbe p : probes) {
      out.add(new TargetingProbeRecord(pack(p.embedding), p.seed, p.likerRank, p.bucket, p.newItem, p.timeMs,
          p.negativesLeft));
    }
    return out;
  }

  /** float32 little-endian: one copy, no boxing (Avro writes a float array element by element). */
  private static ByteBuffer pack(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return b;
  }

  private static ByteBuffer packOrNull(float[] v) {
    return v == null ? null : pack(v);
  }

  /** A packed vector, or the boxed array an older state holds. */
  private static float[] vector(ByteBuffer packed, List<Float> legacy) {
    return packed != null && packed.hasRemaining() ? unpack(packed) : floats(legacy);
  }

  private static float[] vectorOrNull(ByteBuffer packed, List<Float> legacy) {
    return packed != null && packed.hasRemaining() ? unpack(packed) : floatsOrNull(legacy);
  }

  private static float[] unpack(ByteBuffer b) {
    float[] v = new float[b.remaining() / 4];
    b.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    return v;
  }

  private static List<Integer> ints(int[] values) {
    List<Integer> out = new ArrayList<>(values.length);
    for (int v : values) {
      out.add(v);
    }
    return out;
  }

  /** The valid hashes, oldest first, packed; the ring is stored at its full capacity so it restores unchanged. */
  private static ByteBuffer eventHashes(ItemState s) {
    int n = s.eventHashes.length;
    ByteBuffer b = ByteBuffer.allocate(8 * s.eventHashCount).order(ByteOrder.LITTLE_ENDIAN);
    if (s.eventHashCount < n) {
      for (int j = 0; j < s.eventHashCount; j++) {
        b.putLong(s.eventHashes[j]);
      }
    } else {
      for (int j = 0; j < n; j++) {
        b.putLong(s.eventHashes[(s.eventHashNext + j) % n]);
      }
    }
    return b.flip();
  }

  private static FeedbackRecord feedback(ItemFeedbackState f) {
    List<PinnacleEntryRecord> pin = new ArrayList<>();
    for (PinnacleEntry e : f.pinnacle().entries()) {
      pin.add(new PinnacleEntryRecord(e.userId(), e.value(), e.timeMs(), null, packOrNull(e.vector())));
    }
    List<LabelledSampleRecord> recent = new ArrayList<>();
    for (LabelledSample x : f.recent()) {
      recent.add(new LabelledSampleRecord(x.userId(), x.positive(), x.timeMs(), null, packOrNull(x.vector())));
    }
    NegativeReservoir n = f.negatives();
    return FeedbackRecord.newBuilder()
        .setPinnacleMode(f.pinnacle().mode().name())
        .setK(f.pinnacle().capacity())
        .setPinnacle(pin)
        .setNegativeCapacity(n.capacity())
        .setNegativesSeen(n.seen())
        .setNegativeRngState(n.rngState())
        .setNegativeUsers(new ArrayList<>(n.users()))
        .setNegativeVectors(List.of())
        .setPackedNegativeVectors(packedAll(n.vectors()))
        .setRecentCapacity(f.recentCapacity())
        .setRecent(recent)
        .setPositiveCount(f.positiveCount())
        .setNegativeCount(f.negativeCount())
        .setLastEventTimeMs(f.lastEventTimeMs())
        .setCoLikedSum(List.of())
        .setPackedCoLikedSum(f.coLikedSum() == null ? EMPTY : pack(f.coLikedSum()))
        .setCoLikedCount(f.coLikedCount())
        .setLikerSum(List.of())
        .setPackedLikerSum(f.likerSum() == null ? EMPTY : pack(f.likerSum()))
        .setLikerCount(f.likerCount())
        .build();
  }

  private static ItemFeedbackState feedback(FeedbackRecord r) {
    List<PinnacleEntry> pin = new ArrayList<>();
    for (PinnacleEntryRecord e : r.getPinnacle()) {
      pin.add(new PinnacleEntry(e.getUserId(), e.getValue(), e.getTimeMs(),
          vectorOrNull(e.getPackedVector(), e.getVector())));
    }
    List<LabelledSample> recent = new ArrayList<>();
    for (LabelledSampleRecord x : r.getRecent()) {
      recent.add(new LabelledSample(x.getUserId(), x.getPositive(), x.getTimeMs(),
          vectorOrNull(x.getPackedVector(), x.getVector())));
    }
    // States written before user vectors have no negative vectors: those users are looked up when tuning.
    List<float[]> negVectors = new ArrayList<>();
    List<ByteBuffer> packed = r.getPackedNegativeVectors();
    for (int j = 0; j < r.getNegativeUsers().size(); j++) {
      negVectors.add(j < packed.size() ? (packed.get(j) == null ? null : unpack(packed.get(j)))
          : j < r.getNegativeVectors().size() ? floatsOrNull(r.getNegativeVectors().get(j)) : null);
    }
    ItemFeedbackState f = new ItemFeedbackState(PinnacleSet.of(r.getK(), PinnacleMode.valueOf(r.getPinnacleMode()),
        pin), new NegativeReservoir(r.getNegativeCapacity(), r.getNegativesSeen(), r.getNegativeRngState(),
            r.getNegativeUsers(), negVectors),
        recent, r.getRecentCapacity(), r.getPositiveCount(), r.getNegativeCount(), r.getLastEventTimeMs());
    // States written before the co-liked sum read as none: the anchor starts from the positives that follow.
    f.restoreCoLiked(r.getPackedCoLikedSum().hasRemaining() ? unpack(r.getPackedCoLikedSum())
        : r.getCoLikedSum().isEmpty() ? null : floats(r.getCoLikedSum()), r.getCoLikedCount());
    // States written before the likers' sum read as none: the mean of the users' vectors starts at the next positive.
    f.restoreLikers(r.getPackedLikerSum().hasRemaining() ? unpack(r.getPackedLikerSum())
        : r.getLikerSum().isEmpty() ? null : floats(r.getLikerSum()), r.getLikerCount());
    return f;
  }

  private static List<ByteBuffer> packedAll(List<float[]> vectors) {
    List<ByteBuffer> out = new ArrayList<>(vectors.size());
    for (float[] v : vectors) {
      out.add(packOrNull(v));
    }
    return out;
  }

  private static float[] floatsOrNull(List<Float> a) {
    return a == null ? null : floats(a);
  }

  private static float[] floats(List<Float> a) {
    return FloatLists.unboxed(a);
  }
}
