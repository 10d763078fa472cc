package io.pinnacle.pipeline;

import io.pinnacle.prompt.PromoArtifact;
import io.pinnacle.prompt.PromoConfig;
import io.pinnacle.prompt.PromoGlobals;
import io.pinnacle.training.DivergenceGuard;
import io.pinnacle.training.PromptStageTrainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes a trained prompt stage as the artifact the streaming job loads ({@link PromoArtifact}). */
final class PromoArtifactWriter {
  private final SplitContext x;

  PromoArtifactWriter(SplitContext context) {
    this.x = context;
  }

  /** {@code about}: more to record about how the stage was trained (kept under "training"). */
  PromoArtifact.Metadata save(Path dir, PromoConfig c, PromptStageTrainer.Trained t, Map<String, Object> about)
      throws IOException {
    int ni = x.split.numItems();
    long[] ids = x.split.items.externalIds();
    long[] counts = new long[ni];
    for (int i = 1; i <= ni; i++) {
      counts[i - 1] = x.split.itemTrainPositives[i];
    }
    long[] popular = new long[x.warmItems.length];
    long[][] pin = new long[x.warmItems.length][];
    for (int w = 0; w < x.warmItems.length; w++) {
      popular[w] = x.split.items.external(x.warmItems[w]);
      pin[w] = x.feedback.get(c.pinnacleMode())[x.warmItems[w]].pinnacle().entries().stream()
          .mapToLong(e -> x.split.users.external((int) e.userId())).toArray();
    }
    Map<String, Object> training = new LinkedHashMap<>();
    training.put("bestEpoch", t.bestEpoch());
    training.put("validationScore", t.bestValidation());
    training.put("seconds", t.seconds());
    training.put("losses", t.losses());
    training.put("recoveries", t.recoveries().stream().map(DivergenceGuard.Recovery::toMap).toList());
    training.put("gate", t.globals().all().containsKey(PromoGlobals.GATE)
        ? t.globals().get(PromoGlobals.GATE).data()[0] : 1f);
    training.putAll(about);
    return PromoArtifact.save(dir, x.baseVersion, x.split.dataset.name(), x.tau,
        x.split.dataset.rules().coldThreshold(), c, t.globals(), x.warmPoolVectors, ids, counts, popular, pin,
        training);
  }
}
