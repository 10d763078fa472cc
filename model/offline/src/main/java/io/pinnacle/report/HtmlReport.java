package io.pinnacle.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * One self-contained HTML file: the charting library (uPlot, from its webjar) and the page's own script and style are
 * inlined, and a content security policy forbids every request, so the page opens from disk with no network. Each
 * chart has its numbers as a table beside it. The page records on {@code <body>} how many charts it drew
 * ({@code data-charts-rendered}) and any request the policy refused ({@code data-blocked-requests}); the browser test
 * reads both.
 */
public final class HtmlReport {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
      + "img-src data:; font-src 'none'; connect-src 'none'";

  private final String title;
  private final List<String> body = new ArrayList<>();
  private final Map<String, String> settings = new LinkedHashMap<>();
  private int charts;

  public HtmlReport(String title) {
    this.title = title;
  }

  public HtmlReport heading(String text) {
    body.add("<h2>" + escape(text) + "</h2>");
    return this;
  }

  public HtmlReport paragraph(String text) {
    body.add("<p>" + escape(text) + "</p>");
    return this;
  }

  /** Lines set in a fixed font, wrapped only where the page is too narrow (a verdict, a log excerpt). */
  public HtmlReport preformatted(String text) {
    body.add("<pre class=\"verdict\">" + escape(text) + "</pre>");
    return this;
  }

  /** A run setting, version or data split, listed in the report's settings table. */
  public HtmlReport setting(String name, Object value) {
    settings.put(name, String.valueOf(value));
    return this;
  }

  public HtmlReport table(Table t) {
    body.add(tableHtml(t));
    return this;
  }

  /** A chart with its numbers beside it. */
  public HtmlReport chart(Chart c) {
    return chart(c, c.table());
  }

  /** A chart with a table of its own beside it (the chart's numbers and more, such as counts). */
  public HtmlReport chart(Chart c, Table numbers) {
    if (c.points() == 0) {
      body.add("<section class=\"figure\"><h3>" + escape(c.title()) + "</h3><p class=\"empty\">no data in this run"
          + (c.note() != null ? ": " + escape(c.note()) : "") + "</p></section>");
      return this;
    }
    int id = charts++;
    StringBuilder h = new StringBuilder("<section class=\"figure\"><h3>").append(escape(c.title())).append("</h3>");
    if (c.note() != null) {
      h.append("<p class=\"note\">").append(escape(c.note())).append("</p>");
    }
    h.append("<div class=\"pair\"><div class=\"chart\" id=\"chart-").append(id).append("\" data-expected-points=\"")
        .append(c.points()).append("\"></div>");
    h.append("<div class=\"numbers\">").append(tableHtml(numbers)).append("</div></div>");
    h.append("<script type=\"application/json\" class=\"chart-spec\" data-target=\"chart-").append(id).append("\">")
        .append(spec(c).replace("</", "<\\/")).append("</script></section>");
    body.add(h.toString());
    return this;
  }

  /** A block that starts folded (long tables a reader may want). */
  public HtmlReport folded(String summary, String markdown) {
    body.add("<details><summary>" + escape(summary) + "</summary><pre>" + escape(markdown) + "</pre></details>");
    return this;
  }

  public int chartCount() {
    return charts;
  }

  public String html() {
    StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    h.append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(CSP).append("\">");
    // Registered before anything else, so that a refused request is counted even if it comes from the library.
    h.append("<script>window.blockedRequests=[];document.addEventListener('securitypolicyviolation',"
        + "function(e){window.blockedRequests.push(e.blockedURI||e.violatedDirective);});</script>");
    h.append("<title>").append(escape(title)).append("</title>");
    h.append("<style>").append(resource("META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist/uPlot.min.css"))
        .append(resource("io/pinnacle/report/report.css")).append("</style></head>\n<body data-charts=\"")
        .append(charts).append("\">\n<h1>").append(escape(title)).append("</h1>\n");
    for (String b : body) {
      h.append(b).append('\n');
    }
    if (!settings.isEmpty()) {
      Table.Builder t = new Table.Builder("Settings, versions and data", List.of("setting", "value"));
      settings.forEach(t::row);
      h.append("<h2>Settings, versions and data</h2>\n").append(tableHtml(t.build())).append('\n');
    }
    h.append("<footer>written ").append(Instant.now()).append(" by pinnacle; charts by uPlot ").append(uplotVersion())
        .append(" (MIT), inlined</footer>\n");
    h.append("<script>").append(resource("META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist/uPlot.iife.min.js"))
        .append("</script>\n<script>").append(resource("io/pinnacle/report/report.js")).append("</script>\n");
    h.append("</body></html>\n");
    return h.toString();
  }

  public Path write(Path file) throws IOException {
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    Files.writeString(file, html(), StandardCharsets.UTF_8);
    return file;
  }

  private static String spec(Chart c) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("xLabel", c.xLabel());
    s.put("yLabel", c.yLabel());
    s.put("categories", c.categories());
    s.put("pointsOnly", c.pointsOnly());
    s.put("x", nulls(c.x()));
    List<Map<String, Object>> series = new ArrayList<>();
    for (Chart.Series x : c.series()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", x.name());
      m.put("y", nulls(x.y()));
      if (x.lo() != null) {
        m.put("lo", nulls(x.lo()));
        m.put("hi", nulls(x.hi()));
      }
      series.add(m);
    }
    s.put("series", series);
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Double> nulls(double[] v) {
    List<Double> out = new ArrayList<>(v.length);
    for (double d : v) {
      out.add(Double.isFinite(d) ? d : null);
    }
    return out;
  }

  private static String tableHtml(Table t) {
    StringBuilder h = new StringBuilder("<table>");
    if (t.caption() != null && !t.caption().isEmpty()) {
      h.append("<caption>").append(escape(t.caption())).append("</caption>");
    }
    h.append("<thead><tr>");
    for (String c : t.columns()) {
      h.append("<th>").append(escape(c)).append("</th>");
    }
    h.append("</tr></thead><tbody>");
    for (List<String> r : t.rows()) {
      h.append("<tr>");
      for (int j = 0; j < r.size(); j++) {
        h.append(j == 0 ? "<th scope=\"row\">" : "<td>").append(escape(r.get(j))).append(j == 0 ? "</th>" : "</td>");
      }
      h.append("</tr>");
    }
    return h.append("</tbody></table>").toString();
  }

  static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** The uPlot version on the class path, from its webjar's Maven metadata (no version written twice). */
  static String uplotVersion() {
    try (InputStream in = resourceStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String resource(String path) {
    try (InputStream in = resourceStream(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream resourceStream(String path) throws IOException {
    InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(path);
    if (in == null) {
      throw new IOException("report resource " + path + " is not on the class path (the uplot webjar is a dependency "
          + "of pinnacle-model)");
    }
    return in;
  }
}
