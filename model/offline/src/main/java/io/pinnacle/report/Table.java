package io.pinnacle.report;

import java.util.ArrayList;
import java.util.List;

/** A table of text cells for the reports: a caption, column names and rows (Markdown or HTML). */
public record Table(String caption, List<String> columns, List<List<String>> rows) {
  public Table {
    columns = List.copyOf(columns);
    List<List<String>> copy = new ArrayList<>();
    for (List<String> r : rows) {
      if (r.size() != columns.size()) {
        throw new IllegalArgumentException("row of " + r.size() + " cells under " + columns.size() + " columns: " + r);
      }
      copy.add(List.copyOf(r));
    }
    rows = List.copyOf(copy);
  }

  public String markdown() {
    StringBuilder md = new StringBuilder();
    if (caption != null && !caption.isEmpty()) {
      md.append(caption).append("\n\n");
    }
    md.append("| ").append(String.join(" | ", columns)).append(" |\n");
    md.append("|").append("---|".repeat(columns.size())).append('\n');
    for (List<String> r : rows) {
      md.append("| ").append(String.join(" | ", r)).append(" |\n");
    }
    return md.toString();
  }

  /** Builds a table row by row. */
  public static final class Builder {
    private final String caption;
    private final List<String> columns;
    private final List<List<String>> rows = new ArrayList<>();

    public Builder(String caption, List<String> columns) {
      this.caption = caption;
      this.columns = columns;
    }

    public Builder row(List<String> cells) {
      rows.add(cells);
      return this;
    }

    public Builder row(String... cells) {
      return row(List.of(cells));
    }

    public Table build() {
      return new Table(caption, columns, rows);
    }
  }
}
