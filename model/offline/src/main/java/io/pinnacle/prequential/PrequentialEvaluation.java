package io.pinnacle.prequential;

import ai.djl.Device;
import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.content.ContentMapper;
import io.pinnacle.tuning.ContentModels;
import io.pinnacle.feedback.FeedbackRules;
import io.pinnacle.feedback.Label;
import io.pinnacle.data.TemporalSplit;
import io.pinnacle.eval.IdIndex;
import io.pinnacle.prompt.PromoArtifact;
import io.pinnacle.report.RetentionReport;
import io.pinnacle.retention.RetentionStats;
import io.pinnacle.schema.InteractionEvent;
import io.pinnacle.targeting.TargetingEstimator;
import io.pinnacle.targeting.TargetingStats;
import io.pinnacle.targeting.TargetingTable;
import io.pinnacle.tuning.ArtifactModels.TuningRates;
import io.pinnacle.tuning.TuningEngine;
import io.pinnacle.tuning.ArtifactModels;
import io.pinnacle.tuning.ColdItemUpdater;
import io.pinnacle.tuning.ServedSource;
import io.pinnacle.tuning.ServingRule;
import io.pinnacle.tuning.ServingTable;
import io.pinnacle.tuning.UpdaterConfig;
import io.pinnacle.users.UserEncoder;
import io.pinnacle.users.UserTimeline;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Test-then-train over the stream after the temporal split. Every event of the data set is replayed in time order
 * (before T only the model-free rows and the shared counters learn); at each positive after T on a NEW or COLD item
 * (and on a sample of warm items, the control) every row is evaluated with its state at t, before the event is
 * applied:
 * <ul>
 *   <li>targeting: the item is ranked among one shared draw of candidates (items seen before t) by the liker and by
 *       each user of the item's next negatives who was active in the window before t; a pair is won when the
 *       liker ranks it higher (ties half). Any score that is a user part plus an item part gives exactly 0.5.</li>
 *   <li>placement: HR@10 and NDCG@10 of the positive against candidates the user had not touched.</li>
 * </ul>
 * User vectors come from {@link UserEncoder} on each user's history up to t, as in the job.
 */
public final class PrequentialEvaluation {
  /** Column names of the cells: group x bucket. */
  private static final String ALL = "all";

  private final TemporalSplit split;
  private final BaseModelArtifact base;
  private final PromoArtifact promo;
  private final UpdaterConfig updaterConfig;
  private final TuningRates rates;
  private final PrequentialConfig config;
  /** Share of warm items in the control (set by {@link #run}). */
  private double warmShare;

  public PrequentialEvaluation(TemporalSplit split, BaseModelArtifact base, PromoArtifact promo,
                               UpdaterConfig updaterConfig, TuningRates rates, PrequentialConfig config) {
    if (!split.hasStream()) {
      throw new IllegalArgumentException("the prequential evaluation needs events after the split; the base "
          + base.version() + " was trained on the whole data set (pretrain with --split)");
    }
    this.split = split;
    this.base = base;
    this.promo = promo;
    this.updaterConfig = updaterConfig;
    this.rates = rates;
    this.config = config;
  }

  /** The tables, their JSON, and the job's bounded targeting estimator computed on the same replay. */
  public record Result(String markdown, Map<String, Object> json, TargetingStats liveEstimator,
                       RetentionStats retention) {}

  private record Labelled(int user, int item, boolean positive, float value, long timeMs) {}

  /** The labelled events in time order with dense ids, and the index of the first one after T. */
  private record Stream(List<Labelled> events, int splitIndex, IdIndex users, IdIndex items) {}

  /**
   * What every row reads: each item's external id, group and base embedding, each user's id, frozen vector and
   * whether they are new after T, and the replay's shared state (current user vectors, co-liked windows).
   */
  private record Setup(long[] itemIds, ItemGroup[] group, long[] userIds, float[][] frozen, boolean[] newUser,
                       StreamState state, Map<Long, Integer> dense, Map<Long, float[]> content, boolean mapper,
                       UserTimeline timeline, double encodeSeconds) {}

  /** The rows of one evaluation and the ones the verdict reads by role. */
  private record RowSet(List<Row> rows, int reference, Row staticBase, Rows.ItemKnn knn, Rows.PromoStream promoRow,
                        List<Rows.PromoStream> servable, Row noInformation, Row normOnly, Row popularity,
                        TargetingStats live, RetentionStats retention) {}

  /** What the replay measured: targeting pairs, placement and whole-catalogue reach per cell, and the counters. */
  private record Measured(Map<String, PairedAuc> targeting, Map<String, double[]> placement,
                          Map<String, PairedAuc> reach, List<Row> reachRows, Counters counters) {}

  /** The K of the whole-catalogue reach: whether a liked NEW or COLD item was in the liker's top K at that moment. */
  static final int[] REACH_K = {10, 50};

  public Result run() {
    long t0 = System.nanoTime();
    Stream stream = labelledEvents();
    try (ArtifactModels models = new ArtifactModels(base, promo, updaterConfig, rates, Device.cpu(), TuningEngine.AUTO);
         UserEncoder encoder = new UserEncoder(base)) {
      Setup setup = setup(stream, models, encoder);
      RowSet rows = rows(setup, models);
      Measured measured = replay(stream, setup, rows);
      return report(stream, setup, rows, measured, t0);
    }
  }

  private Stream labelledEvents() {
    FeedbackRules rules = split.dataset().rules();
    IdIndex users = new IdIndex(0);
    IdIndex items = new IdIndex(1);
    List<Labelled> events = new ArrayList<>();
    int splitIndex = -1;
    for (InteractionEvent e : split.dataset().events()) {
      Label l = rules.label(e);
      if (l == Label.IGNORED) {
        continue;
      }
      if (splitIndex < 0 && e.getEventTimeMs() > split.splitTimeMs()) {
        splitIndex = events.size();
      }
      boolean pos = l == Label.POSITIVE;
      events.add(new Labelled(users.add(e.getUserId()), items.add(e.getItemId()), pos,
          pos ? (float) rules.pinnacleValue(e) : 0f, e.getEventTimeMs()));
    }
    return new Stream(events, splitIndex, users, items);
  }

  private Setup setup(Stream stream, ArtifactModels models, UserEncoder encoder) {
    List<Labelled> events = stream.events();
    int splitIndex = stream.splitIndex();
    int nu = stream.users().size();
    int ni = stream.items().size() + 1;
    IdIndex items = stream.items();
    IdIndex users = stream.users();
    long[] itemIds = new long[ni];
    ItemGroup[] group = new ItemGroup[ni];
    float[][] baseEmb = new float[ni][];
    float[] zero = new float[base.dim()];
    boolean[] seenBefore = new boolean[ni];
    boolean[] userBefore = new boolean[nu];
    for (int k = 0; k < splitIndex; k++) {
      seenBefore[events.get(k).item()] = true;
      userBefore[events.get(k).user()] = true;
    }
    for (int i = 1; i < ni; i++) {
      itemIds[i] = items.external(i);
      float[] b = base.itemEmbedding(itemIds[i]);
      baseEmb[i] = b != null ? b : zero;
      group[i] = models.basePositives(itemIds[i]) >= updaterConfig.coldThreshold() ? ItemGroup.WARM
          : seenBefore[i] ? ItemGroup.COLD : ItemGroup.NEW;
    }
    // The warm control: the configured share of warm items, or enough of them for an interval over items.
    int warmItems = 0;
    for (int i = 1; i < ni; i++) {
      warmItems += group[i] == ItemGroup.WARM ? 1 : 0;
    }
    warmShare = Math.max(config.warmShare(),
        Math.min(1.0, PrequentialConfig.MIN_WARM_ITEMS / (double) Math.max(1, warmItems)));
    long[] userIds = users.externalIds();
    float[][] frozen = new float[nu][];
    boolean[] newUser = new boolean[nu];
    List<List<Long>> after = new ArrayList<>(nu);
    for (int u = 0; u < nu; u++) {
      frozen[u] = base.userVector(userIds[u]);
      newUser[u] = !userBefore[u];
      after.add(new ArrayList<>());
    }
    for (int k = splitIndex; k < events.size(); k++) {
      Labelled e = events.get(k);
      if (e.positive()) {
        after.get(e.user()).add(itemIds[e.item()]);
      }
    }
    List<long[]> positivesAfter = new ArrayList<>(nu);
    for (List<Long> l : after) {
      positivesAfter.add(l.stream().mapToLong(Long::longValue).toArray());
    }
    System.out.printf(Locale.ROOT, "prequential: %,d labelled events, %,d after T; encoding user histories%n",
        events.size(), events.size() - splitIndex);
    long tEnc = System.nanoTime();
    UserTimeline timeline = new UserTimeline(encoder, base, userIds, positivesAfter);
    double encodeSeconds = (System.nanoTime() - tEnc) / 1e9;
    StreamState state = new StreamState(itemIds, group, baseEmb, userIds, frozen, newUser, timeline,
        config.knnWindow());
    Map<Long, Integer> dense = new HashMap<>();
    for (int i = 1; i < ni; i++) {
      dense.put(itemIds[i], i);
    }
    // PROMO-stream as the job runs it: NEW items start from their catalog features through the base's content
    // mapper when both exist (the catalog describes an item before its first event, so from the stream's start).
    Map<Long, float[]> content = split.dataset().itemFeatures() == null ? Map.of() : split.dataset().itemFeatures();
    boolean mapper = !content.isEmpty() && ContentMapper.of(base) != null;
    if (!content.isEmpty() && !mapper) {
      System.out.println("prequential: the base has no content mapper (pretrained without content features, or "
          + "by an older build): PROMO-stream starts NEW items at zero");
    }
    return new Setup(itemIds, group, userIds, frozen, newUser, state, dense, content, mapper, timeline,
        encodeSeconds);
  }

  private RowSet rows(Setup setup, ArtifactModels models) {
    StreamState state = setup.state();
    Map<Long, Integer> dense = setup.dense();
    Map<Long, float[]> content = setup.content();
    boolean mapper = setup.mapper();
    long[] itemIds = setup.itemIds();
    ItemGroup[] group = setup.group();
    int ni = itemIds.length;
    List<Row> rows = new ArrayList<>();
    Row staticBase = new Rows.Embeddings("Static base", state, false);
    rows.add(staticBase);
    Rows.ItemKnn knn = new Rows.ItemKnn(state);
    rows.add(knn);
    rows.add(new Rows.MeanOfUsers(state));
    rows.add(new Rows.CoLiked(state, false));
    rows.add(new Rows.CoLiked(state, true));
    rows.add(new Rows.OnlineSgd(state, config.sgdLearningRate(), promo.metadata().tau()));
    String startNote = mapper ? ", no content features" : "";
    Rows.PromoStream frozenRow = new Rows.PromoStream("PROMO-stream, frozen user vectors", state,
        new ColdItemUpdater(updaterConfig, models), config.tuneBatch(), true, dense);
    rows.add(frozenRow);
    TargetingStats live = new TargetingStats();
    RetentionStats retention = new RetentionStats();
    Rows.PromoStream promoRow = new Rows.PromoStream("PROMO-stream", state,
        new ColdItemUpdater(updaterConfig, models), config.tuneBatch(), false, dense, live, retention);
    rows.add(promoRow);
    int reference = rows.size() - 1; // PROMO-stream
    // What the serving rule adds: PROMO-stream from the plain starting embedding (the rule's anchor alone is the
    // servable row of that source, below).
    List<Rows.PromoStream> described = new ArrayList<>(List.of(frozenRow, promoRow));
    if (updaterConfig.serving().coLiked()) {
      described.add(new Rows.PromoStream("PROMO-stream without the co-liked anchor", state,
          new ColdItemUpdater(updaterConfig.withServing(ServingRule.PROMO_ONLY), models), config.tuneBatch(),
          false, dense));
    }
    rows.addAll(described.subList(2, described.size()));
    // Every source the serving table can choose, each served alone by the job's updater: the served row is fitted
    // among these (on a validation replay) and must not lose to any of them.
    List<Rows.PromoStream> servable = new ArrayList<>();
    for (ServedSource src : ServedSource.values()) {
      servable.add(new Rows.PromoStream(servableName(src), state, new ColdItemUpdater(updaterConfig.withServing(
          updaterConfig.serving().withTable(ServingTable.uniform(src))), models), config.tuneBatch(), false, dense));
    }
    described.addAll(servable);
    rows.addAll(servable);
    if (config.servableOnly()) {
      // The serving fit's candidates beyond one source everywhere: one source for NEW items and another for COLD.
      Map<ServedSource, Rows.PromoStream> bySource = new EnumMap<>(ServedSource.class);
      for (ServedSource src : ServedSource.values()) {
        bySource.put(src, servable.get(src.ordinal()));
      }
      for (ServedSource n : ServedSource.values()) {
        for (ServedSource c : ServedSource.values()) {
          if (n != c) {
            rows.add(new Rows.TableOfServable(pairName(n, c), bySource, ServingTable.pair(n, c)));
          }
        }
      }
    }
    rows.add(new Rows.Borda("Hybrid: PROMO-stream + item-kNN (Borda count)", promoRow, knn));
    if (!content.isEmpty()) {
      // What each content path adds for items without feedback, against PROMO-stream without any.
      rows.add(new Rows.PromoStream("PROMO-stream" + startNote, state,
          new ColdItemUpdater(updaterConfig, models), config.tuneBatch(), false, dense));
      rows.add(new Rows.PromoStream("PROMO-stream, pseudo-pinnacle by content (Eq. 5)" + startNote, state,
          new ColdItemUpdater(updaterConfig, new ContentModels(models, content)), config.tuneBatch(), false,
          dense));
    }
    if (mapper) {
      Rows.Embeddings mappedBase = new Rows.Embeddings("Static base, content-mapper start for NEW items", state,
          false);
      rows.add(mappedBase);
      for (int i = 1; i < ni; i++) {
        float[] x = content.get(itemIds[i]);
        if (group[i] == ItemGroup.NEW && x != null) {
          int[] ids = ContentMapper.featureIds(x);
          float[] start = models.contentStart(ids);
          if (start != null) {
            mappedBase.table[i] = start;
          }
          for (Rows.PromoStream row : described) {
            row.describe(itemIds[i], ids);
          }
        }
      }
      for (Rows.PromoStream row : described) {
        row.sync();
      }
    }
    Row noInformation = Rows.zeroVector(state);
    rows.add(noInformation);
    rows.add(Rows.itemAge());
    rows.add(Rows.userPositiveRate());
    rows.add(Rows.timing());
    rows.add(Rows.fewestPositives());
    Row normOnly = new Rows.MeanUserDirection(state, promoRow);
    rows.add(normOnly);
    Row popularity = Rows.mostPositives();
    rows.add(popularity);
    if (config.servableOnly()) {
      rows.removeIf(r -> !servable.contains(r) && !(r instanceof Rows.TableOfServable) && r != promoRow
          && r != noInformation && r != staticBase);
    }
    if (config.promoOnly()) {
      // Hyper-parameter selection: PROMO-stream, and the static base and the no-information row to read it by.
      rows.removeIf(r -> r != promoRow && r != noInformation && r != staticBase);
      reference = rows.indexOf(promoRow);
    }

    return new RowSet(rows, reference, staticBase, knn, promoRow, servable, noInformation, normOnly, popularity, live,
        retention);
  }

  private Measured replay(Stream stream, Setup setup, RowSet rowSet) {
    List<Labelled> events = stream.events();
    int splitIndex = stream.splitIndex();
    ItemGroup[] group = setup.group();
    long[] itemIds = setup.itemIds();
    long[] userIds = setup.userIds();
    boolean[] newUser = setup.newUser();
    float[][] frozen = setup.frozen();
    StreamState state = setup.state();
    List<Row> rows = rowSet.rows();
    int[][] rejecters = rejecters(events, splitIndex, group, stream.users().size());
    Map<String, PairedAuc> targeting = new LinkedHashMap<>();
    Map<String, double[]> placement = new LinkedHashMap<>();
    Map<String, PairedAuc> reach = new LinkedHashMap<>();
    // The served row first (the reference of the reach's differences), then what it must beat: the static base,
    // item-kNN, the row that knows nothing of taste and every source the serving table could serve alone.
    List<Row> reachRows = new ArrayList<>();
    List<Row> candidates = new ArrayList<>(List.of(rowSet.promoRow(), rowSet.staticBase(), rowSet.knn(),
        rowSet.popularity()));
    candidates.addAll(rowSet.servable());
    for (Row r : candidates) {
      if (rows.contains(r)) {
        reachRows.add(r);
      }
    }
    Counters counters = new Counters();
    int nr = rows.size();
    long lastReport = System.nanoTime();
    for (int k = 0; k < events.size(); k++) {
      Labelled e = events.get(k);
      boolean afterSplit = k >= splitIndex;
      if (afterSplit && e.positive() && evaluated(group[e.item()], itemIds[e.item()])) {
        for (Row r : rows) {
          r.sync();
        }
        evaluate(k, e, rejecters[k], state, rows, targeting, placement, counters);
        if (group[e.item()] != ItemGroup.WARM && reachRows.contains(rowSet.promoRow())) {
          reach(e, state, reachRows, reach);
        }
      }
      float[] userVector = afterSplit ? state.current(e.user()) : null;
      if (afterSplit && group[e.item()] != ItemGroup.WARM) {
        counters.tunableEvents++;
        counters.tunableEventsNewUser += newUser[e.user()] ? 1 : 0;
        counters.tunableEventsNoVector += userVector == null ? 1 : 0;
        counters.tunableEventsNoFrozenVector += frozen[e.user()] == null ? 1 : 0;
      }
      Row.Event ev = new Row.Event(e.user(), userIds[e.user()], e.item(), itemIds[e.item()], e.positive(),
          e.value(), e.timeMs(), userVector, afterSplit ? state.currentCoLiked(e.user()) : null, afterSplit);
      for (Row r : rows) {
        r.observe(state, ev);
      }
      state.apply(e.user(), e.item(), e.positive(), e.timeMs(), afterSplit);
      if (System.nanoTime() - lastReport > 15_000_000_000L) {
        System.out.printf(Locale.ROOT, "  prequential replay: %,d of %,d events%n", k + 1, events.size());
        lastReport = System.nanoTime();
      }
    }
    return new Measured(targeting, placement, reach, reachRows, counters);
  }

  /**
   * Whole-catalogue reach of one positive on a NEW or COLD item: per row, whether the item was among the liker's
   * top K of every item seen so far that the liker had not touched, by the row's scores at that moment.
   */
  private static void reach(Labelled e, StreamState s, List<Row> reachRows, Map<String, PairedAuc> reach) {
    int item = e.item();
    int user = e.user();
    int n = reachRows.size();
    double[] rank = new double[n];
    for (int r = 0; r < n; r++) {
      Row row = reachRows.get(r);
      float target = row.score(s, user, item);
      double above = 0;
      for (int c = 1; c <= s.itemsSeen; c++) {
        if (c == item || s.touched[user].get(c)) {
          continue;
        }
        float v = row.score(s, user, c);
        above += v > target ? 1 : v == target ? 0.5 : 0;
      }
      rank[r] = above;
    }
    String g = s.group[item].name();
    String bucket = Buckets.LABELS[Buckets.of(s.positives[item])];
    for (int k : REACH_K) {
      double[] hit = new double[n];
      for (int r = 0; r < n; r++) {
        hit[r] = rank[r] < k ? 1 : 0;
      }
      reach.computeIfAbsent(g + "|" + k + "|" + ALL, x -> new PairedAuc(n)).add(item, hit);
      reach.computeIfAbsent(g + "|" + k + "|" + bucket, x -> new PairedAuc(n)).add(item, hit);
    }
  }

  private Result report(Stream stream, Setup setup, RowSet rowSet, Measured measured, long t0) {
    List<Row> rows = rowSet.rows();
    int reference = rowSet.reference();
    Row promoRow = rowSet.promoRow();
    Row staticBase = rowSet.staticBase();
    Row noInformation = rowSet.noInformation();
    Row normOnly = rowSet.normOnly();
    Row knn = rowSet.knn();
    List<Rows.PromoStream> servable = rowSet.servable();
    TargetingStats live = rowSet.live();
    RetentionStats retention = rowSet.retention();
    Map<String, PairedAuc> targeting = measured.targeting();
    Map<String, double[]> placement = measured.placement();
    Counters counters = measured.counters();
    ItemGroup[] group = setup.group();
    boolean[] newUser = setup.newUser();
    int ni = setup.itemIds().length;
    int nu = stream.users().size();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("dataset", split.dataset().name());
    json.put("splitTimeMs", split.splitTimeMs());
    json.put("baseModelVersion", base.version());
    json.put("promoVersion", promo.metadata().version());
    json.put("config", config);
    json.put("warmControlShare", warmShare);
    json.put("rows", rows.stream().map(r -> r.name).toList());
    json.put("reference", rows.get(reference).name);
    json.put("servingTable", updaterConfig.serving().table().toString());
    // What each row is, for the verdict: the served row, the static base, a baseline it must beat, a variant of
    // PROMO-stream, the row that knows nothing of taste, or a diagnostic.
    Map<String, String> roles = new LinkedHashMap<>();
    for (Row r : rows) {
      roles.put(r.name, r == promoRow ? PrequentialVerdict.REFERENCE : r == staticBase ? PrequentialVerdict.STATIC_BASE
          : r == noInformation ? PrequentialVerdict.NO_INFORMATION
          : r == normOnly ? PrequentialVerdict.NORM_ONLY
          : r.name.startsWith("Diagnostic") || r instanceof Rows.TableOfServable ? PrequentialVerdict.DIAGNOSTIC
          : servable.contains(r) ? PrequentialVerdict.SERVABLE
          : r instanceof Rows.PromoStream || r instanceof Rows.Borda || r.name.startsWith("Static base")
              ? PrequentialVerdict.VARIANT : PrequentialVerdict.BASELINE);
    }
    json.put("roles", roles);
    int[] groupCounts = new int[ItemGroup.values().length];
    for (int i = 1; i < ni; i++) {
      groupCounts[group[i].ordinal()]++;
    }
    json.put("items", Map.of("NEW", groupCounts[0], "COLD", groupCounts[1], "WARM", groupCounts[2]));
    int newUsers = 0;
    for (boolean b : newUser) {
      newUsers += b ? 1 : 0;
    }
    json.put("usersNewAfterSplit", newUsers);
    json.put("users", nu);
    json.put("userHistoriesEncoded", setup.timeline().encoded());
    json.put("encodeSeconds", setup.encodeSeconds());
    json.put("promoUpdates", rowSet.promoRow().updates());
    json.put("counters", counters);
    Map<String, Object> tJson = new LinkedHashMap<>();
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT, "%s, %s; base %s, PROMO %s%n", split.dataset().name(), split.describe(),
        base.version(), promo.metadata().version()));
    md.append(String.format(Locale.ROOT, "items: NEW %d, COLD %d, WARM %d (control: %.0f%% of warm items); users "
            + "first seen after T: %d of %d%n", groupCounts[0], groupCounts[1], groupCounts[2],
        100 * warmShare, newUsers, nu));
    md.append(String.format(Locale.ROOT, "events after T on NEW/COLD items: %,d, by users new after T %.1f%%, "
            + "without a current vector %.1f%%, without a frozen vector %.1f%%; pairs with a user new after T "
            + "%.1f%% of %,d%n", counters.tunableEvents, pct(counters.tunableEventsNewUser, counters.tunableEvents),
        pct(counters.tunableEventsNoVector, counters.tunableEvents),
        pct(counters.tunableEventsNoFrozenVector, counters.tunableEvents),
        pct(counters.pairsWithNewUser, counters.pairs), counters.pairs));
    // The base against the co-occurrence baseline: whether the frozen base is worth building on.
    int baseRow = rows.indexOf(staticBase);
    int knnRow = rows.indexOf(knn);
    Map<String, Object> baseMinusKnn = new LinkedHashMap<>();
    for (Map.Entry<String, PairedAuc> c : targeting.entrySet()) {
      PairedAuc.Summary s = c.getValue().summarize(reference, config.bootstrap(), config.seed());
      tJson.put(c.getKey(), summaryJson(s, rows));
      if (baseRow >= 0 && knnRow >= 0 && c.getKey().endsWith("|all")) {
        baseMinusKnn.put(c.getKey(), c.getValue().difference(baseRow, knnRow, config.bootstrap(), config.seed()));
      }
    }
    json.put("staticBaseMinusItemKnn", baseMinusKnn);
    json.put("targeting", tJson);
    Map<String, Object> pJson = new LinkedHashMap<>();
    placement.forEach((key, acc) -> pJson.put(key, placementJson(acc, rows)));
    json.put("placement", pJson);
    md.append(Report.targeting(tJson, rows.stream().filter(r -> r.targeting).map(r -> r.name).toList(),
        rows.get(reference).name));
    md.append(Report.placement(pJson, rows.stream().map(r -> r.name).toList()));
    md.append(Report.baseMinusKnn(baseMinusKnn));
    Map<String, Object> rJson = new LinkedHashMap<>();
    StringBuilder reachMd = new StringBuilder();
    List<Row> reachRows = measured.reachRows();
    if (!measured.reach().isEmpty()) {
      reachMd.append(String.format(Locale.ROOT, "%nWhole-catalogue reach: for each positive on a NEW or COLD item "
          + "after T, whether the item was in the liker's top K of every item seen so far that the liker had not "
          + "touched, by each row's scores at that moment (share of positives; 95%% bootstrap intervals over items, "
          + "served minus row):%n%n| cell | positives (items) | %s |%n|---|---|%s%n",
          String.join(" | ", reachRows.stream().map(r -> r == promoRow ? "served (" + r.name + ")" : r.name).toList()),
          "---|".repeat(reachRows.size())));
    }
    List<Map.Entry<String, PairedAuc>> cells = new ArrayList<>(measured.reach().entrySet());
    // NEW before COLD, K ascending, all buckets first and then in bucket order.
    cells.sort(java.util.Comparator.comparing((Map.Entry<String, PairedAuc> c) -> c.getKey().split("\\|")[0],
            java.util.Comparator.reverseOrder())
        .thenComparingInt(c -> Integer.parseInt(c.getKey().split("\\|")[1]))
        .thenComparingInt(c -> bucketOrder(c.getKey().split("\\|")[2])));
    for (Map.Entry<String, PairedAuc> c : cells) {
      PairedAuc.Summary s = c.getValue().summarize(0, config.bootstrap(), config.seed());
      Map<String, Object> cell = new LinkedHashMap<>();
      cell.put("positives", s.pairs());
      cell.put("items", s.items());
      List<String> shown = new ArrayList<>();
      for (int r = 0; r < reachRows.size(); r++) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("hitRate", s.auc().get(r));
        if (r > 0) {
          x.put("servedMinus", s.referenceMinus().get(r));
        }
        cell.put(reachRows.get(r).name, x);
        PairedAuc.Estimate v = s.auc().get(r);
        PairedAuc.Estimate d = s.referenceMinus().get(r);
        shown.add(r == 0 ? String.format(Locale.ROOT, "%.3f", v.value())
            : String.format(Locale.ROOT, "%.3f (%+.3f [%+.3f, %+.3f])", v.value(), d.value(), d.lo(), d.hi()));
      }
      rJson.put(c.getKey(), cell);
      String[] key = c.getKey().split("\\|");
      reachMd.append(String.format(Locale.ROOT, "| %s, K=%s, %s | %d (%d) | %s |%n", key[0], key[1], key[2],
          s.pairs(), s.items(), String.join(" | ", shown)));
    }
    json.put("reach", rJson);
    md.append(reachMd);
    json.put("liveEstimator", live.toMap());
    md.append(String.format(Locale.ROOT, "%nThe job's bounded targeting estimator on this replay (PROMO-stream; the "
        + "last %d positives per item, %d negatives each, base items as candidates), AUC (pairs):%n%n",
        updaterConfig.targetingProbes(), TargetingEstimator.Config.DEFAULTS.negativesPerProbe()));
    md.append(TargetingTable.of(Map.of("offline twin", live)));
    json.put("seconds", (System.nanoTime() - t0) / 1e9);
    json.put("retention", retention.toMap());
    md.append(String.format(Locale.ROOT, "%nPinnacle memory retention on this replay (PROMO-stream, the job's "
        + "tracker settings: sample rate %.2f, at most %d pairs per item):%n%n", updaterConfig.retentionSampleRate(),
        updaterConfig.retentionMaxPerItem()));
    md.append(RetentionReport.markdown(Map.of("offline twin", retention)));
    return new Result(md.toString(), json, live, retention);
  }

  private static int bucketOrder(String label) {
    return ALL.equals(label) ? -1 : Arrays.asList(Buckets.LABELS).indexOf(label);
  }

  /** The row that serves every NEW and COLD item from one source (the serving table's candidates). */
  public static String servableName(ServedSource src) {
    return "Servable: " + switch (src) {
      case START -> "start alone (base, content start or zero)";
      case ANCHOR -> "anchor alone (co-liked, centered)";
      case CO_LIKED -> "co-liked blend (item-kNN in the embedding space)";
      case CO_LIKED_SCALED -> "co-liked blend at the start's norm";
      case USERS -> "mean of the likers' vectors";
      case USERS_SCALED -> "likers' direction at the item norm";
      case PROMO -> "PROMO's change on the anchor";
      case POSTERIOR -> "per-item posterior (likers against rejecters around the anchor)";
    };
  }

  /**
   * The table that serves NEW items from one source and COLD items from another (measured only in the serving fit's
   * replay, {@link PrequentialConfig#servableOnly}); the same source for both is {@link #servableName}.
   */
  public static String pairName(ServedSource newItems, ServedSource coldItems) {
    return newItems == coldItems ? servableName(newItems)
        : "Serving pair: NEW " + newItems.label() + ", COLD " + coldItems.label();
  }

  /** Counts that say how much of the stream the user vectors reach. */
  public static final class Counters {
    public long tunableEvents;
    public long tunableEventsNewUser;
    public long tunableEventsNoVector;
    public long tunableEventsNoFrozenVector;
    public long evaluatedPositives;
    public long pairs;
    public long pairsWithNewUser;
  }

  private static double pct(long part, long whole) {
    return whole == 0 ? 0 : 100.0 * part / whole;
  }

  private boolean evaluated(ItemGroup g, long itemId) {
    if (g != ItemGroup.WARM) {
      return true;
    }
    long h = itemId * 0x9E3779B97F4A7C15L + config.seed();
    return Math.floorMod(h ^ (h >>> 29), 1000) < warmShare * 1000;
  }

  /**
   * For each positive after T, the users of the item's next negatives (other than the liker, each once) who had an
   * event in the activity window before the positive; at most {@code config.rejecters()}.
   */
  private int[][] rejecters(List<Labelled> events, int splitIndex, ItemGroup[] group, int nu) {
    Map<Integer, List<Integer>> byItem = new HashMap<>();
    List<List<Long>> times = new ArrayList<>(nu);
    for (int u = 0; u < nu; u++) {
      times.add(new ArrayList<>());
    }
    for (int k = 0; k < events.size(); k++) {
      Labelled e = events.get(k);
      times.get(e.user()).add(e.timeMs());
      if (k >= splitIndex) {
        byItem.computeIfAbsent(e.item(), x -> new ArrayList<>()).add(k);
      }
    }
    long[][] userTimes = new long[nu][];
    for (int u = 0; u < nu; u++) {
      userTimes[u] = times.get(u).stream().mapToLong(Long::longValue).toArray();
    }
    int[][] out = new int[events.size()][];
    for (List<Integer> list : byItem.values()) {
      for (int p = 0; p < list.size(); p++) {
        Labelled e = events.get(list.get(p));
        if (!e.positive()) {
          continue;
        }
        List<Integer> r = new ArrayList<>();
        for (int q = p + 1; q < list.size() && r.size() < config.rejecters(); q++) {
          Labelled n = events.get(list.get(q));
          if (n.positive() || n.user() == e.user() || r.contains(n.user())) {
            continue;
          }
          if (activeBefore(userTimes[n.user()], e.timeMs())) {
            r.add(n.user());
          }
        }
        out[list.get(p)] = r.stream().mapToInt(Integer::intValue).toArray();
      }
    }
    return out;
  }

  private boolean activeBefore(long[] times, long t) {
    int at = Arrays.binarySearch(times, t);
    int idx = at >= 0 ? at : -at - 1;
    while (idx > 0 && times[idx - 1] >= t) {
      idx--;
    }
    return idx > 0 && times[idx - 1] >= t - config.activeWindowMs();
  }

  private void evaluate(int k, Labelled e, int[] rejecters, StreamState s, List<Row> rows,
                        Map<String, PairedAuc> targeting, Map<String, double[]> placement, Counters counters) {
    int item = e.item();
    ItemGroup g = s.group[item];
    int bucket = Buckets.of(s.positives[item]);
    counters.evaluatedPositives++;
    SplittableRandom rnd = new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + k);
    int nr = rows.size();
    if (rejecters.length > 0) {
      int[] cand = draw(rnd, s.itemsSeen, item, null, config.candidates());
      double[][] rank = new double[nr][];
      for (int r = 0; r < nr; r++) {
        rank[r] = new double[rejecters.length + 1];
        rank[r][0] = rank(rows.get(r), s, e.user(), item, cand);
        for (int j = 0; j < rejecters.length; j++) {
          rank[r][j + 1] = rank(rows.get(r), s, rejecters[j], item, cand);
        }
      }
      for (int j = 0; j < rejecters.length; j++) {
        double[] won = new double[nr];
        for (int r = 0; r < nr; r++) {
          double a = rank[r][0];
          double b = rank[r][j + 1];
          won[r] = a < b ? 1 : a == b ? 0.5 : 0;
        }
        boolean newInPair = s.newUser[e.user()] || s.newUser[rejecters[j]];
        counters.pairs++;
        counters.pairsWithNewUser += newInPair ? 1 : 0;
        targeting.computeIfAbsent(g + "|" + Buckets.LABELS[bucket], x -> new PairedAuc(nr)).add(item, won);
        targeting.computeIfAbsent(g + "|" + ALL, x -> new PairedAuc(nr)).add(item, won);
        if (g != ItemGroup.WARM && newInPair) {
          targeting.computeIfAbsent(g + " (pairs with a user new after T)|" + ALL, x -> new PairedAuc(nr))
              .add(item, won);
        }
      }
    }
    int[] cand = draw(rnd, s.itemsSeen, item, s.touched[e.user()], config.candidates());
    for (String key : new String[] {g + "|" + Buckets.LABELS[bucket], g + "|" + ALL}) {
      double[] acc = placement.computeIfAbsent(key, x -> new double[2 * nr + 1]);
      for (int r = 0; r < nr; r++) {
        double rk = rank(rows.get(r), s, e.user(), item, cand);
        if (rk < 10) {
          acc[2 * r]++;
          acc[2 * r + 1] += 1 / (Math.log(rk + 2) / Math.log(2));
        }
      }
      acc[2 * nr]++;
    }
  }

  /** Rank of {@code item} among the candidates in the row's scores for the user (0 = first; ties count half). */
  private static double rank(Row row, StreamState s, int user, int item, int[] cand) {
    if (row instanceof Rows.Borda b) {
      return bordaRank(b, s, user, item, cand);
    }
    float target = row.score(s, user, item);
    double rank = 0;
    for (int c : cand) {
      float v = row.score(s, user, c);
      if (v > target) {
        rank++;
      } else if (v == target) {
        rank += 0.5;
      }
    }
    return rank;
  }

  /** The item's rank under the Borda fusion of two rows over the candidates and the item itself. */
  private static double bordaRank(Rows.Borda b, StreamState s, int user, int item, int[] cand) {
    int[] all = java.util.Arrays.copyOf(cand, cand.length + 1);
    all[cand.length] = item;
    double[] fused = new double[all.length];
    for (Row r : new Row[] {b.first, b.second}) {
      float[] v = new float[all.length];
      for (int j = 0; j < all.length; j++) {
        v[j] = r.score(s, user, all[j]);
      }
      for (int j = 0; j < all.length; j++) {
        double rank = 0;
        for (int k = 0; k < all.length; k++) {
          rank += v[k] > v[j] ? 1 : v[k] == v[j] && k != j ? 0.5 : 0;
        }
        fused[j] -= rank;
      }
    }
    double rank = 0;
    double target = fused[cand.length];
    for (int j = 0; j < cand.length; j++) {
      rank += fused[j] > target ? 1 : fused[j] == target ? 0.5 : 0;
    }
    return rank;
  }

  /** Up to {@code n} distinct items from 1..seen, never {@code item} nor one in {@code exclude}. */
  private static int[] draw(SplittableRandom rnd, int seen, int item, java.util.BitSet exclude, int n) {
    int[] out = new int[n];
    java.util.BitSet taken = new java.util.BitSet(seen + 1);
    int got = 0;
    for (int tries = 0; got < n && tries < 50 * n; tries++) {
      int c = 1 + rnd.nextInt(seen);
      if (c == item || taken.get(c) || (exclude != null && exclude.get(c))) {
        continue;
      }
      taken.set(c);
      out[got++] = c;
    }
    return Arrays.copyOf(out, got);
  }

  private static Map<String, Object> summaryJson(PairedAuc.Summary s, List<Row> rows) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("items", s.items());
    out.put("pairs", s.pairs());
    Map<String, Object> byRow = new LinkedHashMap<>();
    for (int r = 0; r < rows.size(); r++) {
      if (!rows.get(r).targeting) {
        continue;
      }
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("auc", s.auc().get(r));
      x.put("referenceMinusThis", s.referenceMinus().get(r));
      byRow.put(rows.get(r).name, x);
    }
    out.put("rows", byRow);
    return out;
  }

  private static Map<String, Object> placementJson(double[] acc, List<Row> rows) {
    int nr = rows.size();
    Map<String, Object> out = new LinkedHashMap<>();
    double n = acc[2 * nr];
    out.put("positives", (long) n);
    Map<String, Object> byRow = new LinkedHashMap<>();
    for (int r = 0; r < nr; r++) {
      byRow.put(rows.get(r).name, Map.of("hr10", acc[2 * r] / n, "ndcg10", acc[2 * r + 1] / n));
    }
    out.put("rows", byRow);
    return out;
  }
}
