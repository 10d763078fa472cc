package io.pinnacle.runner.state;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.cli.DataOptions;
import io.pinnacle.cli.PinnacleCli;
import io.pinnacle.content.ContentMapper;
import io.pinnacle.data.Dataset;
import io.pinnacle.feedback.FeedbackRules;
import io.pinnacle.feedback.Label;
import io.pinnacle.data.TemporalSplit;
import io.pinnacle.job.config.JobConfiguration;
import io.pinnacle.job.ingest.Interaction;
import io.pinnacle.job.state.ItemStateCodec;
import io.pinnacle.job.users.UserStateCodec;
import io.pinnacle.prompt.PromoArtifact;
import io.pinnacle.report.Table;
import io.pinnacle.schema.InteractionEvent;
import io.pinnacle.schema.Phase;
import io.pinnacle.schema.state.UserStateRecord;
import io.pinnacle.tuning.ArtifactModels;
import io.pinnacle.tuning.ArtifactModels.TuningRates;
import io.pinnacle.tuning.ColdItemReplay;
import io.pinnacle.tuning.ColdItemUpdater;
import io.pinnacle.tuning.ItemState;
import io.pinnacle.tuning.TuningEngine;
import io.pinnacle.tuning.UpdaterConfig;
import io.pinnacle.users.RecentItems;
import io.pinnacle.users.UserEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The job's keyed state measured at its defaults: the stream after the base's split replayed through the item
 * stage's update code ({@link ColdItemReplay}, with every event's user vector and a positive's co-liked vector, the
 * catalog's features and the de-duplication ring, as the job keeps them), every item state then encoded by the job's
 * {@link ItemStateCodec} and every user's history by its {@link UserStateCodec}; bytes per cold item, per graduated
 * item and per user (mean, p50, p99, max), then those sizes times the counts of a large catalogue.
 */
@Command(name = "pinnacle state-size", mixinStandardHelpOptions = true,
    description = "Bytes of keyed state per cold item, graduated item and user at the job's defaults, measured on a "
        + "replay, and projected to a large catalogue.")
public final class StateSizes implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  /** RocksDB's key per entry: key-group prefix, the serialized key and the namespace (measured keys are 8-byte ids). */
  private static final int KEY_BYTES = 2 + 8 + 1;

  @Mixin DataOptions data;

  @Option(names = "--artifact", required = true, description = "base model artifact (trained with a --split)")
  Path artifact;

  @Option(names = "--promo", required = true, description = "PROMO artifact of that base")
  Path promo;

  @Option(names = "--out", defaultValue = "target/results/state-size.json", description = "JSON (a .md beside it)")
  Path out;

  @Option(names = "--items", defaultValue = "10000000", description = "items of the projected catalogue")
  long items;

  @Option(names = "--users", defaultValue = "100000000", description = "users of the projected catalogue")
  long users;

  public static void main(String[] args) {
    System.exit(PinnacleCli.execute(new StateSizes(), args));
  }

  /** Sizes in bytes of one kind of state. */
  record Sizes(long count, double mean, long p50, long p99, long max) {
    static Sizes of(List<Integer> bytes) {
      if (bytes.isEmpty()) {
        return new Sizes(0, Double.NaN, 0, 0, 0);
      }
      int[] s = bytes.stream().mapToInt(Integer::intValue).sorted().toArray();
      double mean = Arrays.stream(s).average().orElse(Double.NaN);
      return new Sizes(s.length, mean, s[s.length / 2], s[(int) Math.min(s.length - 1, Math.floor(0.99 * s.length))],
          s[s.length - 1]);
    }
  }

  /** Heap bytes of one decoded cold item state, as the job's heap cache holds it (NaN without cold items). */
  private double heapPerColdItem = Double.NaN;

  /**
   * Heap taken by decoded cold states (the job keeps up to {@code pinnacle.state.cache-items} of them per subtask
   * between checkpoints): used heap after a GC with 20,000 decoded copies held, minus before, per copy.
   */
  private static double heapPerState(ItemStateCodec codec, List<byte[]> states) {
    if (states.isEmpty()) {
      return Double.NaN;
    }
    int n = 20_000;
    Runtime rt = Runtime.getRuntime();
    System.gc();
    long before = rt.totalMemory() - rt.freeMemory();
    List<Object> held = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      held.add(codec.decode(states.get(i % states.size())).state());
    }
    System.gc();
    long after = rt.totalMemory() - rt.freeMemory();
    double perState = (after - before) / (double) n;
    return held.size() == n ? perState : Double.NaN;
  }

  @Override
  public Integer call() throws Exception {
    BaseModelArtifact base = BaseModelArtifact.load(artifact);
    PromoArtifact p = PromoArtifact.load(promo);
    Dataset ds = data.load();
    TemporalSplit split = TemporalSplit.atOrWhole(ds, base.splitTimeMs());
    // The job's defaults, as a cluster without pinnacle.* settings would run it.
    UpdaterConfig uc = JobConfiguration.updaterConfig(JobConfiguration.of(Map.of()), p, promo);
    FeedbackRules rules = ds.rules();
    List<Integer> cold = new ArrayList<>();
    List<Integer> graduated = new ArrayList<>();
    List<Integer> userBytes = new ArrayList<>();
    Map<Long, long[]> histories = new HashMap<>();
    int historyLength = base.metadata().config().maxLen();
    try (ArtifactModels models = new ArtifactModels(base, p, uc, TuningRates.DEFAULTS, Device.cpu(),
        TuningEngine.AUTO)) {
      ColdItemUpdater updater = new ColdItemUpdater(uc, models);
      ColdItemReplay replay = new ColdItemReplay(updater, 256, null);
      Map<Long, float[]> features = ds.itemFeatures() == null ? Map.of() : ds.itemFeatures();
      long events = 0;
      for (InteractionEvent e : split.after()) {
        Label label = rules.label(e);
        if (label == Label.IGNORED) {
          continue;
        }
        boolean positive = label == Label.POSITIVE;
        long user = e.getUserId();
        long[] history = histories.computeIfAbsent(user, base::recentItems);
        if (positive) {
          histories.put(user, RecentItems.append(history, e.getItemId(), historyLength));
        }
        if (models.warm(e.getItemId())) {
          continue; // the job's item stage never sees a warm item
        }
        long item = e.getItemId();
        if (!replay.states().containsKey(item) && features.containsKey(item)) {
          replay.describe(item, ContentMapper.featureIds(features.get(item)));
        }
        updater.firstSeen(replay.state(item), Interaction.hash(e.getEventId()));
        float[] vector = base.userVector(user);
        replay.accept(new ColdItemUpdater.Observation(item, user, vector, label,
            positive ? (float) rules.pinnacleValue(e) : 0f, e.getEventTimeMs(), e.getEventTimeMs(),
            positive ? UserEncoder.coLiked(base, history) : null));
        events++;
      }
      replay.flush();
      ItemStateCodec codec = new ItemStateCodec();
      List<byte[]> coldStates = new ArrayList<>();
      for (ItemState s : replay.states().values()) {
        byte[] bytes = codec.encode(s, false);
        (s.phase == Phase.COLD ? cold : graduated).add(bytes.length + KEY_BYTES);
        if (s.phase == Phase.COLD) {
          coldStates.add(bytes);
        }
      }
      heapPerColdItem = heapPerState(codec, coldStates);
      UserStateCodec users = new UserStateCodec();
      for (Map.Entry<Long, long[]> h : histories.entrySet()) {
        UserStateRecord r = new UserStateRecord(Arrays.stream(h.getValue()).boxed().toList(), base.version(),
            System.currentTimeMillis(), true, 1_650_000_000_000L);
        userBytes.add(users.encode(r).length + KEY_BYTES);
      }
      System.out.printf(Locale.ROOT, "replayed %,d events after T of %s on %,d tunable items%n", events, ds.name(),
          replay.states().size());
    }
    Sizes c = Sizes.of(cold);
    Sizes g = Sizes.of(graduated);
    Sizes u = Sizes.of(userBytes);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("dataset", ds.name());
    json.put("baseModelVersion", base.version());
    json.put("updaterConfig", uc);
    json.put("keyBytes", KEY_BYTES);
    json.put("coldItem", c);
    json.put("graduatedItem", g);
    json.put("user", u);
    json.put("heapBytesPerCachedColdItem", heapPerColdItem);
    List<Map<String, Object>> projection = new ArrayList<>();
    Map<String, Sizes> kinds = new LinkedHashMap<>();
    kinds.put("cold item", c);
    kinds.put("graduated item", g);
    kinds.put("user", u);
    Table.Builder measured = new Table.Builder(String.format(Locale.ROOT, "Measured on the replay of the events "
        + "after T (bytes with the RocksDB key, %d B):", KEY_BYTES), List.of("state", "entries", "mean", "p50", "p99",
        "max"));
    kinds.forEach((kind, s) -> measured.row(kind, String.format(Locale.ROOT, "%,d", s.count()),
        String.format(Locale.ROOT, "%,.0f", s.mean()), String.format(Locale.ROOT, "%,d", s.p50()),
        String.format(Locale.ROOT, "%,d", s.p99()), String.format(Locale.ROOT, "%,d", s.max())));
    Table.Builder projected = new Table.Builder(String.format(Locale.ROOT, "Projected to %,d items and %,d users "
        + "(warm items keep no item state; every user keeps a history), with the measured p99 per entry:", items,
        users), List.of("cold share of the items", "item state", "user state", "total"));
    for (double share : new double[] {0.01, 0.1, 0.5, 1.0}) {
      double itemBytes = items * share * c.p99() + items * (1 - share) * g.p99();
      double userTotal = (double) users * u.p99();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("coldShare", share);
      row.put("itemStateBytes", itemBytes);
      row.put("userStateBytes", userTotal);
      projection.add(row);
      projected.row(String.format(Locale.ROOT, "%.0f%%", 100 * share), gb(itemBytes), gb(userTotal),
          gb(itemBytes + userTotal));
    }
    String md = String.format(Locale.ROOT, "# Keyed state at the job's defaults, %s%n%n%s%nA decoded cold item state "
        + "on the heap (the job's cache between checkpoints): about %,.0f bytes.%n%n%s", ds.name(),
        measured.build().markdown(), heapPerColdItem, projected.build().markdown());
    json.put("projection", projection);
    json.put("projectedItems", items);
    json.put("projectedUsers", users);
    Path j = out.toAbsolutePath();
    Files.createDirectories(j.getParent());
    JSON.writeValue(j.toFile(), json);
    Path m = j.resolveSibling(j.getFileName().toString().replaceFirst("\\.json$", "") + ".md");
    Files.writeString(m, md);
    System.out.print(md);
    System.out.println("written to " + j + " and " + m);
    return 0;
  }

  private static String gb(double bytes) {
    return String.format(Locale.ROOT, "%,.1f GB", bytes / 1e9);
  }
}
