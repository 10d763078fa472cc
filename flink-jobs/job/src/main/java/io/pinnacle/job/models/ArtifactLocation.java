package io.pinnacle.job.models;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;

/** Resolves an artifact directory given as a local path or any Flink file-system URI to a local directory. */
final class ArtifactLocation {
  private ArtifactLocation() {}

  static Path localDirectory(String uri) {
    org.apache.flink.core.fs.Path p = new org.apache.flink.core.fs.Path(uri);
    String scheme = p.toUri().getScheme();
    if (scheme == null || "file".equals(scheme)) {
      return Path.of(p.toUri().getPath() == null ? uri : p.toUri().getPath());
    }
    try {
      FileSystem fs = p.getFileSystem();
      if (!fs.exists(p)) {
        throw new IllegalArgumentException("artifact " + uri + " does not exist");
      }
      Path local = Files.createTempDirectory("pinnacle-artifact-");
      for (FileStatus st : fs.listStatus(p)) {
        if (!st.isDir()) {
          try (InputStream in = fs.open(st.getPath())) {
            Files.copy(in, local.resolve(st.getPath().getName()), StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
      return local;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot fetch artifact " + uri, e);
    }
  }
}
