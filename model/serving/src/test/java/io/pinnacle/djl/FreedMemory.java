package io.pinnacle.djl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** What a busy training's heap does between a forward and a backward pass, on demand. */
public final class FreedMemory {
  private FreedMemory() {}

  /**
   * Collects every buffer DJL has let go of and fills the freed native memory with NaN-filled direct buffers, so that
   * a tensor still reading freed memory reads NaN.
   */
  public static List<ByteBuffer> reuse() {
    for (int round = 0; round < 3; round++) {
      System.gc();
      try {
        Thread.sleep(30);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    List<ByteBuffer> spray = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
      b.putFloat(0, Float.NaN);
      spray.add(b);
    }
    return spray;
  }
}
