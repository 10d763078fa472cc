package io.pinnacle.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pinnacle.data.FeedbackRules;
import io.pinnacle.data.Label;
import io.pinnacle.data.SyntheticStream;
import io.pinnacle.eval.LeaveOneOutSplit;
import io.pinnacle.job.config.PinnacleJobConfig;
import io.pinnacle.job.embedded.EmbeddedKafka;
import io.pinnacle.job.embedded.EmbeddingMonitor;
import io.pinnacle.job.embedded.ReplayProducer;
import io.pinnacle.job.embedded.StreamRun;
import io.pinnacle.schema.InteractionEvent;
import io.pinnacle.schema.ItemEmbedding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;

/**
 * Cancel the job after a checkpoint, start it again from that checkpoint, and check that per-item state and
 * updateSeq continue exactly: counts include both halves, sequences have no gap and no repeat across the restart.
 */
class RestoreTest {

  @Test
  void stateAndUpdateSeqContinueAfterRestoreFromACheckpoint() throws Exception {
    LeaveOneOutSplit split = LeaveOneOutSplit.of(SyntheticStream.generate(SyntheticStream.Config.tiny()));
    Path work = Path.of("target", "it-restore-" + System.currentTimeMillis());
    ItFixtures.artifacts(split, work);
    Path promo = work.resolve("promo");
    EmbeddedKafka kafka = SharedKafka.get();
    PinnacleJobConfig config = ItFixtures.config("restore", kafka, work, "synthetic")
        .with("checkpoint.interval", "PT1S")
        .with("tuning.batch-size", "32")
        .with("tuning.max-delay", "PT0.2S");
    List<InteractionEvent> events = split.trainingEvents;
    int half = events.size() / 2;
    FeedbackRules rules = FeedbackRules.synthetic();
    Map<String, String> retain = Map.of("execution.checkpointing.externalized-checkpoint-retention",
        "RETAIN_ON_CANCELLATION");

    try (EmbeddingMonitor monitor = new EmbeddingMonitor(kafka.bootstrapServers(), "restore-item-embeddings")) {
      JobClient first = StreamRun.start(config, rules, work.resolve("flink-1"), retain);
      replayAndWait(first, monitor, config, kafka, events.subList(0, half));
      first.cancel().get();
      Map<Long, ItemEmbedding> afterFirst = new HashMap<>(monitor.latest());
      assertTrue(afterFirst.size() > 10);

      Path checkpoint = latestCheckpoint(work.resolve("flink-1").resolve("checkpoints"));
      monitor.mark();
      Map<String, String> restore = new HashMap<>(retain);
      restore.put("execution.state-recovery.path", checkpoint.toUri().toString());
      JobClient second = StreamRun.start(config, rules, work.resolve("flink-2"), restore);
      replayAndWait(second, monitor, config, kafka, events.subList(half, events.size()));
      second.cancel().get();

      assertEquals(List.of(), monitor.sequenceErrors(), "updateSeq continues with no gap or repeat");
      int continued = 0;
      for (Map.Entry<Long, ItemEmbedding> e : monitor.latest().entrySet()) {
        ItemEmbedding before = afterFirst.get(e.getKey());
        if (before != null && e.getValue().getUpdateSeq() > before.getUpdateSeq()) {
          continued++;
        }
      }
      assertTrue(continued > 5, "items updated in both runs: " + continued);
      // Counts in the restored state include the first half: compare with the events themselves.
      Map<Long, long[]> counts = new HashMap<>();
      for (InteractionEvent e : events) {
        long[] c = counts.computeIfAbsent(e.getItemId(), k -> new long[2]);
        c[rules.label(e) == Label.POSITIVE ? 0 : 1]++;
      }
      io.pinnacle.prompt.PromoArtifact pa = io.pinnacle.prompt.PromoArtifact.load(promo);
      int checked = 0;
      for (ItemEmbedding e : monitor.latest().values()) {
        if (e.getPhase() != io.pinnacle.schema.Phase.COLD) {
          continue; // a graduated item's last embedding carries its counts at graduation
        }
        checked++;
        long[] c = counts.get(e.getItemId());
        assertEquals(pa.trainPositives(e.getItemId()) + c[0], e.getPositiveCount(), "positives of " + e.getItemId());
        assertEquals(c[1], e.getNegativeCount(), "negatives of " + e.getItemId());
      }
      assertTrue(checked > 10, "cold items checked: " + checked);
    }
  }

  private static void replayAndWait(JobClient job, EmbeddingMonitor monitor, PinnacleJobConfig config,
                                    EmbeddedKafka kafka, List<InteractionEvent> events) throws Exception {
    ReplayProducer producer = new ReplayProducer(kafka.bootstrapServers(), "restore-interactions");
    Thread replay = new Thread(() -> producer.replay(events, List.of(), 0));
    replay.start();
    StreamRun.awaitQuiet(job, monitor, config, replay, producer, events.size(), false, System.nanoTime(),
        Duration.ofMinutes(5));
  }

  private static Path latestCheckpoint(Path root) throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      Optional<Path> latest = s.filter(p -> p.getFileName().toString().startsWith("chk-")
              && Files.exists(p.resolve("_metadata")))
          .max(java.util.Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().substring(4))));
      return latest.orElseThrow(() -> new AssertionError("no completed checkpoint under " + root));
    }
  }
}
