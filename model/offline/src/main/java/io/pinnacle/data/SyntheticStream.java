package io.pinnacle.data;

import io.pinnacle.feedback.FeedbackRules;
import io.pinnacle.schema.InteractionEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A seeded interaction stream with a known latent-factor ground truth, so that everything runs without external
 * data. Users and items have latent vectors; item popularity follows a power law; a share of the items is released
 * during the period (they start cold); each impression is drawn among released items with weight popularity x
 * exp(tasteExposure * affinity), as a feed that already knows something of its users serves them, and the user
 * clicks with probability sigmoid(sharpness * affinity + bias + appeal), where an item's appeal (normal, spread
 * {@code appealSpread}) stands for what every user sees in it: a dull item keeps collecting negatives while it is
 * cold, as in a real feed, so pinnacle memory is tested against many of them. A share {@code exploreShare} of the
 * impressions goes to items released in the last two days, to users drawn regardless of taste, as feeds give new items
 * a traffic pool to learn from. (With exposure by popularity alone, what a user is
 * shown says nothing of them, and a sequence model trained on the clicks learns popularity: every user vector
 * points the same way.) Dwell grows with affinity, and likes, follows,
 * comments and forwards are rarer signals of high affinity. Content features are a noisy one-hot of the item's
 * dominant latent dimension.
 */
public final class SyntheticStream {
  public static final String NAME = "synthetic";

  /** Sizes and shape of the stream; {@link #small()} is the default used by the main command and tests. */
  public record Config(int users, int items, int latentDim, int impressionsPerUser, double popularityExponent,
                       double lateItemShare, long periodMs, double sharpness, double clickBias, double tasteExposure,
                       double appealSpread, double exploreShare, int coldThreshold, long seed) {
    static final double APPEAL = 0.7;
    static final double EXPLORE = 0.4;

    public static Config small() {
      return new Config(600, 500, 8, 80, 0.9, 0.3, 14L * 24 * 3600 * 1000, 3.0, -1.0, 1.5, APPEAL, EXPLORE, 50, 42L);
    }

    /**
     * The same stream with {@code factor} times the users and items (so about {@code factor} times the events, at the
     * same events per user): for measuring training time against catalogue size ({@code synthetic-x10}). Generation
     * draws each impression in time linear in the catalogue, so 10x takes about a minute and 100x is out of reach.
     */
    public Config scaled(int factor) {
      if (factor < 1) {
        throw new IllegalArgumentException("a scale factor is at least 1, got " + factor);
      }
      return new Config(users * factor, items * factor, latentDim, impressionsPerUser, popularityExponent,
          lateItemShare, periodMs, sharpness, clickBias, tasteExposure, appealSpread, exploreShare, coldThreshold,
          seed);
    }

    /** Test fixtures: exposure by popularity alone, which sends more traffic to cold items. */
    public static Config tiny() {
      return new Config(150, 250, 6, 40, 0.9, 0.3, 7L * 24 * 3600 * 1000, 3.0, -0.6, 0.0, 0.0, 0.0, 20, 7L);
    }
  }

  /** How long a newly released item gets exploration traffic. */
  static final long NEW_FOR_MS = 2L * 24 * 3600 * 1000;

  private SyntheticStream() {}

  public static Dataset generate(Config c) {
    Random rnd = new Random(c.seed());
    double[][] userF = gaussian(rnd, c.users(), c.latentDim());
    double[][] itemF = gaussian(rnd, c.items(), c.latentDim());
    long start = 1_650_000_000_000L;

    // Power-law popularity over a random permutation of items, so popularity and release time are independent.
    Integer[] perm = new Integer[c.items()];
    for (int i = 0; i < perm.length; i++) {
      perm[i] = i;
    }
    java.util.Collections.shuffle(Arrays.asList(perm), rnd);
    double[] weight = new double[c.items()];
    for (int r = 0; r < c.items(); r++) {
      weight[perm[r]] = Math.pow(r + 1, -c.popularityExponent());
    }
    // Appeal from its own generator, so that the exposure model's draws do not depend on it.
    Random appealRnd = new Random(c.seed() * 31 + 17);
    double[] appeal = new double[c.items()];
    for (int i = 0; i < appeal.length; i++) {
      appeal[i] = appealRnd.nextGaussian() * c.appealSpread();
    }
    Random explore = new Random(c.seed() * 31 + 29);
    long[] release = new long[c.items()];
    long[] durationMs = new long[c.items()];
    for (int i = 0; i < c.items(); i++) {
      release[i] = rnd.nextDouble() < c.lateItemShare() ? start + (long) (rnd.nextDouble() * c.periodMs() * 0.8) : start;
      durationMs[i] = 20_000 + rnd.nextInt(160_000);
    }

    Map<Long, float[]> features = new HashMap<>();
    for (int i = 0; i < c.items(); i++) {
      float[] f = new float[c.latentDim()];
      int best = 0;
      for (int k = 1; k < c.latentDim(); k++) {
        if (itemF[i][k] > itemF[i][best]) {
          best = k;
        }
      }
      f[rnd.nextDouble() < 0.8 ? best : rnd.nextInt(c.latentDim())] = 1f;
      features.put(itemId(i), f);
    }

    List<InteractionEvent> events = new ArrayList<>(c.users() * c.impressionsPerUser());
    double norm = Math.sqrt(c.latentDim());
    double[] exposure = new double[c.items()];
    for (int u = 0; u < c.users(); u++) {
      for (int i = 0; i < exposure.length; i++) {
        exposure[i] = weight[i] * Math.exp(c.tasteExposure() * dot(userF[u], itemF[i]) / norm);
      }
      Set<Integer> seen = new HashSet<>();
      long[] times = new long[c.impressionsPerUser()];
      for (int n = 0; n < times.length; n++) {
        times[n] = start + (long) (rnd.nextDouble() * c.periodMs());
      }
      Arrays.sort(times);
      for (int n = 0; n < times.length; n++) {
        int item = explore.nextDouble() < c.exploreShare() ? drawNew(explore, release, start, times[n], seen) : -1;
        if (item < 0) {
          item = drawReleased(rnd, exposure, release, times[n], seen);
        }
        if (item < 0) {
          continue;
        }
        seen.add(item);
        double affinity = dot(userF[u], itemF[item]) / norm;
        double pClick = sigmoid(c.sharpness() * affinity + c.clickBias() + appeal[item]);
        boolean click = rnd.nextDouble() < pClick;
        double completion = click ? sigmoid(2 * affinity + rnd.nextGaussian() * 0.5) : rnd.nextDouble() * 0.1;
        double strong = sigmoid(4 * affinity - 3);
        events.add(InteractionEvent.newBuilder()
            .setEventId(NAME + "-" + u + "-" + n)
            .setUserId(userId(u))
            .setItemId(itemId(item))
            .setEventTimeMs(times[n])
            .setDwellMs((long) (completion * durationMs[item]))
            .setItemDurationMs(durationMs[item])
            .setClicked(click)
            .setLiked(click && rnd.nextDouble() < strong)
            .setFollowed(click && rnd.nextDouble() < strong * 0.2)
            .setCommented(click && rnd.nextDouble() < strong * 0.1)
            .setForwarded(click && rnd.nextDouble() < strong * 0.1)
            .setHated(!click && rnd.nextDouble() < 0.01)
            .setSource(NAME)
            .build());
      }
    }
    events.sort(EventTimeOrder.ORDER);
    return new Dataset(NAME, events, FeedbackRules.synthetic().withColdThreshold(c.coldThreshold()), features);
  }

  /** User ids start at 1 so that 0 stays free as a padding id downstream. */
  static long userId(int u) {
    return u + 1L;
  }

  static long itemId(int i) {
    return i + 1L;
  }

  /** An item released during the period less than {@link #NEW_FOR_MS} ago, uniformly, or -1. */
  private static int drawNew(Random rnd, long[] release, long start, long t, Set<Integer> seen) {
    List<Integer> fresh = new ArrayList<>();
    for (int i = 0; i < release.length; i++) {
      if (release[i] > start && release[i] <= t && t - release[i] < NEW_FOR_MS && !seen.contains(i)) {
        fresh.add(i);
      }
    }
    return fresh.isEmpty() ? -1 : fresh.get(rnd.nextInt(fresh.size()));
  }

  private static int drawReleased(Random rnd, double[] weight, long[] release, long t, Set<Integer> seen) {
    double total = 0;
    for (int i = 0; i < weight.length; i++) {
      if (release[i] <= t && !seen.contains(i)) {
        total += weight[i];
      }
    }
    if (total <= 0) {
      return -1;
    }
    double x = rnd.nextDouble() * total;
    for (int i = 0; i < weight.length; i++) {
      if (release[i] <= t && !seen.contains(i)) {
        x -= weight[i];
        if (x <= 0) {
          return i;
        }
      }
    }
    return -1;
  }

  private static double[][] gaussian(Random rnd, int n, int d) {
    double[][] m = new double[n][d];
    for (double[] row : m) {
      for (int k = 0; k < d; k++) {
        row[k] = rnd.nextGaussian();
      }
    }
    return m;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int k = 0; k < a.length; k++) {
      s += a[k] * b[k];
    }
    return s;
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }
}
