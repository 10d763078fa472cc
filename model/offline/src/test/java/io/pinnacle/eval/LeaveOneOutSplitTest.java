package io.pinnacle.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pinnacle.data.Dataset;
import io.pinnacle.feedback.FeedbackRules;
import io.pinnacle.data.SyntheticStream;
import io.pinnacle.schema.InteractionEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeaveOneOutSplitTest {

  private static InteractionEvent rating(long user, long item, long t, float r) {
    return InteractionEvent.newBuilder().setEventId(user + "-" + item).setUserId(user).setItemId(item)
        .setEventTimeMs(t).setRating(r).build();
  }

  @Test
  void handBuiltSplit() {
    List<InteractionEvent> ev = new ArrayList<>();
    // user 10: positives 1, 2, 3, 4 in time order, one negative 5; user 20: only two positives (not evaluated).
    ev.add(rating(10, 1, 1, 5));
    ev.add(rating(20, 1, 2, 4));
    ev.add(rating(10, 2, 3, 4));
    ev.add(rating(10, 5, 4, 2));
    ev.add(rating(20, 3, 5, 5));
    ev.add(rating(10, 3, 6, 4));
    ev.add(rating(10, 4, 7, 5));
    for (int k = 0; k < 120; k++) {
      ev.add(rating(30, 100 + k, 10 + k, 1)); // a user with only negatives, to fill the catalogue
    }
    Dataset d = new Dataset("hand", ev, FeedbackRules.movieLens().withColdThreshold(2), Map.of());
    LeaveOneOutSplit s = LeaveOneOutSplit.of(d);
    int u10 = s.users.dense(10);
    int u20 = s.users.dense(20);
    assertEquals(s.items.dense(4), s.testItem[u10]);
    assertEquals(s.items.dense(3), s.validItem[u10]);
    assertArrayEquals(new int[] {s.items.dense(1), s.items.dense(2)}, s.trainPositives[u10]);
    assertFalse(s.evaluated(u20));
    assertArrayEquals(new int[] {s.items.dense(1), s.items.dense(3)}, s.trainPositives[u20]);
    // Training positives: item 1 twice (popular at threshold 2), items 2 and 3 once (cold), 4 only held out (cold).
    assertFalse(s.cold[s.items.dense(1)]);
    assertTrue(s.cold[s.items.dense(2)]);
    assertTrue(s.cold[s.items.dense(4)]);
    assertEquals(ev.size() - 2, s.training.size());
    assertTrue(s.hasInteracted(u10, s.items.dense(5)));
    assertTrue(s.hasInteracted(u10, s.items.dense(4)));
  }

  @Test
  void everyEvaluatedUserHasExactlyOneTestAndOneValidationItem() {
    Dataset d = SyntheticStream.generate(SyntheticStream.Config.tiny());
    LeaveOneOutSplit s = LeaveOneOutSplit.of(d);
    long positives = d.events().stream().filter(e -> e.getClicked()).count();
    int evaluated = 0;
    int trainPos = 0;
    for (int u = 0; u < s.numUsers(); u++) {
      trainPos += s.trainPositives[u].length;
      if (s.evaluated(u)) {
        evaluated++;
        assertTrue(s.validItem[u] > 0);
        assertNotEquals(s.validItem[u], s.testItem[u]);
        for (int i : s.trainPositives[u]) {
          assertNotEquals(s.testItem[u], i);
        }
      } else {
        assertEquals(-1, s.validItem[u]);
      }
    }
    assertTrue(evaluated > 0);
    assertEquals(positives, trainPos + 2L * evaluated);

    Evaluator ev = new Evaluator(s);
    assertEquals(evaluated, ev.queries(Stage.TEST).size());
    for (RankingQuery q : ev.queries(Stage.TEST)) {
      assertEquals(101, q.candidates().length);
      assertEquals(s.testItem[q.user()], q.candidates()[0]);
      assertEquals(s.validItem[q.user()], q.history()[q.history().length - 1]);
      java.util.Set<Integer> distinct = new java.util.HashSet<>();
      for (int c = 1; c < q.candidates().length; c++) {
        assertFalse(s.hasInteracted(q.user(), q.candidates()[c]));
        assertTrue(distinct.add(q.candidates()[c]));
      }
    }
    // Same seed, same candidates.
    assertArrayEquals(ev.queries(Stage.TEST).get(0).candidates(),
        new Evaluator(s).queries(Stage.TEST).get(0).candidates());
  }

  @Test
  void randomScoresGetAboutTenPercentHitRate() {
    LeaveOneOutSplit s = LeaveOneOutSplit.of(SyntheticStream.generate(SyntheticStream.Config.small()));
    java.util.Random rnd = new java.util.Random(1);
    Recommender random = qs -> {
      float[][] out = new float[qs.size()][];
      for (int q = 0; q < qs.size(); q++) {
        out[q] = new float[qs.get(q).candidates().length];
        for (int c = 0; c < out[q].length; c++) {
          out[q][c] = rnd.nextFloat();
        }
      }
      return out;
    };
    Evaluation e = new Evaluator(s).evaluate("random", random, Stage.TEST);
    assertEquals(10.0 / 101, e.all().hr10(), 0.04);
  }
}
