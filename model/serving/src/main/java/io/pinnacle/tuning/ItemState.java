package io.pinnacle.tuning;

import io.pinnacle.feedback.ItemFeedbackState;
import io.pinnacle.retention.TrackedPair;
import io.pinnacle.schema.Phase;
import io.pinnacle.targeting.TargetingProbe;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything kept for one item between events. A COLD item has feedback and a prompt; a WARM or GRADUATED item
 * keeps only its counters and {@link #updateSeq}. User vectors are never copied in here: they are looked up when
 * the item is tuned. Plain mutable fields: {@link ColdItemUpdater} owns the transitions, the job owns persistence.
 */
public final class ItemState {
  public Phase phase = Phase.COLD;
  /** Version of the last emitted embedding; never decreases (see {@link ColdItemUpdater#nextSeq}). */
  public long updateSeq;
  /** Updates applied to the current prompt (seeds the random negatives; restarts with a new prompt). */
  public int tunedCount;
  /** Positives and negatives not held in {@link #feedback}: the training period's, or all after graduation. */
  public long positiveCount;
  public long negativeCount;
  public long lastEventTimeMs;
  /** When the newest event reached Kafka (freshness is measured from here). */
  public long lastIngestMs;
  /** Processing time of the last event and of the last update (idle expiry and the hot-item interval). */
  public long lastActivityMs;
  public long lastTunedMs = Long.MIN_VALUE / 2;
  /** The artifacts this state was built with; a mismatch on load re-initialises the prompt. */
  public String baseVersion = "";
  public String promoVersion = "";
  /** Null unless COLD. */
  public ItemFeedbackState feedback;
  public PromptState prompt;
  /** Pinnacle pairs followed by the retention measurement. */
  public List<TrackedPair> tracked = new ArrayList<>();
  /** The last emitted embedding (null before the first update); the retention measurement's t0 embedding. */
  public float[] lastEmbedding;
  /** Ring of recent event-id hashes for de-duplication; {@link #eventHashCount} of them are valid. */
  public long[] eventHashes = new long[0];
  public int eventHashCount;
  public int eventHashNext;
  /** The live targeting measure's probes of the item's latest positives (oldest first, bounded). */
  public List<TargetingProbe> probes = new ArrayList<>();
  /** Catalog feature ids of an item the base never saw (empty otherwise): its starting embedding is mapped from them. */
  public int[] content = new int[0];

  public long positives() {
    return feedback != null ? positiveCount + feedback.positiveCount() : positiveCount;
  }

  public long negatives() {
    return feedback != null ? negativeCount + feedback.negativeCount() : negativeCount;
  }

  public boolean cold() {
    return phase == Phase.COLD && feedback != null;
  }
}
