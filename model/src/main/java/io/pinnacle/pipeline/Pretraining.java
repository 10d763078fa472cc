package io.pinnacle.pipeline;

import ai.djl.ndarray.NDManager;
import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.base.SasRec;
import io.pinnacle.base.SasRecConfig;
import io.pinnacle.base.SasRecRecommender;
import io.pinnacle.base.SasRecTrainer;
import io.pinnacle.content.ContentMapper;
import io.pinnacle.data.TemporalSplit;
import io.pinnacle.djl.DjlRuntime;
import io.pinnacle.eval.Evaluator;
import io.pinnacle.eval.LeaveOneOutSplit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Pre-trains the base model on a split's training data and writes the frozen artifact. */
public final class Pretraining {
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
    DjlRuntime.init();
    try (NDManager manager = NDManager.newBaseManager();
         SasRec model = new SasRec(manager, config, split.numItems())) {
      SasRecTrainer.Result r = new SasRecTrainer(config).pretrain(model, split, new Evaluator(split));
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
      training.put("seconds", r.seconds());
      training.put("coldThreshold", split.dataset.rules().coldThreshold());
      training.put("trainingInteractions", split.training.size());
      if (temporal != null) {
        training.put(BaseModelArtifact.SPLIT_TIME_MS, temporal.splitTimeMs());
      }
      long[] itemIds = split.items.externalIds();
      byte[] mapper = contentMapper(split.dataset.itemFeatures(), itemIds,
          model.parameters().get(SasRec.ITEM_EMBEDDING).toFloatArray(), config.dim());
      return BaseModelArtifact.save(out, split.dataset.name(), model, users, split.users.externalIds(), itemIds,
          recent, mapper, training);
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
