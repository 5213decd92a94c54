package dev.weft.chaos.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certificate flow through the installed launcher {@code bin/weft}, as separate processes. */
class CertFlowCommandLineTest {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final Path WEFT = ROOT.resolve("bin/weft");

  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  Run weft(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(WEFT.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    var err = p.getErrorStream();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String errText = new String(err.readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new Run(p.exitValue(), out, errText);
  }

  @Test
  void caInitKeygenSignVerifyPrint() throws Exception {
    assumeTrue(Files.exists(ROOT.resolve("node/target/weft.jar")), "node/target/weft.jar is not built: run scripts/build");
    assertEquals(0, weft("ca", "init", "--name", "lab", "--networks", "100.64.0.0/10").exit());
    assertEquals(0, weft("cert", "keygen", "--out-key", "n.key", "--out-pub", "n.pub").exit());
    Run sign = weft("cert", "sign", "--name", "n1", "--ip", "100.64.0.1/10", "--pub", "n.pub", "--out-crt", "n.crt");
    assertEquals(0, sign.exit(), sign.err());
    Run verify = weft("cert", "verify", "--ca", "ca.crt", "n.crt");
    assertEquals(0, verify.exit(), verify.err());
    Run print = weft("cert", "print", "--json", "n.crt");
    assertTrue(print.out().contains("\"ips\" : [ \"100.64.0.1/10\" ]"), print.out());
    Run refused = weft("cert", "sign", "--name", "n2", "--ip", "192.0.2.1/24", "--pub", "n.pub", "--out-crt", "x.crt");
    assertEquals(1, refused.exit());
    assertEquals("weft cert sign: IP 192.0.2.1/24 is outside the CA's networks [100.64.0.0/10]", refused.err().strip());
    Run help = weft("--help");
    assertTrue(help.out().contains("ca") && help.out().contains("cert"), help.out());
  }
}
