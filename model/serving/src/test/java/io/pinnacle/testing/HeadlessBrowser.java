package io.pinnacle.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opens a page in a real headless Chromium (Debian's {@code chromium} package, or {@code PINNACLE_BROWSER}) and
 * returns the DOM after its scripts ran. The flags keep Chromium from reaching out on its own (background networking,
 * component updates), so any request is the page's.
 */
public final class HeadlessBrowser {
  private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
      "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable");

  private HeadlessBrowser() {}

  /** The browser to use, if this machine has one. */
  public static Optional<Path> find() {
    String env = System.getenv("PINNACLE_BROWSER");
    if (env != null && !env.isBlank()) {
      return Optional.of(Path.of(env));
    }
    return CANDIDATES.stream().map(Path::of).filter(Files::isExecutable).findFirst();
  }

  /** Why a browser test cannot run here, said plainly. */
  public static String missing() {
    return "no headless browser on this machine (looked for " + String.join(", ", CANDIDATES) + " and "
        + "$PINNACLE_BROWSER; `apt-get install chromium` provides one): the report was not opened in a browser";
  }

  /** The DOM of {@code page} once its scripts ran. */
  public static String dumpDom(Path browser, Path page) throws IOException, InterruptedException {
    return dumpDom(browser, page.toAbsolutePath().toUri());
  }

  /** The DOM of the page at {@code url} (a local server's, say) once its scripts ran. */
  public static String dumpDom(Path browser, java.net.URI url) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("pinnacle-browser");
    List<String> cmd = new ArrayList<>(List.of(browser.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-extensions", "--user-data-dir=" + profile, "--virtual-time-budget=5000",
        "--dump-dom", url.toString()));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("the browser did not finish in 120 s");
    }
    if (p.exitValue() != 0) {
      throw new IOException("the browser exited with " + p.exitValue());
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  /** An attribute of the first element that has it, or null. */
  public static String attribute(String dom, String tag, String name) {
    Matcher m = Pattern.compile("<" + tag + "\\b[^>]*\\b" + Pattern.quote(name) + "=\"([^\"]*)\"").matcher(dom);
    return m.find() ? m.group(1) : null;
  }

  /** The value of {@code name} on every element that has it, in document order. */
  public static List<String> attributes(String dom, String name) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("\\s" + Pattern.quote(name) + "=\"([^\"]*)\"").matcher(dom);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
