package io.pinnacle.feedback;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A bounded uniform sample (reservoir sampling) of the users who gave an item negative feedback and no positive
 * one, each with the user's vector as of that feedback (null when the caller had none). Deterministic for a given
 * seed and event order. A user who later gives positive feedback is removed.
 */
public final class NegativeReservoir {
  private final int capacity;
  private final List<Long> users = new ArrayList<>();
  private final List<float[]> vectors = new ArrayList<>();
  private long seen;
  private long rngState;

  public NegativeReservoir(int capacity, long seed) {
    this.capacity = capacity;
    this.rngState = seed;
  }

  /** Restores a reservoir from its serialized parts. */
  public NegativeReservoir(int capacity, long seen, long rngState, List<Long> users, List<float[]> vectors) {
    if (vectors.size() != users.size()) {
      throw new IllegalArgumentException(users.size() + " users but " + vectors.size() + " vectors");
    }
    this.capacity = capacity;
    this.seen = seen;
    this.rngState = rngState;
    this.users.addAll(users);
    this.vectors.addAll(vectors);
  }

  /** Offers a negative; returns true when the sample changed. */
  public boolean offer(long userId, float[] vector) {
    if (users.contains(userId)) {
      return false;
    }
    seen++;
    if (users.size() < capacity) {
      users.add(userId);
      vectors.add(vector);
      return true;
    }
    long j = nextLong(seen);
    if (j < capacity) {
      users.set((int) j, userId);
      vectors.set((int) j, vector);
      return true;
    }
    return false;
  }

  /** The user turned out positive: drop them. Returns true when the sample changed. */
  public boolean removePositive(long userId) {
    int at = users.indexOf(userId);
    if (at < 0) {
      return false;
    }
    users.remove(at);
    vectors.remove(at);
    return true;
  }

  private long nextLong(long bound) {
    SplittableRandom r = new SplittableRandom(rngState);
    rngState = r.nextLong();
    return r.nextLong(bound);
  }

  public List<Long> users() {
    return List.copyOf(users);
  }

  void dropVectors() {
    for (int j = 0; j < vectors.size(); j++) {
      vectors.set(j, null);
    }
  }

  /** The vectors that go with {@link #users()}, in the same order (null entries where none was known). */
  public List<float[]> vectors() {
    return new ArrayList<>(vectors);
  }

  public long seen() {
    return seen;
  }

  public long rngState() {
    return rngState;
  }

  public int capacity() {
    return capacity;
  }
}
