package io.pinnacle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** One command line: the top-level help lists every command, and every command answers --help with exit code 0. */
class HelpTest {
  @Test
  void theTopLevelHelpListsEveryCommandTheScriptRuns() {
    String help = run("--help");
    for (String command : new String[] {"run", "stream-bench", "pretrain", "prompt-train", "evaluate", "prequential",
        "select", "bench", "demo", "diagnose", "retention-compare", "retention-report"}) {
      assertTrue(help.contains("\n  " + command + " "), command + " missing from:\n" + help);
    }
  }

  @Test
  void everyCommandAnswersHelp() {
    for (String command : new CommandLine(new PinnacleCli()).getSubcommands().keySet()) {
      String help = run(command, "--help");
      assertTrue(help.startsWith("Usage: pinnacle " + command), command + ":\n" + help);
    }
  }

  private static String run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    int code;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      code = PinnacleCli.execute(new PinnacleCli(), args);
    } finally {
      System.setOut(saved);
    }
    String text = out.toString(StandardCharsets.UTF_8).replace("\r\n", "\n");
    assertEquals(0, code, String.join(" ", args) + ":\n" + text);
    return text;
  }
}
