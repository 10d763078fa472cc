package io.pinnacle.retrieval;

import io.pinnacle.base.BaseModelArtifact;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each user's vector as the job's user stage last published it (the vector the updater tuned items against), else
 * the base's frozen vector of the user, else none.
 */
public final class UserVectors {
  /** A user's vector and where it came from: {@code topic} (the job) or {@code base} (frozen at training). */
  public record UserVector(long userId, float[] vector, String source, long emittedAtMs) {}

  private final BaseModelArtifact base;
  private final ConcurrentHashMap<Long, UserVector> published = new ConcurrentHashMap<>();

  public UserVectors(BaseModelArtifact base) {
    this.base = base;
  }

  /** The job's latest vector of the user (a later record of the same key replaces it: offsets order them). */
  public void put(long userId, float[] vector, long emittedAtMs) {
    published.merge(userId, new UserVector(userId, vector.clone(), "topic", emittedAtMs),
        (held, next) -> next.emittedAtMs() >= held.emittedAtMs() ? next : held);
  }

  /** The user's vector, or null when neither the job nor the base has one. */
  public UserVector get(long userId) {
    UserVector v = published.get(userId);
    if (v != null) {
      return v;
    }
    float[] frozen = base == null ? null : base.userVector(userId);
    return frozen == null ? null : new UserVector(userId, frozen, "base", -1L);
  }

  public int publishedUsers() {
    return published.size();
  }
}
