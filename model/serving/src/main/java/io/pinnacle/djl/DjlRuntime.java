package io.pinnacle.djl;

import ai.djl.engine.Engine;

/**
 * The one place that prepares DJL before its engine loads: never touch the network (the PyTorch native library
 * comes from the pytorch-native jar on the classpath) and use one intra-op and one inter-op thread unless told
 * otherwise (on 2-core machines more threads stalled for hundreds of milliseconds under load). Explicit
 * {@code -D} settings win.
 */
public final class DjlRuntime {
  private static volatile boolean ready;
  /**
   * PyTorch's engine allows one open GradientCollector per JVM, and Flink runs several subtasks in one
   * TaskManager: every gradient computation holds this lock.
   */
  private static final java.util.concurrent.locks.ReentrantLock GRADIENT_LOCK =
      new java.util.concurrent.locks.ReentrantLock();

  private DjlRuntime() {}

  public static synchronized void init() {
    if (ready) {
      return;
    }
    setIfAbsent("ai.djl.offline", "true");
    setIfAbsent("ai.djl.pytorch.num_threads", "1");
    setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
    // The JIT graph optimizer only matters for TorchScript models, which we do not load.
    setIfAbsent("ai.djl.pytorch.graph_optimizer", "false");
    Engine.getEngine("PyTorch");
    ready = true;
  }

  /**
   * For a process that trains (pre-training, the prompt stage, the serving fit; not a TaskManager): PyTorch's
   * intra-op threads on every core unless {@code -Dai.djl.pytorch.num_threads} says otherwise, then {@link #init}.
   * Training is one thread of large operations, so a second core shortens it (about 30% per KuaiRand softmax
   * epoch here) where the job's small per-event calls only stall. No effect once the engine is loaded.
   */
  public static synchronized void initForTraining() {
    setIfAbsent("ai.djl.pytorch.num_threads", Integer.toString(Math.max(1,
        Runtime.getRuntime().availableProcessors())));
    init();
  }

  public static java.util.concurrent.locks.ReentrantLock gradientLock() {
    return GRADIENT_LOCK;
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
