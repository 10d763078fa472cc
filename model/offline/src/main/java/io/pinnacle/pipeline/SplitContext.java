package io.pinnacle.pipeline;

import ai.djl.ndarray.NDManager;
import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.base.SasRec;
import io.pinnacle.djl.DjlRuntime;
import io.pinnacle.eval.Evaluation;
import io.pinnacle.eval.Evaluator;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.eval.SasRecRecommender;
import io.pinnacle.eval.Stage;
import io.pinnacle.feedback.ItemFeedbackState;
import io.pinnacle.feedback.PinnacleMode;
import io.pinnacle.tuning.UpdaterConfig;
import io.pinnacle.tuning.UpdaterModels;
import io.pinnacle.tuning.WarmPool;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What every offline PROMO experiment on one leave-one-out split reads: the base's user vectors (training period
 * and test), its item table, which items are cold and warm, each item's training feedback, the warm pool. Built
 * once per split (the user vectors are a forward pass over every history); read-only afterwards.
 */
final class SplitContext {
  final LeaveOneOutSplit split;
  final BaseModelArtifact artifact;
  final Evaluator evaluator;
  final float tau;
  final int dim;
  final int k;
  final float[][] usersTrain;
  final float[][] usersTest;
  final float[][] baseItems;
  final int[] coldItems;
  final int[] coldWithPositives;
  final int[] warmItems;
  /** Per dense item, the users of its training positives and logged negatives. */
  final List<List<Integer>> positives = new ArrayList<>();
  final List<List<Integer>> loggedNegatives = new ArrayList<>();
  final WarmPool warmPool;
  final float[][] warmPoolVectors;
  final String baseVersion;
  final float[] warmScore;
  /** Each item's training feedback as the stream would keep it, per pinnacle mode. */
  final Map<PinnacleMode, ItemFeedbackState[]> feedback = new HashMap<>();
  /** The popularity-weighted mean base item embedding (the serving rule's co-liked center). */
  final float[] coLikedCenter;

  SplitContext(LeaveOneOutSplit split, BaseModelArtifact artifact, int k, int warmPoolSize, long seed) {
    DjlRuntime.init();
    this.split = split;
    this.artifact = artifact;
    this.evaluator = new Evaluator(split);
    this.tau = artifact.metadata().config().tau();
    this.dim = artifact.dim();
    this.k = k;
    int nu = split.numUsers();
    int ni = split.numItems();
    List<int[]> histories = new ArrayList<>(nu);
    for (int u = 0; u < nu; u++) {
      histories.add(split.trainPositives[u]);
    }
    try (NDManager m = NDManager.newBaseManager();
         SasRec base = new SasRec(m, artifact.metadata().config(), artifact.parameters())) {
      usersTrain = SasRecRecommender.userVectors(base, histories);
    }
    usersTest = new float[nu][];
    for (int u = 0; u < nu; u++) {
      usersTest[u] = artifact.userVector(split.users.external(u));
    }
    baseItems = new float[ni + 1][];
    baseItems[0] = new float[dim];
    for (int i = 1; i <= ni; i++) {
      baseItems[i] = artifact.itemEmbedding(split.items.external(i));
    }
    List<Integer> cold = new ArrayList<>();
    List<Integer> coldPos = new ArrayList<>();
    List<Integer> warm = new ArrayList<>();
    for (int i = 1; i <= ni; i++) {
      if (split.cold[i]) {
        cold.add(i);
        if (split.itemTrainPositives[i] > 0) {
          coldPos.add(i);
        }
      } else {
        warm.add(i);
      }
    }
    long[] trainPositives = new long[ni + 1];
    for (int i = 1; i <= ni; i++) {
      trainPositives[i] = split.itemTrainPositives[i];
    }
    coLikedCenter = UpdaterModels.weightedMean(baseItems, trainPositives);
    coldItems = cold.stream().mapToInt(Integer::intValue).toArray();
    coldWithPositives = coldPos.stream().mapToInt(Integer::intValue).toArray();
    warmItems = warm.stream().mapToInt(Integer::intValue).toArray();
    Random rnd = new Random(seed);
    float[][] pool = new float[Math.min(warmPoolSize, warmItems.length)][];
    for (int w = 0; w < pool.length; w++) {
      pool[w] = baseItems[warmItems[rnd.nextInt(warmItems.length)]];
    }
    warmPool = new WarmPool(pool, tau);
    warmPoolVectors = pool;
    baseVersion = artifact.version();
    warmScore = new float[nu];
    for (int u = 0; u < nu; u++) {
      warmScore[u] = warmPool.score(usersTrain[u]);
    }
    for (int i = 0; i <= ni; i++) {
      positives.add(new ArrayList<>());
      loggedNegatives.add(new ArrayList<>());
    }
    LeaveOneOutSplit.TrainingLog log = split.training;
    for (int e = 0; e < log.size(); e++) {
      (log.positive()[e] ? positives : loggedNegatives).get(log.item()[e]).add(log.user()[e]);
    }
    for (PinnacleMode mode : PinnacleMode.values()) {
      ItemFeedbackState[] states = new ItemFeedbackState[ni + 1];
      for (int i = 1; i <= ni; i++) {
        states[i] = new ItemFeedbackState(k, mode, UpdaterConfig.RECENT_SAMPLES, seed * 31 + i);
      }
      for (int e = 0; e < log.size(); e++) {
        ItemFeedbackState s = states[log.item()[e]];
        if (log.positive()[e]) {
          s.positive(log.user()[e], log.value()[e], log.timeMs()[e]);
        } else {
          s.negative(log.user()[e], log.timeMs()[e]);
        }
      }
      feedback.put(mode, states);
    }
  }

  /** An item table (and per-item score offsets, null: none) ranked on a stage with that stage's user vectors. */
  Evaluation evaluate(String name, float[][] itemTable, float[] offset, Stage stage) {
    return evaluator.evaluate(name, new EmbeddingRecommender(stage == Stage.TEST ? usersTest : usersTrain,
        itemTable, tau, offset), stage);
  }

  /** A training-period user vector by dense id (null out of range). */
  float[] userVector(long user) {
    return user >= 0 && user < usersTrain.length ? usersTrain[(int) user] : null;
  }

  /** The base's mean user vector over the training period's users (the vectors the prompt stage scores with). */
  float[] meanUserVector() {
    float[] mean = new float[dim];
    int n = 0;
    for (float[] v : usersTrain) {
      if (v != null) {
        for (int j = 0; j < dim; j++) {
          mean[j] += v[j];
        }
        n++;
      }
    }
    for (int j = 0; j < dim; j++) {
      mean[j] /= Math.max(1, n);
    }
    return mean;
  }
}
