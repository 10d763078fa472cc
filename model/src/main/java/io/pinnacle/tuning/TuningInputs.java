package io.pinnacle.tuning;

import io.pinnacle.feedback.ItemFeedbackState;
import io.pinnacle.feedback.LabelledSample;
import io.pinnacle.feedback.PinnacleEntry;
import java.util.ArrayList;
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
    List<PinnacleEntry> pin = state.pinnacle().size() > 0 ? state.pinnacle().entries() : pseudoPinnacle;
    List<float[]> pinVec = new ArrayList<>();
    List<Long> pinIds = new ArrayList<>();
    // Each kept user carries their vector as of the feedback; the lookup serves entries without one.
    for (PinnacleEntry e : pin) {
      float[] v = e.vector() != null ? e.vector() : users.get(e.userId());
      if (v != null) {
        pinVec.add(v);
        pinIds.add(e.userId());
      }
    }
    List<float[]> negVec = new ArrayList<>();
    List<Long> negUsers = state.negatives().users();
    List<float[]> negKept = state.negatives().vectors();
    for (int j = 0; j < negUsers.size(); j++) {
      float[] v = negKept.get(j) != null ? negKept.get(j) : users.get(negUsers.get(j));
      if (v != null) {
        negVec.add(v);
      }
    }
    List<float[]> su = new ArrayList<>();
    List<Long> sampleIds = new ArrayList<>();
    List<Float> labels = new ArrayList<>();
    List<Integer> self = new ArrayList<>();
    for (LabelledSample s : state.recent()) {
      float[] v = s.vector() != null ? s.vector() : users.get(s.userId());
      if (v == null) {
        continue;
      }
      su.add(v);
      sampleIds.add(s.userId());
      labels.add(s.positive() ? 1f : 0f);
      self.add(pinIds.indexOf(s.userId()));
    }
    for (long u : randomUsers) {
      float[] v = users.get(u);
      if (v == null || pinIds.contains(u)) {
        continue;
      }
      su.add(v);
      sampleIds.add(u);
      labels.add(0f);
      self.add(-1);
      if (negVec.size() < state.negatives().capacity()) {
        negVec.add(v);
      }
    }
    float[] lab = new float[labels.size()];
    int[] selfIdx = new int[labels.size()];
    float[] warmScore = new float[labels.size()];
    for (int s = 0; s < lab.length; s++) {
      lab[s] = labels.get(s);
      selfIdx[s] = self.get(s);
      warmScore[s] = warm.score(sampleIds.get(s), su.get(s));
    }
    return new ItemTuningInput(itemId, base, pinVec.toArray(new float[0][]), negVec.toArray(new float[0][]),
        su.toArray(new float[0][]), lab, selfIdx, warmScore, prompt);
  }
}
