package io.pinnacle.tuning;

import io.pinnacle.users.UserVectors;
import io.pinnacle.feedback.ItemFeedbackState;
import io.pinnacle.feedback.LabelledSample;
import io.pinnacle.feedback.PinnacleEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds an item's tuning input from its streaming feedback state: pinnacle users (or borrowed pseudo-pinnacle
 * users when it has none), the negative reservoir, and the recent labelled interactions as rec samples, topped up
 * with {@code extraNegatives} random users as negatives (implicit feedback rarely carries enough explicit ones).
 */
public final class TuningInputs {
  private TuningInputs() {}

  public static ItemTuningInput fromState(long itemId, float[] base, ItemFeedbackState state,
                                          List<PinnacleEntry> pseudoPinnacle, PromptState prompt,
                                          UserVectors users, WarmPool warm, long[] randomUsers) {
    // Built on every tuning step: primitive arrays, nothing boxed.
    List<PinnacleEntry> pin = state.pinnacle().size() > 0 ? state.pinnacle().entries() : pseudoPinnacle;
    float[][] pinVec = new float[pin.size()][];
    long[] pinIds = new long[pin.size()];
    int np = 0;
    // Each kept user carries their vector as of the feedback; the lookup serves entries without one.
    for (PinnacleEntry e : pin) {
      float[] v = e.vector() != null ? e.vector() : users.get(e.userId());
      if (v != null) {
        pinVec[np] = v;
        pinIds[np++] = e.userId();
      }
    }
    List<Long> negUsers = state.negatives().users();
    List<float[]> negKept = state.negatives().vectors();
    int negCapacity = state.negatives().capacity();
    List<float[]> negVec = new ArrayList<>(Math.max(negCapacity, negUsers.size()));
    for (int j = 0; j < negUsers.size(); j++) {
      float[] v = negKept.get(j) != null ? negKept.get(j) : users.get(negUsers.get(j));
      if (v != null) {
        negVec.add(v);
      }
    }
    List<LabelledSample> recent = state.recent();
    int max = recent.size() + randomUsers.length;
    float[][] su = new float[max][];
    float[] labels = new float[max];
    int[] self = new int[max];
    int n = 0;
    for (LabelledSample s : recent) {
      float[] v = s.vector() != null ? s.vector() : users.get(s.userId());
      if (v == null) {
        continue;
      }
      su[n] = v;
      labels[n] = s.positive() ? 1f : 0f;
      self[n++] = indexOf(pinIds, np, s.userId());
    }
    for (long u : randomUsers) {
      float[] v = users.get(u);
      if (v == null || indexOf(pinIds, np, u) >= 0) {
        continue;
      }
      su[n] = v;
      labels[n] = 0f;
      self[n++] = -1;
      if (negVec.size() < negCapacity) {
        negVec.add(v);
      }
    }
    float[] warmScore = new float[n];
    for (int s = 0; s < n; s++) {
      warmScore[s] = warm.score(su[s]);
    }
    return new ItemTuningInput(itemId, base, Arrays.copyOf(pinVec, np), negVec.toArray(new float[0][]),
        Arrays.copyOf(su, n), Arrays.copyOf(labels, n), Arrays.copyOf(self, n), warmScore, prompt);
  }

  private static int indexOf(long[] ids, int count, long id) {
    for (int j = 0; j < count; j++) {
      if (ids[j] == id) {
        return j;
      }
    }
    return -1;
  }
}
