package io.pinnacle.runner.bench;

import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.prompt.PromoArtifact;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Users and items the generated events refer to, split the way the job splits them: an item is cold when its
 * training positives (PROMO artifact) are below the artifact's cold threshold, warm otherwise. {@code newItems}
 * extra ids, unknown to both artifacts, join the cold group: a cold item graduates after coldThreshold positives,
 * so a small catalogue alone would run out of cold items within seconds, while a real feed keeps adding new ones.
 */
final class Catalogue {
  final long[] users;
  final long[] coldItems;
  final long[] warmItems;
  final int catalogueColdItems;
  final int coldThreshold;
  final long maxUserId;
  /** An id above every item here: where generated items of a churning feed start. */
  final long firstUnusedItemId;

  Catalogue(long[] users, long[] coldItems, long[] warmItems, int catalogueColdItems, int coldThreshold) {
    this.users = users;
    this.coldItems = coldItems;
    this.warmItems = warmItems;
    this.catalogueColdItems = catalogueColdItems;
    this.coldThreshold = coldThreshold;
    this.maxUserId = Arrays.stream(users).max().orElse(0);
    this.firstUnusedItemId = Math.max(Arrays.stream(coldItems).max().orElse(0),
        Arrays.stream(warmItems).max().orElse(0)) + 1;
  }

  static Catalogue load(Path baseDir, Path promoDir, int newItems, long seed) {
    BaseModelArtifact base = BaseModelArtifact.load(baseDir);
    PromoArtifact promo = PromoArtifact.load(promoDir);
    int threshold = promo.metadata().coldThreshold();
    List<Long> cold = new ArrayList<>();
    List<Long> warm = new ArrayList<>();
    long maxItem = 0;
    for (long item : base.itemIds()) {
      (promo.trainPositives(item) < threshold ? cold : warm).add(item);
      maxItem = Math.max(maxItem, item);
    }
    int fromCatalogue = cold.size();
    for (int i = 1; i <= newItems; i++) {
      cold.add(maxItem + i);
    }
    // Popularity rank must not follow id order, or the head of the Zipf curve is always the lowest ids.
    SplittableRandom rnd = new SplittableRandom(seed);
    long[] c = shuffled(cold, rnd);
    long[] w = shuffled(warm, rnd);
    if (c.length == 0 || w.length == 0) {
      throw new IllegalArgumentException("the catalogue needs cold and warm items: " + c.length + " cold, "
          + w.length + " warm (use --new-items for cold ones)");
    }
    return new Catalogue(base.userIds(), c, w, fromCatalogue, threshold);
  }

  private static long[] shuffled(List<Long> ids, SplittableRandom rnd) {
    long[] a = ids.stream().mapToLong(Long::longValue).toArray();
    for (int i = a.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      long t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}
