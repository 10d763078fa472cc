package io.pinnacle.job.tuning;

import io.pinnacle.job.models.LoadedModels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.pinnacle.feedback.FeedbackRules;
import io.pinnacle.feedback.Label;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.job.TestArtifacts;
import io.pinnacle.job.ingest.Interaction;
import io.pinnacle.schema.InteractionEvent;
import io.pinnacle.tuning.ColdItemReplay;
import io.pinnacle.tuning.ColdItemUpdater;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.Test;

/**
 * The streaming operator and the offline replay run the same cold-item updater: fed the same events with the same
 * flush points (a flush every 8 dirty items, then one at the end), they produce bit-identical embeddings.
 */
class UpdaterEquivalenceTest {

  @Test
  void operatorAndOfflineReplayProduceIdenticalEmbeddings() throws Exception {
    LeaveOneOutSplit split = TestArtifacts.ensure();
    Map<String, String> settings = Map.of("pinnacle.tuning.batch-size", "8", "pinnacle.tuning.max-delay", "1 h",
        "pinnacle.retention.sample-rate", "1.0");
    Configuration conf = TestArtifacts.config(settings);
    FeedbackRules rules = FeedbackRules.synthetic();
    int fed = 0;
    try (LoadedModels models = LoadedModels.acquire(conf, Device.cpu());
         var h = ItemUpdateOperatorTest.harness(settings, 0)) {
      h.open();
      ColdItemReplay replay = new ColdItemReplay(new ColdItemUpdater(models.updaterConfig(), models), 8, null);
      for (InteractionEvent e : split.trainingEvents) {
        Label label = rules.label(e);
        if (models.warm(e.getItemId()) || label == Label.IGNORED) {
          continue; // these leave in the decode stage
        }
        boolean positive = label == Label.POSITIVE;
        float value = positive ? (float) rules.pinnacleValue(e) : 0f;
        h.processElement1(new StreamRecord<>(new Interaction(e.getItemId(), e.getUserId(), e.getEventTimeMs(), 0L,
            Interaction.hash(e.getEventId()), positive, value, 0, fed)));
        replay.accept(e.getItemId(), e.getUserId(), label, value, e.getEventTimeMs());
        fed++;
      }
      h.prepareSnapshotPreBarrier(1);
      replay.flush();
      Map<Long, float[]> streamed = ItemUpdateOperatorTest.lastEmbeddings(h.extractOutputValues());
      Map<Long, float[]> offline = replay.embeddings();
      assertTrue(fed > 500, "events fed: " + fed);
      assertTrue(offline.size() > 20, "items tuned: " + offline.size());
      assertEquals(offline.keySet(), streamed.keySet());
      assertEquals(replay.updates(), h.extractOutputValues().size(), "same number of updates");
      for (Map.Entry<Long, float[]> e : offline.entrySet()) {
        assertArrayEquals(e.getValue(), streamed.get(e.getKey()), 0f, "item " + e.getKey());
      }
    }
  }
}
