package io.pinnacle.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the read-only shared data sets beside the project ({@code ../shared/data/<name>}) from any module directory,
 * or under {@code -Dpinnacle.data.dir}. Tests that need real data skip (assumption) when it is absent.
 */
public final class SharedData {
  private SharedData() {}

  public static Optional<Path> dir(String name) {
    String override = System.getProperty("pinnacle.data.dir");
    if (override != null) {
      Path p = Path.of(override, name);
      return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared").resolve("data").resolve(name);
      if (Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
