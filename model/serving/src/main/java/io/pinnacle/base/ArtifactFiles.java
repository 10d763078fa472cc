package io.pinnacle.base;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes data files with their sha256 and reads them back verified: the integrity part of every artifact. */
public final class ArtifactFiles {
  private ArtifactFiles() {}

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /**
   * Reads an artifact's metadata JSON, refusing a missing directory (with {@code hint} on how to make one), a
   * missing file or unreadable JSON with a message naming the artifact.
   */
  public static <T> T readMetadata(Path dir, String what, String file, Class<T> type, String hint) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(what + " " + dir + " does not exist; " + hint);
    }
    try {
      return JSON.readValue(Files.readAllBytes(dir.resolve(file)), type);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IllegalArgumentException(what + " " + dir + " has no " + file);
    } catch (IOException e) {
      throw new IllegalArgumentException(what + " " + dir + ": unreadable " + file + ": " + e.getMessage(), e);
    }
  }

  /** Writes each file and returns name -> sha256 hex, in order. */
  public static Map<String, String> write(Path dir, Map<String, byte[]> files) throws IOException {
    Files.createDirectories(dir);
    Map<String, String> sha = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Files.write(dir.resolve(f.getKey()), f.getValue());
      sha.put(f.getKey(), sha256(f.getValue()));
    }
    return sha;
  }

  /** Reads the named files, refusing a missing one or one whose sha256 differs, with a message naming it. */
  public static Map<String, byte[]> readVerified(Path dir, String what, Map<String, String> expected,
                                                 String... names) throws IOException {
    Map<String, byte[]> out = new HashMap<>();
    for (String name : names) {
      Path p = dir.resolve(name);
      if (!Files.isRegularFile(p)) {
        throw new IllegalArgumentException(what + " " + dir + " is missing " + name);
      }
      byte[] b = Files.readAllBytes(p);
      String want = expected == null ? null : expected.get(name);
      String got = sha256(b);
      if (!got.equals(want)) {
        throw new IllegalArgumentException(what + " " + dir + " is corrupt: " + name + " has sha256 " + got
            + " but its metadata expects " + want);
      }
      out.put(name, b);
    }
    return out;
  }

  public static String sha256(byte[]... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (byte[] p : parts) {
        md.update(p);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
