package io.pinnacle.retrieval;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./pinnacle serve}: the retrieval service until Ctrl-C. */
@Command(name = "pinnacle serve", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Serves the job's embeddings: reads the item-embeddings and user-vectors topics (read_committed) "
        + "into an HNSW index and answers GET /recommend?user=ID&k=K, /items/ID, /health and /metrics until Ctrl-C.")
public final class ServeCommand implements Callable<Integer> {
  @Option(names = "--bootstrap", required = true, description = "Kafka bootstrap servers")
  String bootstrap;
  @Option(names = "--base", required = true, paramLabel = "DIR", description = "the base artifact the job runs with")
  Path base;
  @Option(names = "--item-topic", defaultValue = "item-embeddings", description = "default ${DEFAULT-VALUE}")
  String itemTopic;
  @Option(names = "--user-topic", defaultValue = "user-vectors", description = "default ${DEFAULT-VALUE}")
  String userTopic;
  @Option(names = "--port", defaultValue = "8088", description = "HTTP port (default ${DEFAULT-VALUE}; 0: any)")
  int port;
  @Option(names = "--max-k", defaultValue = "1000", description = "largest k a query may ask (default ${DEFAULT-VALUE})")
  int maxK;
  @Option(names = "--max-stale", defaultValue = "PT0.05S",
      description = "longest wait of an applied update before it is searchable (ISO-8601, default ${DEFAULT-VALUE})")
  Duration maxStale;
  @Option(names = "--interactions-topic", description = "also follow this topic from its end and measure the live "
      + "reach of new items (GET /items/ID/reach, the page)")
  String interactionsTopic;
  @Option(names = "--feedback-rules", defaultValue = "synthetic",
      description = "the job's pinnacle.feedback.rules, which say what a positive is (default ${DEFAULT-VALUE})")
  String feedbackRules;
  @Option(names = "--reach-k", defaultValue = "10", description = "the K of the reach (default ${DEFAULT-VALUE})")
  int reachK;
  @Option(names = "--kafka", paramLabel = "KEY=VALUE", description = "a consumer setting (repeatable)")
  Map<String, String> kafka = new HashMap<>();

  public static void main(String[] args) {
    System.exit(new CommandLine(new ServeCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    RetrievalConfig config = new RetrievalConfig(bootstrap, itemTopic, userTopic, base, port, maxK,
        maxStale.toMillis(), kafka, interactionsTopic == null ? null
            : new RetrievalConfig.Reach(interactionsTopic, feedbackRules, reachK));
    CountDownLatch stop = new CountDownLatch(1);
    try (RetrievalService service = new RetrievalService(config)) {
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      System.out.println("retrieval service on http://localhost:" + service.port() + "/ (the page; API: "
          + "/recommend?user=ID&k=10, /items/ID, /items/ID/reach, /health, /metrics; reading " + itemTopic + " and "
          + userTopic + (interactionsTopic == null ? "" : ", and " + interactionsTopic + " for reach")
          + "; Ctrl-C stops)");
      if (service.awaitCaughtUp(Duration.ofMinutes(10))) {
        System.out.println("caught up: " + service.index().size() + " items, "
            + service.users().publishedUsers() + " users with published vectors");
      }
      stop.await();
    }
    return 0;
  }
}
