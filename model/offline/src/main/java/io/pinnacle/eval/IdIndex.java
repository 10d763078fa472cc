package io.pinnacle.eval;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** Maps external ids to dense indices {@code first, first+1, ...} in order of first appearance. */
public final class IdIndex {
  private final Map<Long, Integer> toDense = new HashMap<>();
  private long[] toExternal = new long[16];
  private final int first;

  public IdIndex(int first) {
    this.first = first;
  }

  public static IdIndex of(long[] externalIds, int first) {
    IdIndex idx = new IdIndex(first);
    for (long id : externalIds) {
      idx.add(id);
    }
    return idx;
  }

  public int add(long external) {
    Integer d = toDense.get(external);
    if (d != null) {
      return d;
    }
    int dense = first + toDense.size();
    toDense.put(external, dense);
    if (dense - first >= toExternal.length) {
      toExternal = Arrays.copyOf(toExternal, toExternal.length * 2);
    }
    toExternal[dense - first] = external;
    return dense;
  }

  /** The dense index, or -1 when unknown. */
  public int dense(long external) {
    Integer d = toDense.get(external);
    return d == null ? -1 : d;
  }

  public long external(int dense) {
    return toExternal[dense - first];
  }

  public int size() {
    return toDense.size();
  }

  public int first() {
    return first;
  }

  /** External ids in dense order. */
  public long[] externalIds() {
    return Arrays.copyOf(toExternal, size());
  }
}
