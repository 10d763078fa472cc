package io.pinnacle.eval;

import io.pinnacle.data.Dataset;
import io.pinnacle.feedback.FeedbackRules;
import io.pinnacle.feedback.Label;
import io.pinnacle.schema.InteractionEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The paper's protocol: per user, the last positive item (in event time) is the test item, the second to last the
 * validation item, everything else is training. Users with fewer than {@code minUserPositives} positives are not
 * evaluated and all their feedback is training. An item is cold when it has fewer than the cold threshold of
 * positives in training. Users are dense from 0, items dense from 1 (0 is padding).
 */
public final class LeaveOneOutSplit {
  public final Dataset dataset;
  public final IdIndex users;
  public final IdIndex items;
  /** Per user: training positives in event-time order. */
  public final int[][] trainPositives;
  /** Per user: held-out items, -1 when the user is not evaluated. */
  public final int[] validItem;
  public final int[] testItem;
  /** Per user: sorted distinct items with any labelled interaction (never offered as sampled negatives). */
  public final int[][] interacted;
  /** Per item (dense index): positives in training. */
  public final int[] itemTrainPositives;
  public final boolean[] cold;
  /** Training interactions (positive and negative) in event-time order, dense ids. */
  public final TrainingLog training;
  /** The same training interactions as the original events (what a replay of the training period sends). */
  public final List<InteractionEvent> trainingEvents;

  /** Labelled training interactions, struct-of-arrays. */
  public record TrainingLog(int[] user, int[] item, long[] timeMs, boolean[] positive, float[] value) {
    public int size() {
      return user.length;
    }
  }

  private LeaveOneOutSplit(Dataset dataset, IdIndex users, IdIndex items, int[][] trainPositives, int[] validItem,
                           int[] testItem, int[][] interacted, int[] itemTrainPositives, boolean[] cold,
                           TrainingLog training, List<InteractionEvent> trainingEvents) {
    this.dataset = dataset;
    this.users = users;
    this.items = items;
    this.trainPositives = trainPositives;
    this.validItem = validItem;
    this.testItem = testItem;
    this.interacted = interacted;
    this.itemTrainPositives = itemTrainPositives;
    this.cold = cold;
    this.training = training;
    this.trainingEvents = trainingEvents;
  }

  public static LeaveOneOutSplit of(Dataset d) {
    FeedbackRules rules = d.rules();
    IdIndex users = new IdIndex(0);
    IdIndex items = new IdIndex(1);
    List<InteractionEvent> labelled = new ArrayList<>(d.events().size());
    List<Label> labels = new ArrayList<>(d.events().size());
    for (InteractionEvent e : d.events()) {
      Label l = rules.label(e);
      if (l == Label.IGNORED) {
        continue;
      }
      users.add(e.getUserId());
      items.add(e.getItemId());
      labelled.add(e);
      labels.add(l);
    }
    int nu = users.size();
    // Event indices of each user's positives, in time order.
    int[] posCount = new int[nu];
    for (int k = 0; k < labelled.size(); k++) {
      if (labels.get(k) == Label.POSITIVE) {
        posCount[users.dense(labelled.get(k).getUserId())]++;
      }
    }
    int[][] posEvents = new int[nu][];
    for (int u = 0; u < nu; u++) {
      posEvents[u] = new int[posCount[u]];
    }
    int[] fill = new int[nu];
    for (int k = 0; k < labelled.size(); k++) {
      if (labels.get(k) == Label.POSITIVE) {
        int u = users.dense(labelled.get(k).getUserId());
        posEvents[u][fill[u]++] = k;
      }
    }
    boolean[] heldOut = new boolean[labelled.size()];
    int[] validItem = new int[nu];
    int[] testItem = new int[nu];
    Arrays.fill(validItem, -1);
    Arrays.fill(testItem, -1);
    for (int u = 0; u < nu; u++) {
      int n = posEvents[u].length;
      if (n >= Math.max(3, rules.minUserPositives())) {
        int t = posEvents[u][n - 1];
        int v = posEvents[u][n - 2];
        testItem[u] = items.dense(labelled.get(t).getItemId());
        validItem[u] = items.dense(labelled.get(v).getItemId());
        heldOut[t] = true;
        heldOut[v] = true;
      }
    }
    int trainSize = labelled.size() - 2 * (int) Arrays.stream(testItem).filter(x -> x >= 0).count();
    int[] tu = new int[trainSize], ti = new int[trainSize];
    long[] tt = new long[trainSize];
    boolean[] tp = new boolean[trainSize];
    float[] tv = new float[trainSize];
    int[] itemPos = new int[items.size() + 1];
    List<List<Integer>> trainSeq = new ArrayList<>(nu);
    List<java.util.Set<Integer>> seen = new ArrayList<>(nu);
    for (int u = 0; u < nu; u++) {
      trainSeq.add(new ArrayList<>());
      seen.add(new java.util.HashSet<>());
    }
    int w = 0;
    List<InteractionEvent> trainingEvents = new ArrayList<>(trainSize);
    for (int k = 0; k < labelled.size(); k++) {
      InteractionEvent e = labelled.get(k);
      int u = users.dense(e.getUserId());
      int i = items.dense(e.getItemId());
      seen.get(u).add(i);
      if (heldOut[k]) {
        continue;
      }
      boolean pos = labels.get(k) == Label.POSITIVE;
      trainingEvents.add(e);
      tu[w] = u;
      ti[w] = i;
      tt[w] = e.getEventTimeMs();
      tp[w] = pos;
      tv[w] = pos ? (float) rules.pinnacleValue(e) : 0f;
      w++;
      if (pos) {
        itemPos[i]++;
        trainSeq.get(u).add(i);
      }
    }
    int[][] trainPositives = new int[nu][];
    int[][] interacted = new int[nu][];
    for (int u = 0; u < nu; u++) {
      trainPositives[u] = trainSeq.get(u).stream().mapToInt(Integer::intValue).toArray();
      interacted[u] = seen.get(u).stream().mapToInt(Integer::intValue).sorted().toArray();
    }
    boolean[] cold = new boolean[items.size() + 1];
    for (int i = 1; i <= items.size(); i++) {
      cold[i] = itemPos[i] < rules.coldThreshold();
    }
    return new LeaveOneOutSplit(d, users, items, trainPositives, validItem, testItem, interacted, itemPos, cold,
        new TrainingLog(tu, ti, tt, tp, tv), List.copyOf(trainingEvents));
  }

  public int numUsers() {
    return users.size();
  }

  /** Highest dense item index; embedding tables have numItems() + 1 rows. */
  public int numItems() {
    return items.size();
  }

  public boolean evaluated(int user) {
    return testItem[user] >= 0;
  }

  public boolean hasInteracted(int user, int item) {
    return Arrays.binarySearch(interacted[user], item) >= 0;
  }

  public int coldItemCount() {
    int n = 0;
    for (int i = 1; i < cold.length; i++) {
      if (cold[i]) {
        n++;
      }
    }
    return n;
  }

  /** A one-line summary of the split, with the cold:popular counts the paper uses. */
  public String describe() {
    int evaluated = 0, coldTest = 0;
    for (int u = 0; u < numUsers(); u++) {
      if (evaluated(u)) {
        evaluated++;
        if (cold[testItem[u]]) {
          coldTest++;
        }
      }
    }
    int coldItems = coldItemCount();
    return String.format("%s: %d events, %d users, %d items; cold items (< %d training positives) %d, popular %d "
            + "(%.0f:%.0f); evaluated users %d, with a cold test item %d",
        dataset.name(), dataset.events().size(), numUsers(), numItems(), dataset.rules().coldThreshold(), coldItems,
        numItems() - coldItems, 100.0 * coldItems / numItems(), 100.0 * (numItems() - coldItems) / numItems(),
        evaluated, coldTest);
  }
}
