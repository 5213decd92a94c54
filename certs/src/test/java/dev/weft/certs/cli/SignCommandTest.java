package dev.weft.certs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code weft cert sign --ip}: every overlay address carries its prefix length; a bare one is refused. */
class SignCommandTest {
  @TempDir Path dir;

  record Result(int exit, String out, String err) {}

  @CommandLine.Command(name = "weft", subcommands = CommandLine.HelpCommand.class)
  static final class Root {}

  Result weft(String... args) {
    CommandLine root = new CommandLine(new Root());
    CertsCli.addTo(root, new CliEnv(Map.of(), Clock.systemUTC(), new SecureRandom(), prompt -> null));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    root.setOut(new PrintWriter(out, true));
    root.setErr(new PrintWriter(err, true));
    List<String> withDir = new ArrayList<>();
    for (String a : args) {
      withDir.add(a.replace("@", dir + "/"));
    }
    return new Result(root.execute(withDir.toArray(String[]::new)), out.toString(), err.toString());
  }

  Result sign(String ca, String ip) {
    return weft("cert", "sign", "--ca-crt", "@" + ca + ".crt", "--ca-key", "@" + ca + ".key", "--name", "n1", "--ip", ip,
        "--out-key", "@n1.key", "--out-crt", "@n1.crt");
  }

  void ok(String... args) {
    Result r = weft(args);
    assertEquals(0, r.exit(), () -> String.join(" ", args) + "\n" + r.err());
  }

  @Test
  void aBareAddressIsRefusedWithTheCaNetworksPrefix() {
    ok("ca", "init", "--name", "lab", "--networks", "100.64.0.0/10,fd00:77::/48", "--out-crt", "@ca.crt", "--out-key", "@ca.key");
    Result r = sign("ca", "100.64.0.9");
    assertEquals(1, r.exit(), r.out() + r.err());
    assertEquals("weft cert sign: --ip: '100.64.0.9' has no prefix length: write ADDRESS/PREFIX with the overlay "
        + "network's prefix, e.g. 100.64.0.9/10 (or 100.64.0.9/32 for the address alone)", r.err().strip());
    assertFalse(Files.exists(dir.resolve("n1.crt")) || Files.exists(dir.resolve("n1.key")), "a refusal writes nothing");

    Result v6 = sign("ca", "100.64.0.9/10,fd00:77::9");
    assertEquals(1, v6.exit());
    assertTrue(v6.err().contains("'fd00:77::9' has no prefix length") && v6.err().contains("e.g. fd00:77::9/48 (or fd00:77::9/128"),
        v6.err());
  }

  @Test
  void withoutCaNetworksTheExampleIsTheUsualOverlay() {
    ok("ca", "init", "--name", "open", "--out-crt", "@open.crt", "--out-key", "@open.key");
    Result r = sign("open", "100.64.0.9");
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("e.g. 100.64.0.9/10 "), r.err());
    Result other = sign("open", "192.0.2.9");
    assertTrue(other.err().contains("e.g. 192.0.2.9/24 "), other.err());
  }

  @Test
  void explicitPrefixesAreSignedAsGiven() {
    ok("ca", "init", "--name", "lab", "--networks", "100.64.0.0/10", "--out-crt", "@ca.crt", "--out-key", "@ca.key");
    assertEquals(0, sign("ca", "100.64.0.9/32").exit(), "an explicit /32 is allowed");
    ok("cert", "print", "--json", "@n1.crt");
    Result print = weft("cert", "print", "--json", "@n1.crt");
    assertTrue(print.out().contains("\"100.64.0.9/32\""), print.out());
  }

  @Test
  void whatIsNotAnAddressIsStillRefusedAsSuch() {
    ok("ca", "init", "--name", "lab", "--out-crt", "@ca.crt", "--out-key", "@ca.key");
    Result r = sign("ca", "nonsense");
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("--ip: not an IP address"), r.err());
  }
}
