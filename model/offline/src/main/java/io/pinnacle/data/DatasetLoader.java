package io.pinnacle.data;

import java.nio.file.Path;
import java.util.Locale;

/** Resolves a data set by name: {@code synthetic} (built in), {@code ml-100k} or {@code kuairand} (need a directory). */
public final class DatasetLoader {
  private DatasetLoader() {}

  public static Dataset load(String name, Path dir) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.startsWith(SyntheticStream.NAME + "-x")) {
      // synthetic-xN: the built-in stream with N times the users and items
      int factor;
      try {
        factor = Integer.parseInt(lower.substring(SyntheticStream.NAME.length() + 2));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("a scaled synthetic stream is named synthetic-xN, e.g. synthetic-x10; got '"
            + name + "'");
      }
      return SyntheticStream.generate(SyntheticStream.Config.small().scaled(factor));
    }
    switch (lower) {
      case SyntheticStream.NAME:
        return SyntheticStream.generate(SyntheticStream.Config.small());
      case "synthetic-tiny":
        return SyntheticStream.generate(SyntheticStream.Config.tiny());
      case MovieLens100kReader.NAME:
      case "ml100k":
        return MovieLens100kReader.read(requireDir(name, dir));
      case KuaiRandReader.NAME:
      case "kuairand-pure":
        return KuaiRandReader.read(requireDir(name, dir));
      default:
        throw new IllegalArgumentException("unknown data set '" + name + "'; use synthetic (synthetic-xN: N times its "
            + "users and items), ml-100k or kuairand");
    }
  }

  private static Path requireDir(String name, Path dir) {
    if (dir == null) {
      throw new IllegalArgumentException("data set " + name + " needs --data DIR (for example ../shared/data/"
          + (name.startsWith("ml") ? "ml-100k" : "kuairand-pure") + ")");
    }
    return dir;
  }
}
