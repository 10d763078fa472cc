package io.pinnacle.retrieval;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.ControlledRealTimeReopenThread;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * The served item embeddings in Lucene's HNSW graph (inner-product similarity) in memory, with each item's latest
 * update beside it. An update older than the one held (by {@code updateSeq}) is ignored, so the index does not depend
 * on the order the topic's partitions are read in; warm items from the base table hold sequence 0, so any update of
 * the job replaces them. A background thread reopens the searcher within {@code maxStaleMs} of a change.
 */
public final class ItemIndex implements Closeable {
  private static final String ID = "id";
  private static final String VECTOR = "vector";

  /** An item as served: its embedding, where it came from and when. */
  public record Item(long itemId, float[] embedding, String phase, long updateSeq, String baseVersion,
                     long lastUpdateMs, long generation) {}

  /** A search hit with its exact inner product. */
  public record Hit(Item item, float score) {}

  private final int dim;
  private final ByteBuffersDirectory directory = new ByteBuffersDirectory();
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private final ControlledRealTimeReopenThread<IndexSearcher> reopener;
  private final ConcurrentHashMap<Long, Item> items = new ConcurrentHashMap<>();

  /**
   * Candidates kept while inserting into the graph (Lucene's default is 100). Every update of the job is an insert,
   * and at 100 an insert cost about a millisecond on this machine beside a running job; see model/README.md for the
   * recall this keeps.
   */
  public static final int BEAM_WIDTH = 32;
  /** Graph candidates searched per result asked for. */
  public static final int CANDIDATES_PER_RESULT = 2;
  /** Neighbours per node (Lucene's default). */
  public static final int MAX_CONNECTIONS = 16;

  public ItemIndex(int dim, long maxStaleMs) {
    this(dim, maxStaleMs, BEAM_WIDTH);
  }

  public ItemIndex(int dim, long maxStaleMs, int beamWidth) {
    this.dim = dim;
    IndexWriterConfig config = new IndexWriterConfig();
    config.setCodec(new Lucene912Codec() {
      @Override
      public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
        return new Lucene99HnswVectorsFormat(MAX_CONNECTIONS, beamWidth);
      }
    });
    try {
      writer = new IndexWriter(directory, config);
      searchers = new SearcherManager(writer, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    reopener = new ControlledRealTimeReopenThread<>(writer, searchers, maxStaleMs / 1000.0, 0.001);
    reopener.setName("index-reopener");
    reopener.setDaemon(true);
    reopener.start();
  }

  public int dim() {
    return dim;
  }

  /**
   * Indexes the item's embedding unless an update at least as new is held. Returns the index generation to wait for
   * ({@link #awaitSearchable}), or -1 when the update was ignored.
   */
  public long upsert(long itemId, float[] embedding, String phase, long updateSeq, String baseVersion,
                     long lastUpdateMs) {
    if (embedding.length != dim) {
      throw new IllegalArgumentException("item " + itemId + " has an embedding of " + embedding.length
          + " floats; the index holds " + dim);
    }
    for (float x : embedding) {
      if (!Float.isFinite(x)) {
        throw new IllegalArgumentException("item " + itemId + " has a non-finite embedding");
      }
    }
    synchronized (this) {
      Item held = items.get(itemId);
      if (held != null && updateSeq <= held.updateSeq()) {
        return -1;
      }
      Document d = new Document();
      d.add(new StringField(ID, Long.toString(itemId), Field.Store.NO));
      d.add(new StoredField(ID, itemId));
      d.add(new KnnFloatVectorField(VECTOR, embedding, VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT));
      try {
        long generation = writer.updateDocument(new Term(ID, Long.toString(itemId)), d);
        items.put(itemId, new Item(itemId, embedding.clone(), phase, updateSeq, baseVersion, lastUpdateMs,
            generation));
        return generation;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Blocks until every change up to {@code generation} is searchable (or the timeout passed); true when it is. */
  public boolean awaitSearchable(long generation, long timeoutMs) throws InterruptedException {
    return generation < 0 || reopener.waitForGeneration(generation, (int) Math.min(Integer.MAX_VALUE, timeoutMs));
  }

  public Item get(long itemId) {
    return items.get(itemId);
  }

  public int size() {
    return items.size();
  }

  public Collection<Item> items() {
    return items.values();
  }

  /**
   * The approximate top {@code k} by inner product (HNSW), best first, with exact scores: the graph is searched for
   * {@link #CANDIDATES_PER_RESULT} times {@code k} candidates, the best {@code k} of them kept.
   */
  public List<Hit> search(float[] query, int k) {
    if (query.length != dim) {
      throw new IllegalArgumentException("a query of " + query.length + " floats; the index holds " + dim);
    }
    try {
      IndexSearcher s = searchers.acquire();
      try {
        int candidates = CANDIDATES_PER_RESULT * k;
        TopDocs top = s.search(new KnnFloatVectorQuery(VECTOR, query, candidates), candidates);
        StoredFields stored = s.storedFields();
        List<Hit> out = new ArrayList<>(top.scoreDocs.length);
        for (ScoreDoc sd : top.scoreDocs) {
          long id = stored.document(sd.doc).getField(ID).numericValue().longValue();
          Item item = items.get(id);
          if (item != null) {
            out.add(new Hit(item, dot(query, item.embedding())));
          }
        }
        out.sort(Comparator.comparingDouble((Hit h) -> -h.score()));
        return out.size() > k ? new ArrayList<>(out.subList(0, k)) : out;
      } finally {
        searchers.release(s);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The exact top {@code k} by inner product over every held item (the reference for recall). */
  public List<Hit> exact(float[] query, int k) {
    PriorityQueue<Hit> heap = new PriorityQueue<>(Comparator.comparingDouble(Hit::score));
    for (Item item : items.values()) {
      heap.add(new Hit(item, dot(query, item.embedding())));
      if (heap.size() > k) {
        heap.poll();
      }
    }
    List<Hit> out = new ArrayList<>(heap);
    out.sort(Comparator.comparingDouble((Hit h) -> -h.score()));
    return out;
  }

  /** Bytes of the in-memory index: its files (HNSW graphs, vectors, stored ids) and the writer's buffer. */
  public long indexBytes() {
    try {
      long total = writer.ramBytesUsed();
      for (String f : directory.listAll()) {
        try {
          total += directory.fileLength(f);
        } catch (java.nio.file.NoSuchFileException gone) {
          // merged away since listed
        }
      }
      return total;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static float dot(float[] a, float[] b) {
    float s = 0;
    for (int k = 0; k < a.length; k++) {
      s += a[k] * b[k];
    }
    return s;
  }

  @Override
  public void close() throws IOException {
    reopener.close();
    searchers.close();
    writer.close();
    directory.close();
  }
}
