package io.pinnacle.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pinnacle.feedback.FeedbackRules;
import io.pinnacle.feedback.Label;
import io.pinnacle.data.SyntheticStream;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.job.ingest.DecodeAndValidate;
import io.pinnacle.job.tuning.ItemUpdateOperator;
import io.pinnacle.prompt.PromoArtifact;
import io.pinnacle.runner.EmbeddedKafka;
import io.pinnacle.runner.EmbeddingMonitor;
import io.pinnacle.runner.ReplayProducer;
import io.pinnacle.runner.StreamRun;
import io.pinnacle.schema.InteractionEvent;
import io.pinnacle.schema.ItemEmbedding;
import io.pinnacle.schema.Phase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.junit.jupiter.api.Test;

/**
 * Stop with a savepoint and restore at another parallelism, twice (1 -> 2 -> 1), replaying a third of the stream in
 * each run: no update is lost (everything a run emitted is committed and readable) or duplicated (updateSeq only
 * increases per item), and the item state carries across (counts cover all three runs).
 */
class RescaleRestoreITCase {

  @Test
  void stopWithSavepointAndRescaleOneTwoOne() throws Exception {
    LeaveOneOutSplit split = LeaveOneOutSplit.of(SyntheticStream.generate(SyntheticStream.Config.tiny()));
    Path work = Path.of("target", "it-rescale-" + System.currentTimeMillis());
    ItFixtures.artifacts(split, work);
    EmbeddedKafka kafka = SharedKafka.get();
    Configuration config = ItFixtures.config("rescale", kafka, work, "synthetic",
        Map.of("pinnacle.tuning.batch-size", "32", "pinnacle.tuning.max-delay", "200 ms"), 2);
    List<InteractionEvent> events = split.trainingEvents;
    int third = events.size() / 3;
    List<List<InteractionEvent>> parts = List.of(events.subList(0, third), events.subList(third, 2 * third),
        events.subList(2 * third, events.size()));
    int[] parallelism = {1, 2, 1};
    String savepoint = null;
    long emittedTotal = 0;
    try (EmbeddingMonitor monitor = new EmbeddingMonitor(kafka.bootstrapServers(), "rescale-item-embeddings")) {
      for (int run = 0; run < 3; run++) {
        Map<String, String> flink = new HashMap<>();
        flink.put("parallelism.default", Integer.toString(parallelism[run]));
        flink.put("execution.checkpointing.interval", "1 s");
        if (savepoint != null) {
          flink.put("execution.state-recovery.path", savepoint);
        }
        monitor.mark();
        JobClient job = StreamRun.start(config, work.resolve("flink-" + run), flink);
        StreamRun.Quiet q = replayAndWait(job, monitor, config, kafka, parts.get(run));
        long emitted = ((Number) q.accumulators().get(ItemUpdateOperator.EMITTED)).longValue();
        savepoint = job.stopWithSavepoint(false, work.resolve("savepoints").toUri().toString(),
            SavepointFormatType.CANONICAL).get();
        job.getJobExecutionResult().get();
        monitor.poll(Duration.ofSeconds(2));
        assertEquals(parts.get(run).size(), ((Number) q.accumulators().get(DecodeAndValidate.RECEIVED)).longValue());
        assertEquals(emitted, monitor.recordsSinceMark(), "run " + run + ": every emitted update committed once");
        assertTrue(emitted > 0, "run " + run + " emitted updates");
        emittedTotal += emitted;
      }
      assertEquals(List.of(), monitor.sequenceErrors(), "updateSeq only increases: nothing duplicated or replayed");
      assertEquals(emittedTotal, monitor.records());

      // The state crossed both rescalings: a cold item's counts cover all three runs.
      FeedbackRules rules = FeedbackRules.synthetic();
      Map<Long, long[]> counts = new HashMap<>();
      for (InteractionEvent e : events) {
        long[] c = counts.computeIfAbsent(e.getItemId(), k -> new long[2]);
        c[rules.label(e) == Label.POSITIVE ? 0 : 1]++;
      }
      PromoArtifact promo = PromoArtifact.load(work.resolve("promo"));
      int checked = 0;
      for (ItemEmbedding e : monitor.latest().values()) {
        long[] c = counts.get(e.getItemId());
        if (e.getPhase() != Phase.COLD || c == null || !updatedInLastRun(e, parts.get(2))) {
          continue;
        }
        checked++;
        assertEquals(promo.trainPositives(e.getItemId()) + c[0], e.getPositiveCount(), "positives of " + e.getItemId());
        assertEquals(c[1], e.getNegativeCount(), "negatives of " + e.getItemId());
      }
      assertTrue(checked > 5, "cold items checked: " + checked);
    }
  }

  /** True when the item's last event is in the last run, so its last embedding counts every event. */
  private static boolean updatedInLastRun(ItemEmbedding e, List<InteractionEvent> last) {
    long lastTime = Long.MIN_VALUE;
    for (InteractionEvent x : last) {
      if (x.getItemId() == e.getItemId()) {
        lastTime = Math.max(lastTime, x.getEventTimeMs());
      }
    }
    return lastTime == e.getLastEventTimeMs();
  }

  private static StreamRun.Quiet replayAndWait(JobClient job, EmbeddingMonitor monitor, Configuration config,
                                               EmbeddedKafka kafka, List<InteractionEvent> events) throws Exception {
    ReplayProducer producer = new ReplayProducer(kafka.bootstrapServers(), "rescale-interactions");
    Thread replay = new Thread(() -> producer.replay(events, List.of(), 0));
    replay.start();
    return StreamRun.awaitQuiet(job, monitor, config, replay, producer, events.size(), false, System.nanoTime(),
        Duration.ofMinutes(5));
  }
}
