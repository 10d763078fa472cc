package io.pinnacle.users;

/** Looks up a user's frozen base vector h_u; null for an unknown user. */
@FunctionalInterface
public interface UserVectors {
  float[] get(long userId);
}
