package io.pinnacle.pipeline;

import ai.djl.ndarray.NDManager;
import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.base.SasRec;
import io.pinnacle.base.SasRecConfig;
import io.pinnacle.eval.SasRecRecommender;
import io.pinnacle.training.SasRecTrainer;
import io.pinnacle.content.ContentMapper;
import io.pinnacle.data.TemporalSplit;
import io.pinnacle.djl.DjlRuntime;
import io.pinnacle.eval.Evaluator;
import io.pinnacle.eval.LeaveOneOutSplit;
import java.io.IOException;
import io.pinnacle.eval.TrainingPositivesRanker;
import io.pinnacle.eval.Stage;
import io.pinnacle.training.DivergenceGuard;
import io.pinnacle.training.TrainingDivergedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Pre-trains the base model on a split's training data and writes the frozen artifact. */
public final class Pretraining {
  private static final Logger LOG = LoggerFactory.getLogger(Pretraining.class);

  private Pretraining() {}

  public static BaseModelArtifact.Metadata run(LeaveOneOutSplit split, SasRecConfig config, Path out)
      throws IOException {
    return run(split, config, out, null);
  }

  /**
   * Pre-trains on the training period of a temporal split (the split's data set must be {@code temporal.before()});
   * the artifact records T so that every later stage uses the same cut.
   */
  public static BaseModelArtifact.Metadata run(LeaveOneOutSplit split, SasRecConfig config, Path out,
                                               TemporalSplit temporal) throws IOException {
    return select(split, List.of(config), out, temporal);
  }

  /** One candidate of a selection: its settings and what validation said of it. */
  public record Candidate(SasRecConfig config, double validationNdcg10, double validationHr10, int bestEpoch,
                          double seconds, int recoveries, String failure) {
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("settings", config.label());
      m.put("validationNdcg10All", validationNdcg10);
      m.put("validationHr10All", validationHr10);
      m.put("bestEpoch", bestEpoch);
      m.put("seconds", seconds);
      m.put("recoveries", recoveries);
      if (failure != null) {
        m.put("failure", failure);
      }
      return m;
    }
  }

  /**
   * Trains every candidate on the training period, keeps the one with the best validation NDCG@10 over all users
   * (the test stage is never looked at) and writes its artifact; the artifact's training summary lists every
   * candidate. A candidate that diverges beyond recovery is reported and skipped; when all do, the divergence of the
   * last one is thrown.
   */
  public static BaseModelArtifact.Metadata select(LeaveOneOutSplit split, List<SasRecConfig> candidates, Path out,
                                                  TemporalSplit temporal) throws IOException {
    DjlRuntime.init();
    Evaluator evaluator = new Evaluator(split);
    double positivesHr10 = evaluator.evaluate("training positives", new TrainingPositivesRanker(split),
        Stage.VALIDATION).all().hr10();
    List<Candidate> tried = new ArrayList<>();
    try (NDManager manager = NDManager.newBaseManager()) {
      SasRec best = null;
      SasRecTrainer.Result bestResult = null;
      double bestHr10 = Double.NaN;
      TrainingDivergedException lastFailure = null;
      for (SasRecConfig config : candidates) {
        SasRec model = new SasRec(manager, config, split.numItems());
        SasRecTrainer.Result r;
        try {
          r = new SasRecTrainer(config).pretrain(model, split, evaluator);
        } catch (TrainingDivergedException e) {
          model.close();
          lastFailure = e;
          tried.add(new Candidate(config, Double.NaN, Double.NaN, -1, Double.NaN, -1, e.getMessage()));
          LOG.warn("base candidate {} failed: {}", config.label(), e.getMessage());
          continue;
        }
        double hr10 = evaluator.evaluate("base", new SasRecRecommender(model), Stage.VALIDATION).all().hr10();
        tried.add(new Candidate(config, r.bestValidation(), hr10, r.bestEpoch(), r.seconds(), r.recoveries().size(),
            null));
        if (candidates.size() > 1) {
          LOG.info(String.format("base candidate %s: validation NDCG@10 %.4f, HR@10 %.4f (best epoch %d, %.0f s)",
              config.label(), r.bestValidation(), hr10, r.bestEpoch(), r.seconds()));
        }
        if (best == null || r.bestValidation() > bestResult.bestValidation()) {
          if (best != null) {
            best.close();
          }
          best = model;
          bestResult = r;
          bestHr10 = hr10;
        } else {
          model.close();
        }
      }
      if (best == null) {
        throw lastFailure;
      }
      try (SasRec chosen = best) {
        return write(split, chosen, bestResult, new Health(bestHr10, positivesHr10), out, temporal,
            candidates.size() > 1 ? tried : null);
      }
    }
  }

  private static BaseModelArtifact.Metadata write(LeaveOneOutSplit split, SasRec model, SasRecTrainer.Result r,
                                                  Health health, Path out, TemporalSplit temporal,
                                                  List<Candidate> selection) throws IOException {
    SasRecConfig config = model.config();
    // h_u over everything the base model may know: training positives plus the validation item.
    List<int[]> histories = new ArrayList<>(split.numUsers());
    for (int u = 0; u < split.numUsers(); u++) {
      int[] h = split.trainPositives[u];
      if (split.evaluated(u)) {
        h = Arrays.copyOf(h, h.length + 1);
        h[h.length - 1] = split.validItem[u];
      }
      histories.add(h);
    }
    float[][] users = SasRecRecommender.userVectors(model, histories);
    // Where the user encoder starts in the stream: every positive of the training period, held-out ones included.
    int[][] recent = new int[split.numUsers()][];
    for (int u = 0; u < split.numUsers(); u++) {
      int[] h = histories.get(u);
      recent[u] = split.evaluated(u) ? Arrays.copyOf(h, h.length + 1) : h;
      if (split.evaluated(u)) {
        recent[u][h.length] = split.testItem[u];
      }
    }
    Map<String, Object> training = new LinkedHashMap<>();
    training.put("bestEpoch", r.bestEpoch());
    training.put("epochsRun", r.epochsRun());
    training.put("validationNdcg10All", r.bestValidation());
    training.put("firstLoss", r.losses().isEmpty() ? null : r.losses().get(0));
    training.put("lastLoss", r.losses().isEmpty() ? null : r.losses().get(r.losses().size() - 1));
    training.put("losses", r.losses());
    training.put("recoveries", r.recoveries().stream().map(DivergenceGuard.Recovery::toMap).toList());
    training.put("clippedSteps", r.clippedSteps());
    training.put("validationHr10All", health.modelHr10());
    training.put("trainingPositivesValidationHr10All", health.popularityHr10());
    training.put("warnings", health.warnings(r));
    training.put("seconds", r.seconds());
    if (selection != null) {
      training.put("selection", selection.stream().map(Candidate::toMap).toList());
    }
    training.put("coldThreshold", split.dataset.rules().coldThreshold());
    training.put("trainingInteractions", split.training.size());
    if (temporal != null) {
      training.put(BaseModelArtifact.SPLIT_TIME_MS, temporal.splitTimeMs());
    }
    long[] itemIds = split.items.externalIds();
    byte[] mapper = contentMapper(split.dataset.itemFeatures(), itemIds,
        model.scoredTable().toFloatArray(), config.dim());
    return BaseModelArtifact.save(out, split.dataset.name(), model, users, split.users.externalIds(), itemIds,
        recent, mapper, training);
  }

  /** The chosen base's validation HR@10 beside ranking items by their training positives. */
  private record Health(double modelHr10, double popularityHr10) {
    /** What a reader of the artifact must know: recoveries, and a base no better than counting positives. */
    List<String> warnings(SasRecTrainer.Result r) {
      List<String> out = new ArrayList<>();
      if (!r.recoveries().isEmpty()) {
        out.add("training diverged " + r.recoveries().size() + " time(s) and recovered: " + r.recoveries());
      }
      if (!(modelHr10 > popularityHr10)) {
        out.add(String.format("validation HR@10 over all users %.3f is not above ranking items by their training "
            + "positives (%.3f): the base carries no taste beyond popularity", modelHr10, popularityHr10));
      }
      for (String w : out) {
        LOG.warn("base model: {}", w);
      }
      return out;
    }
  }

  /** Content features to the trained item embeddings (row i + 1 of the table is item i), or null without features. */
  private static byte[] contentMapper(Map<Long, float[]> content, long[] itemIds, float[] table, int dim) {
    if (content == null || content.isEmpty()) {
      return null;
    }
    Map<Long, Integer> row = new HashMap<>();
    for (int i = 0; i < itemIds.length; i++) {
      row.put(itemIds[i], i + 1);
    }
    ContentMapper mapper = ContentMapper.fit(content, itemIds,
        id -> Arrays.copyOfRange(table, row.get(id) * dim, (row.get(id) + 1) * dim), dim, ContentMapper.DEFAULT_RIDGE);
    return mapper == null ? null : mapper.toBytes();
  }
}
