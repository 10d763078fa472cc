package io.pinnacle.job.config;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.pinnacle.tuning.ArtifactModels.TuningRates;
import io.pinnacle.tuning.ServingRule;
import io.pinnacle.tuning.TuningEngine;
import io.pinnacle.tuning.UpdaterConfig;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;

/**
 * Every setting of the job, as Flink {@link ConfigOption}s under the {@code pinnacle.} prefix. They are read from
 * the cluster configuration (a FlinkDeployment's {@code flinkConfiguration}, {@code config.yaml}), then a file
 * ({@code --config}), then {@code --set key=value}. Flink's own settings (parallelism, checkpointing, state
 * backend) are Flink's keys and the cluster's to set; see {@link JobConfiguration} for the few defaults the job
 * adds when the cluster leaves them unset.
 */
public final class PinnacleOptions {
  private PinnacleOptions() {}

  public static final String PREFIX = "pinnacle.";
  /** Any {@code pinnacle.kafka.properties.X=Y} is passed as {@code X=Y} to the Kafka source and sinks. */
  public static final String KAFKA_PROPERTIES_PREFIX = "pinnacle.kafka.properties.";

  // --- Kafka ---
  public static final ConfigOption<String> BOOTSTRAP_SERVERS = key("pinnacle.kafka.bootstrap-servers")
      .stringType().defaultValue("localhost:9092").withDescription("Kafka bootstrap servers.");
  public static final ConfigOption<String> GROUP_ID = key("pinnacle.kafka.group-id")
      .stringType().defaultValue("pinnacle-updater").withDescription("Consumer group of the interactions source.");
  public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX = key("pinnacle.kafka.transactional-id-prefix")
      .stringType().defaultValue("pinnacle-updater")
      .withDescription("Prefix of the exactly-once sinks' transactional ids (one suffix per sink).");
  public static final ConfigOption<Duration> TRANSACTION_TIMEOUT = key("pinnacle.kafka.transaction-timeout")
      .durationType().defaultValue(Duration.ofMinutes(15))
      .withDescription("Producer transaction timeout; must outlive a checkpoint interval plus a recovery and stay "
          + "within the broker's transaction.max.timeout.ms.");
  public static final ConfigOption<String> DELIVERY_GUARANTEE = key("pinnacle.delivery-guarantee")
      .stringType().defaultValue("exactly-once")
      .withDescription("exactly-once (transactions; consumers read_committed) or at-least-once (lower latency; "
          + "consumers keep the highest updateSeq per item); EXACTLY_ONCE and AT_LEAST_ONCE are accepted too.");
  public static final ConfigOption<String> TOPIC_INTERACTIONS = key("pinnacle.topic.interactions")
      .stringType().defaultValue("interactions").withDescription("Input topic (Avro InteractionEvent).");
  public static final ConfigOption<Boolean> CHECK_TOPICS = key("pinnacle.kafka.check-topics")
      .booleanType().defaultValue(true)
      .withDescription("Refuse to start when a topic of the job is missing on the brokers (needs the right to list "
          + "topics).");
  public static final ConfigOption<Boolean> CHECK_ARTIFACTS = key("pinnacle.artifact.check-at-submit")
      .booleanType().defaultValue(true)
      .withDescription("Read and verify both artifacts (format, checksums, pairing) where the job is submitted, and "
          + "refuse to start with a bad one instead of failing every task at open.");
  public static final ConfigOption<Integer> TARGETING_PROBES = key("pinnacle.targeting.probes")
      .intType().defaultValue(UpdaterConfig.TARGETING_PROBES)
      .withDescription("Latest positives per cold item the live targeting measure keeps (about 100 bytes each in "
          + "the item state); 0 turns the measure off.");
  public static final ConfigOption<Boolean> SERVING_CO_LIKED = key("pinnacle.serving.co-liked")
      .booleanType().defaultValue(ServingRule.DEFAULTS.coLiked())
      .withDescription("Move a cold item's anchor (what it is served from before and beside PROMO's change) from its "
          + "base or content embedding toward the mean co-liked vector of its positives (model/README.md).");
  public static final ConfigOption<Float> SERVING_CO_LIKED_PRIOR = key("pinnacle.serving.co-liked-prior")
      .floatType().defaultValue(ServingRule.DEFAULTS.prior())
      .withDescription("Extra weight of an item's starting embedding against its co-liked mean, in positives "
          + "(choose it with `pinnacle select`).");
  public static final ConfigOption<Boolean> SERVING_CO_LIKED_CENTERED = key("pinnacle.serving.co-liked-centered")
      .booleanType().defaultValue(ServingRule.DEFAULTS.centered())
      .withDescription("The anchor moves by the co-liked mean's deviation from the expected co-liked vector (the "
          + "popularity-weighted mean item), so taste moves a cold item and popularity does not; false: toward the "
          + "co-liked mean itself.");
  public static final ConfigOption<Integer> SERVING_PROMPT_MIN_POSITIVES = key("pinnacle.serving.prompt-min-positives")
      .intType().defaultValue(ServingRule.DEFAULTS.promptMinPositives())
      .withDescription("Positives in the stream before PROMO's change of a cold item's embedding is served; before "
          + "that the anchor is (2147483647: never; choose it with `pinnacle select`).");
  public static final ConfigOption<String> SERVING_TABLE = key("pinnacle.serving.table")
      .stringType().noDefaultValue()
      .withDescription("Which source a cold item is served from, by group and positives bucket (0, 1, 2-4, 5-9, "
          + "10-19, 20+): NEW:s0,...,s5;COLD:s0,...,s5 over start, anchor, co-liked, users, users-scaled, promo. Unset: the table "
          + "`pinnacle fit-serving` fitted beside the PROMO artifact, else promo everywhere.");
  public static final ConfigOption<String> TOPIC_TARGETING = key("pinnacle.topic.targeting")
      .stringType().defaultValue("pinnacle-targeting")
      .withDescription("Live targeting-measure reports, one per window (Avro PinnacleTargeting).");
  public static final ConfigOption<String> TOPIC_CATALOG = key("pinnacle.topic.item-catalog")
      .stringType().defaultValue("item-catalog")
      .withDescription("Item catalog topic, compacted, key = item id (Avro ItemFeatures): content features of items "
          + "the base model never saw give them a starting embedding before their first feedback.");
  public static final ConfigOption<Integer> CATALOG_MAX_FEATURES = key("pinnacle.catalog.max-features")
      .intType().defaultValue(256)
      .withDescription("Catalog records with more feature ids are dead-lettered (too-many-features).");
  public static final ConfigOption<String> TOPIC_EMBEDDINGS = key("pinnacle.topic.item-embeddings")
      .stringType().defaultValue("item-embeddings")
      .withDescription("Output topic, compacted, key = item id (Avro ItemEmbedding).");
  public static final ConfigOption<String> TOPIC_USER_VECTORS = key("pinnacle.topic.user-vectors")
      .stringType().defaultValue("user-vectors")
      .withDescription("User vectors, compacted, key = user id (Avro UserVector): every vector the user stage encodes, "
          + "so that a retrieval service scores with the vectors the updater tuned against.");
  public static final ConfigOption<String> TOPIC_DEAD_LETTER = key("pinnacle.topic.dead-letter")
      .stringType().defaultValue("interactions-dlq").withDescription("Refused input records (Avro DeadLetter).");
  public static final ConfigOption<String> TOPIC_RETENTION = key("pinnacle.topic.retention")
      .stringType().defaultValue("pinnacle-retention")
      .withDescription("Pinnacle-memory retention reports (Avro PinnacleRetention).");

  // --- Artifacts ---
  public static final ConfigOption<String> ARTIFACT_BASE = key("pinnacle.artifact.base")
      .stringType().defaultValue("target/artifacts/base")
      .withDescription("Base model artifact: a path or any Flink file-system URI.");
  public static final ConfigOption<String> ARTIFACT_PROMO = key("pinnacle.artifact.promo")
      .stringType().defaultValue("target/artifacts/promo")
      .withDescription("PROMO artifact (prompt globals), trained on that base.");

  // --- Input ---
  public static final ConfigOption<String> FEEDBACK_RULES = key("pinnacle.feedback.rules")
      .stringType().defaultValue("kuairand")
      .withDescription("How events are labelled and valued: movielens, kuairand or synthetic.");
  public static final ConfigOption<Duration> MAX_FUTURE = key("pinnacle.validation.max-future")
      .durationType().defaultValue(Duration.ofHours(1))
      .withDescription("Events more than this far ahead of processing time are dead-lettered (future-time).");
  public static final ConfigOption<Duration> MAX_AGE = key("pinnacle.validation.max-age")
      .durationType().defaultValue(Duration.ZERO)
      .withDescription("Events older than this (by processing time) are dead-lettered (ancient-time); 0, the "
          + "default, accepts any age, as replays of historical data need.");
  public static final ConfigOption<Integer> DEDUP_PER_ITEM = key("pinnacle.dedup.per-item")
      .intType().defaultValue(UpdaterConfig.DEDUP_CAPACITY)
      .withDescription("Event-id hashes remembered per item; a repeat among them is dead-lettered (duplicate).");

  // --- PROMO (the network comes from the PROMO artifact) ---
  public static final ConfigOption<Integer> K = key("pinnacle.promo.k")
      .intType().defaultValue(UpdaterConfig.K).withDescription("Pinnacle and negative users per item.");
  public static final ConfigOption<Integer> COLD_THRESHOLD = key("pinnacle.promo.cold-threshold")
      .intType().defaultValue(0)
      .withDescription("Positives at which an item graduates; 0 = the threshold the PROMO artifact was trained with.");
  public static final ConfigOption<Float> LAMBDA1 = key("pinnacle.promo.lambda1")
      .floatType().defaultValue(TuningRates.DEFAULTS.lambda1())
      .withDescription("Weight of the pinnacle-feedback prompt loss.");
  public static final ConfigOption<Float> LAMBDA2 = key("pinnacle.promo.lambda2")
      .floatType().defaultValue(TuningRates.DEFAULTS.lambda2())
      .withDescription("Weight of the popularity-aware prompt loss.");
  public static final ConfigOption<Float> LEARNING_RATE = key("pinnacle.promo.learning-rate")
      .floatType().defaultValue(TuningRates.DEFAULTS.learningRate())
      .withDescription("Adam learning rate of the incremental prompt updates.");
  public static final ConfigOption<Integer> ADAM_STEPS = key("pinnacle.promo.adam-steps")
      .intType().defaultValue(UpdaterConfig.ADAM_STEPS).withDescription("Adam steps per item update.");
  public static final ConfigOption<Integer> RECENT_SAMPLES = key("pinnacle.promo.recent-samples")
      .intType().defaultValue(UpdaterConfig.RECENT_SAMPLES)
      .withDescription("Recent labelled interactions kept per item as rec-loss samples.");
  public static final ConfigOption<Integer> RANDOM_NEGATIVES = key("pinnacle.promo.random-negatives")
      .intType().defaultValue(UpdaterConfig.RANDOM_NEGATIVES)
      .withDescription("Random users added as rec-loss negatives per update.");

  // --- Micro-batching and state ---
  public static final ConfigOption<Integer> BATCH_SIZE = key("pinnacle.tuning.batch-size")
      .intType().defaultValue(256).withDescription("Dirty items that trigger a micro-batch.");
  public static final ConfigOption<TuningEngine> TUNING_ENGINE = key("pinnacle.tuning.engine")
      .enumType(TuningEngine.class).defaultValue(TuningEngine.AUTO)
      .withDescription("Who computes the prompt updates: JAVA (explicit arithmetic on the JVM, no native call and no "
          + "lock), DJL (batched PyTorch autograd, for GPU TaskManagers) or AUTO (JAVA on CPU, DJL on a GPU).");
  public static final ConfigOption<Duration> MAX_DELAY = key("pinnacle.tuning.max-delay")
      .durationType().defaultValue(Duration.ofSeconds(1))
      .withDescription("Longest time an item waits dirty before its micro-batch runs.");
  public static final ConfigOption<Duration> MIN_ITEM_INTERVAL = key("pinnacle.tuning.min-item-interval")
      .durationType().defaultValue(Duration.ZERO)
      .withDescription("A hot item is tuned at most once per interval (it stays dirty meanwhile; barriers flush "
          + "it regardless).");
  public static final ConfigOption<Boolean> REPRODUCIBLE = key("pinnacle.tuning.reproducible")
      .booleanType().defaultValue(false)
      .withDescription("Tune a dirty item before its next event is applied, so that every tuning step sees exactly "
          + "the events up to the one that made the item dirty: an item's embeddings then depend on its events and "
          + "their order only, not on when batches ran, and a replay or a recovery reproduces them bit for bit "
          + "(with the JAVA engine, whose arithmetic is per item). Hot items make smaller batches; the minimum "
          + "interval is ignored. Each item's events must arrive in one order: a topic keyed by item, and the user "
          + "stage off (its two-way shuffle interleaves an item's events from several users in arrival order).");
  public static final ConfigOption<Boolean> USERS_ENABLED = key("pinnacle.users.enabled")
      .booleanType().defaultValue(true)
      .withDescription("Run the user stage: each event on a tunable item carries the user's vector, encoded by the "
          + "frozen base from the user's recent items. Off: the base artifact's frozen user vectors.");
  public static final ConfigOption<Boolean> USERS_PUBLISH = key("pinnacle.users.publish")
      .booleanType().defaultValue(true)
      .withDescription("Publish every vector the user stage encodes to pinnacle.topic.user-vectors (with the user "
          + "stage on); false: the topic is not written, nor required.");
  public static final ConfigOption<Integer> USERS_BATCH_SIZE = key("pinnacle.users.batch-size")
      .intType().defaultValue(1).withDescription("Events waiting for a user vector that trigger one encoder pass. The "
          + "encoder runs on the JVM, one history at a time, so waiting buys nothing: 1 encodes each event as it "
          + "arrives (stream benchmark: freshness p50 at half load 124 -> 85 ms against 256, the same events per "
          + "CPU-second).");
  public static final ConfigOption<Duration> USERS_MAX_DELAY = key("pinnacle.users.max-delay")
      .durationType().defaultValue(Duration.ofMillis(200))
      .withDescription("Longest time an event waits for its user vector.");
  public static final ConfigOption<Duration> USERS_TTL = key("pinnacle.users.ttl")
      .durationType().defaultValue(Duration.ofDays(30))
      .withDescription("A user with no event for this long loses their history (a returning user starts again "
          + "from the base artifact's history).");
  public static final ConfigOption<Duration> STATE_TTL = key("pinnacle.state.ttl")
      .durationType().defaultValue(Duration.ofDays(30))
      .withDescription("A cold item with no event for this long loses its state (warm and graduated items: "
          + "pinnacle.state.counters-ttl).");
  public static final ConfigOption<Duration> COUNTERS_TTL = key("pinnacle.state.counters-ttl")
      .durationType().defaultValue(Duration.ofDays(365))
      .withDescription("A warm or graduated item (counters and updateSeq only) with no event for this long loses its "
          + "state, so that a catalogue that keeps adding items does not keep growing the job's state. A warm item "
          + "that returns starts again from the base's counts; a graduated one starts again as a cold item, its "
          + "updateSeq still above every earlier one (the first update of a state takes the clock).");
  public static final ConfigOption<Integer> CACHE_ITEMS = key("pinnacle.state.cache-items")
      .intType().defaultValue(50_000)
      .withDescription("Item states kept on the heap between checkpoints per subtask (written to RocksDB before "
          + "every barrier and on eviction).");

  public static final ConfigOption<Duration> WRITE_BACK_AFTER = key("pinnacle.state.write-back-after")
      .durationType().defaultValue(Duration.ofSeconds(2))
      .withDescription("A changed item state is written to RocksDB this long after its first change (a couple per "
          + "event), so that a checkpoint barrier has little left to write and does not stall the stream; 0 = only "
          + "at barriers and on eviction.");

  // --- Retention ---
  public static final ConfigOption<Double> RETENTION_SAMPLE_RATE = key("pinnacle.retention.sample-rate")
      .doubleType().defaultValue(UpdaterConfig.RETENTION_SAMPLE_RATE)
      .withDescription("Share of pinnacle pairs followed (deterministic hash sample).");
  public static final ConfigOption<Integer> RETENTION_MAX_PER_ITEM = key("pinnacle.retention.max-per-item")
      .intType().defaultValue(UpdaterConfig.RETENTION_MAX_PER_ITEM).withDescription("Followed pairs per item.");
  public static final ConfigOption<Duration> RETENTION_WINDOW = key("pinnacle.retention.window")
      .durationType().defaultValue(Duration.ofMinutes(1))
      .withDescription("A PinnacleRetention report per window goes to the retention topic.");
  public static final ConfigOption<Double> RETENTION_ALERT_FLOOR = key("pinnacle.retention.alert-floor")
      .doubleType().defaultValue(0.5)
      .withDescription("Alert (WARN log and counter) when a well-sampled bucket's retention falls below this.");
  public static final ConfigOption<Long> RETENTION_ALERT_MIN_SAMPLES = key("pinnacle.retention.alert-min-samples")
      .longType().defaultValue(50L).withDescription("Evaluations a bucket needs before it can alert.");

  /** Every option above, in declaration order. */
  public static List<ConfigOption<?>> all() {
    List<ConfigOption<?>> out = new ArrayList<>();
    for (Field f : PinnacleOptions.class.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == ConfigOption.class) {
        try {
          out.add((ConfigOption<?>) f.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return out;
  }
}
