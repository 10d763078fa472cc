package io.pinnacle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pre-training that cannot be kept finite ends the command with code 3, a message, and no artifact. */
class PretrainCommandTest {
  @TempDir Path dir;

  @Test
  void aRunThatCannotBeKeptFiniteExitsWithCodeThreeAndWritesNothing() {
    Path out = dir.resolve("base");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream saved = System.err;
    int code;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      code = PinnacleCli.execute(new PinnacleCli(), new String[] {"pretrain", "--dataset", "synthetic", "--out",
          out.toString(), "--set", "lr=1e30", "--no-select", "--epochs", "3"});
    } finally {
      System.setErr(saved);
    }
    String message = err.toString(StandardCharsets.UTF_8);
    assertEquals(3, code, message);
    assertTrue(message.contains("pinnacle: pretrain diverged: loss NaN at epoch 1"), message);
    assertFalse(Files.exists(out), "no artifact from a diverged run");
  }
}
