package io.pinnacle.job.output;

import io.pinnacle.schema.ItemEmbedding;
import io.pinnacle.schema.codec.FloatLists;
import io.pinnacle.tuning.ColdItemUpdater;
import io.pinnacle.tuning.ItemState;

/** An update of the cold-item updater as the record published on the embeddings topic. */
public final class Embeddings {
  private Embeddings() {}

  public static ItemEmbedding of(ColdItemUpdater.Update u, String baseVersion, long nowMs) {
    ItemState s = u.state();
    return ItemEmbedding.newBuilder()
        .setItemId(u.itemId())
        .setEmbedding(FloatLists.boxed(u.embedding()))
        .setBaseModelVersion(baseVersion)
        .setUpdateSeq(s.updateSeq)
        .setPhase(u.phase())
        .setPositiveCount(s.positives())
        .setNegativeCount(s.negatives())
        .setPinnacleCount(s.feedback == null ? 0 : s.feedback.pinnacle().size())
        .setLastEventTimeMs(s.lastEventTimeMs)
        .setEmittedAtMs(nowMs)
        .setLastIngestMs(s.lastIngestMs)
        .setRecLoss(Float.isNaN(u.rec()) ? null : u.rec())
        .setPfpeLoss(Float.isNaN(u.pfpe()) ? null : u.pfpe())
        .setPapeLoss(Float.isNaN(u.pape()) ? null : u.pape())
        .build();
  }
}
