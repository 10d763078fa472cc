package io.pinnacle.eval;

import io.pinnacle.base.BaseModelArtifact;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How much taste a base model's scores carry. A score s(u, i) = h_u·e_i splits into a user part (cancels in any
 * ranking of items for that user), an item part (popularity-like: the same for every user) and the rest, the
 * interaction, which is the only part that can put an item in front of the users who like it. Everything a
 * personalized cold-start method builds from user vectors lives in that rest: when it is small, no method on top
 * of the frozen base can target.
 *
 * @param userCosine             mean cosine of random pairs of user vectors (1: every user looks alike)
 * @param userParticipation      participation ratio of the user vectors' covariance (1 .. d: used dimensions)
 * @param itemCosine             the same for item embeddings
 * @param itemParticipation      the same for item embeddings
 * @param itemShare              share of the score variance that is the item part
 * @param userShare              share that is the user part
 * @param interactionShare       share that is neither: the taste the scores carry
 * @param popularitySpearman     rank correlation of an item's mean score with its training positives
 */
public record BaseDiagnostics(double userCosine, double userParticipation, double itemCosine,
                              double itemParticipation, double itemShare, double userShare, double interactionShare,
                              double popularitySpearman) {

  /** {@code positives}: training positives per item id (items without an entry count 0). */
  public static BaseDiagnostics of(BaseModelArtifact base, Map<Long, Long> positives, int sampleUsers, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    long[] userIds = base.userIds();
    long[] itemIds = base.itemIds();
    float[][] users = new float[userIds.length][];
    for (int u = 0; u < users.length; u++) {
      users[u] = base.userVector(userIds[u]);
    }
    float[][] items = new float[itemIds.length][];
    for (int i = 0; i < items.length; i++) {
      items[i] = base.itemEmbedding(itemIds[i]);
    }
    int nu = Math.min(sampleUsers, users.length);
    int[] sample = new int[nu];
    for (int j = 0; j < nu; j++) {
      sample[j] = rnd.nextInt(users.length);
    }
    double[][] s = new double[nu][items.length];
    double grand = 0;
    double[] userMean = new double[nu];
    double[] itemMean = new double[items.length];
    for (int j = 0; j < nu; j++) {
      for (int i = 0; i < items.length; i++) {
        s[j][i] = dot(users[sample[j]], items[i]);
        userMean[j] += s[j][i] / items.length;
        itemMean[i] += s[j][i] / nu;
        grand += s[j][i];
      }
    }
    grand /= (double) nu * items.length;
    double total = 0;
    double rest = 0;
    for (int j = 0; j < nu; j++) {
      for (int i = 0; i < items.length; i++) {
        double c = s[j][i] - grand;
        total += c * c;
        double r = s[j][i] - userMean[j] - itemMean[i] + grand;
        rest += r * r;
      }
    }
    double itemVar = 0;
    for (double m : itemMean) {
      itemVar += (m - grand) * (m - grand) * nu;
    }
    double userVar = 0;
    for (double m : userMean) {
      userVar += (m - grand) * (m - grand) * items.length;
    }
    double[] pop = new double[items.length];
    for (int i = 0; i < items.length; i++) {
      pop[i] = positives.getOrDefault(itemIds[i], 0L);
    }
    return new BaseDiagnostics(meanCosine(users, rnd), participation(users), meanCosine(items, rnd),
        participation(items), itemVar / total, userVar / total, rest / total, spearman(itemMean, pop));
  }

  private static double meanCosine(float[][] v, SplittableRandom rnd) {
    double sum = 0;
    int n = 0;
    for (int k = 0; k < 5_000 && v.length > 1; k++) {
      float[] a = v[rnd.nextInt(v.length)];
      float[] b = v[rnd.nextInt(v.length)];
      double na = Math.sqrt(dot(a, a));
      double nb = Math.sqrt(dot(b, b));
      if (a != b && na > 0 && nb > 0) {
        sum += dot(a, b) / (na * nb);
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** (tr C)^2 / tr(C^2) of the centred covariance: how many dimensions the vectors really use. */
  static double participation(float[][] v) {
    int d = v[0].length;
    double[] mean = new double[d];
    for (float[] x : v) {
      for (int k = 0; k < d; k++) {
        mean[k] += x[k] / (double) v.length;
      }
    }
    double[][] c = new double[d][d];
    for (float[] x : v) {
      for (int a = 0; a < d; a++) {
        for (int b = 0; b < d; b++) {
          c[a][b] += (x[a] - mean[a]) * (x[b] - mean[b]);
        }
      }
    }
    double trace = 0;
    double frob = 0;
    for (int a = 0; a < d; a++) {
      trace += c[a][a];
      for (int b = 0; b < d; b++) {
        frob += c[a][b] * c[a][b];
      }
    }
    return frob == 0 ? Double.NaN : trace * trace / frob;
  }

  static double spearman(double[] x, double[] y) {
    double[] rx = ranks(x);
    double[] ry = ranks(y);
    double mx = Arrays.stream(rx).average().orElse(0);
    double my = Arrays.stream(ry).average().orElse(0);
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (rx[i] - mx) * (ry[i] - my);
      sxx += (rx[i] - mx) * (rx[i] - mx);
      syy += (ry[i] - my) * (ry[i] - my);
    }
    return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
  }

  /** Average ranks (ties share their mean rank). */
  private static double[] ranks(double[] x) {
    Integer[] order = new Integer[x.length];
    for (int i = 0; i < x.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(x[a], x[b]));
    double[] r = new double[x.length];
    for (int i = 0; i < x.length; ) {
      int j = i;
      while (j + 1 < x.length && x[order[j + 1]] == x[order[i]]) {
        j++;
      }
      for (int k = i; k <= j; k++) {
        r[order[k]] = (i + j) / 2.0;
      }
      i = j + 1;
    }
    return r;
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int k = 0; k < a.length; k++) {
      s += a[k] * b[k];
    }
    return s;
  }
}
