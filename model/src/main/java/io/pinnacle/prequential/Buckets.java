package io.pinnacle.prequential;

/** Buckets of an item's positives before the event: 0, 1, 2-4, 5-9, 10-19, 20+. */
public final class Buckets {
  public static final String[] LABELS = {"0", "1", "2-4", "5-9", "10-19", "20+"};

  private Buckets() {}

  public static int of(long positivesBefore) {
    if (positivesBefore <= 1) {
      return (int) Math.max(0, positivesBefore);
    }
    if (positivesBefore < 5) {
      return 2;
    }
    if (positivesBefore < 10) {
      return 3;
    }
    return positivesBefore < 20 ? 4 : 5;
  }
}
