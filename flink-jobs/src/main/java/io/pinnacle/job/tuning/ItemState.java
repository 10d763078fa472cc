package io.pinnacle.job.tuning;

import io.pinnacle.feedback.ItemFeedbackState;
import io.pinnacle.feedback.LabelledSample;
import io.pinnacle.feedback.NegativeReservoir;
import io.pinnacle.feedback.PinnacleEntry;
import io.pinnacle.feedback.PinnacleMode;
import io.pinnacle.feedback.PinnacleSet;
import io.pinnacle.schema.Phase;
import io.pinnacle.tuning.PromptState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the job keeps for one item, stored as one compact value (one RocksDB entry per item). Feedback users
 * carry their vectors, so tuning needs no global lookup. Format (version 1, big-endian): see {@link #toBytes()}.
 */
public final class ItemState {
  private static final byte VERSION = 1;

  public Phase phase = Phase.COLD;
  public long updateSeq;
  public long lastEventTimeMs;
  public long lastIngestMs;
  public long lastActivityMs;
  public long lastTunedMs = Long.MIN_VALUE / 2;
  public boolean dirty;
  /** Null once the item graduated or is warm: only counters are kept then. */
  public ItemFeedbackState feedback;
  public PromptState prompt;
  public final Map<Long, float[]> vectors = new HashMap<>();
  /** Pinnacle pairs followed for the retention measurement. */
  public List<io.pinnacle.retention.TrackedPair> tracked = new ArrayList<>();
  /** The last emitted embedding (null before the first update). */
  public float[] lastEmbedding;
  /** Counters for an item without feedback state (warm or graduated). */
  public long positiveCount;
  public long negativeCount;

  public long positives() {
    return feedback != null ? positiveCount + feedback.positiveCount() : positiveCount;
  }

  public long negatives() {
    return feedback != null ? negativeCount + feedback.negativeCount() : negativeCount;
  }

  /** Drops vectors no longer referenced by the pinnacle set, the reservoir or the recent buffer. */
  public void pruneVectors() {
    Set<Long> used = new HashSet<>();
    if (feedback != null) {
      feedback.pinnacle().entries().forEach(e -> used.add(e.userId()));
      used.addAll(feedback.negatives().users());
      feedback.recent().forEach(s -> used.add(s.userId()));
    }
    vectors.keySet().retainAll(used);
  }

  /** Moves to a counters-only state (graduation): feedback and prompt are cleared, totals kept. */
  public void graduate() {
    positiveCount = positives();
    negativeCount = negatives();
    feedback = null;
    prompt = null;
    vectors.clear();
    tracked = new ArrayList<>();
    lastEmbedding = null;
    phase = Phase.GRADUATED;
    dirty = false;
  }

  public byte[] toBytes() {
    try {
      ByteArrayOutputStream bos = new ByteArrayOutputStream(256);
      DataOutputStream out = new DataOutputStream(bos);
      out.writeByte(VERSION);
      out.writeByte(phase.ordinal());
      out.writeLong(updateSeq);
      out.writeLong(lastEventTimeMs);
      out.writeLong(lastIngestMs);
      out.writeLong(lastActivityMs);
      out.writeLong(lastTunedMs);
      out.writeBoolean(dirty);
      out.writeLong(positiveCount);
      out.writeLong(negativeCount);
      out.writeBoolean(feedback != null);
      if (feedback != null) {
        PinnacleSet p = feedback.pinnacle();
        out.writeByte(p.mode().ordinal());
        out.writeShort(p.capacity());
        out.writeShort(p.size());
        for (PinnacleEntry e : p.entries()) {
          out.writeLong(e.userId());
          out.writeFloat(e.value());
          out.writeLong(e.timeMs());
        }
        NegativeReservoir n = feedback.negatives();
        out.writeShort(n.capacity());
        out.writeLong(n.seen());
        out.writeLong(n.rngState());
        out.writeShort(n.users().size());
        for (long u : n.users()) {
          out.writeLong(u);
        }
        out.writeShort(feedback.recentCapacity());
        List<LabelledSample> recent = feedback.recent();
        out.writeShort(recent.size());
        for (LabelledSample s : recent) {
          out.writeLong(s.userId());
          out.writeBoolean(s.positive());
          out.writeLong(s.timeMs());
        }
        out.writeLong(feedback.positiveCount());
        out.writeLong(feedback.negativeCount());
        out.writeLong(feedback.lastEventTimeMs());
      }
      out.writeBoolean(prompt != null);
      if (prompt != null) {
        byte[] b = prompt.toBytes();
        out.writeShort(b.length);
        out.write(b);
      }
      out.writeShort(vectors.size());
      for (Map.Entry<Long, float[]> v : vectors.entrySet()) {
        out.writeLong(v.getKey());
        out.writeShort(v.getValue().length);
        for (float x : v.getValue()) {
          out.writeFloat(x);
        }
      }
      out.writeShort(tracked.size());
      for (io.pinnacle.retention.TrackedPair p : tracked) {
        out.writeLong(p.userId());
        writeFloats(out, p.userVector());
        out.writeLong(p.negativesAtT0());
        out.writeByte(p.state());
        out.writeFloat(p.scoreAtT0());
      }
      out.writeBoolean(lastEmbedding != null);
      if (lastEmbedding != null) {
        writeFloats(out, lastEmbedding);
      }
      out.flush();
      return bos.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeFloats(DataOutputStream out, float[] v) throws IOException {
    out.writeShort(v.length);
    for (float x : v) {
      out.writeFloat(x);
    }
  }

  private static float[] readFloats(DataInputStream in) throws IOException {
    float[] v = new float[in.readShort()];
    for (int k = 0; k < v.length; k++) {
      v[k] = in.readFloat();
    }
    return v;
  }

  public static ItemState fromBytes(byte[] bytes) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
      byte version = in.readByte();
      if (version != VERSION) {
        throw new IllegalStateException("item state format " + version + " is not supported (expected " + VERSION
            + ")");
      }
      ItemState s = new ItemState();
      s.phase = Phase.values()[in.readByte()];
      s.updateSeq = in.readLong();
      s.lastEventTimeMs = in.readLong();
      s.lastIngestMs = in.readLong();
      s.lastActivityMs = in.readLong();
      s.lastTunedMs = in.readLong();
      s.dirty = in.readBoolean();
      s.positiveCount = in.readLong();
      s.negativeCount = in.readLong();
      if (in.readBoolean()) {
        PinnacleMode mode = PinnacleMode.values()[in.readByte()];
        int k = in.readShort();
        int n = in.readShort();
        List<PinnacleEntry> entries = new ArrayList<>(n);
        for (int j = 0; j < n; j++) {
          entries.add(new PinnacleEntry(in.readLong(), in.readFloat(), in.readLong()));
        }
        int cap = in.readShort();
        long seen = in.readLong();
        long rng = in.readLong();
        int nn = in.readShort();
        List<Long> neg = new ArrayList<>(nn);
        for (int j = 0; j < nn; j++) {
          neg.add(in.readLong());
        }
        int recentCap = in.readShort();
        int nr = in.readShort();
        List<LabelledSample> recent = new ArrayList<>(nr);
        for (int j = 0; j < nr; j++) {
          recent.add(new LabelledSample(in.readLong(), in.readBoolean(), in.readLong()));
        }
        s.feedback = new ItemFeedbackState(PinnacleSet.of(k, mode, entries), new NegativeReservoir(cap, seen, rng, neg),
            recent, recentCap, in.readLong(), in.readLong(), in.readLong());
      }
      if (in.readBoolean()) {
        byte[] b = new byte[in.readShort()];
        in.readFully(b);
        s.prompt = PromptState.fromBytes(b);
      }
      int nv = in.readShort();
      for (int j = 0; j < nv; j++) {
        long u = in.readLong();
        float[] v = new float[in.readShort()];
        for (int k = 0; k < v.length; k++) {
          v[k] = in.readFloat();
        }
        s.vectors.put(u, v);
      }
      int nt = in.readShort();
      for (int j = 0; j < nt; j++) {
        s.tracked.add(new io.pinnacle.retention.TrackedPair(in.readLong(), readFloats(in), in.readLong(),
            in.readByte(), in.readFloat()));
      }
      if (in.readBoolean()) {
        s.lastEmbedding = readFloats(in);
      }
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt item state", e);
    }
  }
}
