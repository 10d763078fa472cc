package io.pinnacle.runner.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * deploy/local/cluster.sh and the tools it calls agree: every tool command the script names exists with the arity it
 * is given, and the soak's command line, as the script writes it, parses to what it means.
 */
class ClusterCommandLinesTest {
  private static String script() throws IOException {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("deploy/local/cluster.sh"))) {
      p = p.getParent();
    }
    return Files.readString(p.resolve("deploy/local/cluster.sh"));
  }

  @Test
  void everyToolCommandTheScriptUsesExists() throws IOException {
    CommandLine cl = new CommandLine(new ClusterTool());
    Matcher m = Pattern.compile("(?m)^[^#\\n]*?\\btool ([a-z-]+) ").matcher(script());
    List<String> used = new ArrayList<>();
    while (m.find()) {
      used.add(m.group(1));
    }
    assertNotEquals(0, used.size());
    for (String name : used) {
      assertEquals(true, cl.getSubcommands().containsKey(name), "cluster.sh calls 'tool " + name + "'");
    }
  }

  @Test
  void theToolTakesTheScriptsPositionalArguments() {
    CommandLine cl = new CommandLine(new ClusterTool());
    cl.parseArgs("replay", "localhost:9092", "base", "promo", "40000", "7");
    ClusterTool.Replay replay = cl.getSubcommands().get("replay").getCommand();
    assertEquals("localhost:9092", replay.broker.bootstrap);
    assertEquals(Path.of("promo"), replay.promo);
    assertEquals(40000, replay.events);
    assertEquals(7, replay.seed);
    cl = new CommandLine(new ClusterTool());
    cl.parseArgs("check", "localhost:9092", "15");
    cl = new CommandLine(new ClusterTool());
    cl.parseArgs("compare", "localhost:9092", "ref.tsv", "exactly-once");
    cl = new CommandLine(new ClusterTool());
    cl.parseArgs("auth-check", "localhost:9092");
    CommandLine bad = new CommandLine(new ClusterTool());
    assertThrows(CommandLine.ParameterException.class, () -> bad.parseArgs("replay", "localhost:9092"));
  }

  @Test
  void theSoakCommandLineAsTheScriptWritesIt() {
    ClusterSoak.Options o = ClusterSoak.parse("--bootstrap", "localhost:9092", "--rest", "http://localhost:8081",
        "--base", "b", "--promo", "p", "--rate", "1000", "--seconds", "7320", "--out", "target/results/soak",
        "--churn", "5000,20000,0.3,300", "--judge-after", "1800", "--prometheus", "http://localhost:9090",
        "--pid", "tm-1=123", "--pid", "tm-2=456");
    assertEquals(1000, o.rate);
    assertEquals(7320, o.seconds);
    assertEquals(1800.0, o.judgeAfter);
    assertEquals("5000,20000,0.3,300", o.churn);
    assertEquals(Map.of("tm-1", 123L, "tm-2", 456L), o.pids);
    assertThrows(CommandLine.ParameterException.class, () -> ClusterSoak.parse("--rate", "1000"));
  }
}
