package dev.weft.certs;

import static dev.weft.certs.TestPki.NOW;
import static dev.weft.certs.TestPki.RANDOM;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {
  @TempDir Path dir;

  @Test
  void nodeKeysRoundTripWithMode0600() throws Exception {
    NodeKeys keys = NodeKeys.generate(RANDOM);
    Path f = dir.resolve("node.key");
    keys.save(f, false);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    NodeKeys back = NodeKeys.load(f);
    assertArrayEquals(keys.x25519Private(), back.x25519Private());
    assertArrayEquals(keys.ed25519Private(), back.ed25519Private());
    assertTrue(!keys.toString().contains(Base64.getEncoder().encodeToString(keys.x25519Private())));
    Path pub = dir.resolve("node.pub");
    keys.publicKeys().save(pub, false);
    assertEquals(keys.publicKeys(), NodePublicKeys.load(pub));
  }

  @Test
  void refusesToOverwriteWithoutForce() throws Exception {
    NodeKeys keys = NodeKeys.generate(RANDOM);
    Path f = dir.resolve("node.key");
    Files.writeString(f, "precious");
    String why = assertThrows(CertsException.class, () -> keys.save(f, false)).getMessage();
    assertTrue(why.contains("file exists"), why);
    assertEquals("precious", Files.readString(f), "nothing lost");
    keys.save(f, true);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    assertArrayEquals(keys.x25519Private(), NodeKeys.load(f).x25519Private());
  }

  @Test
  void encryptedCaKeyNeedsTheRightPassphrase() throws Exception {
    CertificateAuthority ca = TestPki.ca("x");
    Path f = dir.resolve("ca.key");
    CaKeyFile.save(ca.privateKey(), f, "correct horse".toCharArray(), RANDOM, false);
    assertTrue(Files.readString(f).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    assertArrayEquals(ca.privateKey().getEncoded(), CaKeyFile.load(f, "correct horse"::toCharArray).getEncoded());
    String why = assertThrows(CertsException.class, () -> CaKeyFile.load(f, "wrong"::toCharArray)).getMessage();
    assertTrue(why.contains("wrong passphrase"), why);
  }

  @Test
  void plainCaKeyIsReadWithoutAskingForAPassphrase() throws Exception {
    CertificateAuthority ca = TestPki.ca("x");
    Path f = dir.resolve("ca.key");
    CaKeyFile.save(ca.privateKey(), f, null, RANDOM, false);
    CaKeyFile.load(f, () -> { throw new AssertionError("asked for a passphrase"); });
  }

  @Test
  void aNodeKeyIsNotACaKey() throws Exception {
    Path f = dir.resolve("node.key");
    NodeKeys.generate(RANDOM).save(f, false);
    // The first block of a node key file is X25519: not a signing key.
    String why = assertThrows(CertsException.class, () -> CaKeyFile.load(f, () -> null)).getMessage();
    assertTrue(why.contains("must be Ed25519"), why);
  }

  @Test
  void opensslReadsOurCertificatesAndKeys() throws Exception {
    assumeTrue(onPath("openssl"), "openssl is not installed: skipping the interoperability check");
    CertificateAuthority ca = TestPki.constrainedCa();
    WeftCertificate node = ca.sign(TestPki.node("web1", "100.64.0.10/10", "fd00:77::10/48"), NOW, RANDOM);
    Path caCrt = dir.resolve("ca.crt");
    Path crt = dir.resolve("node.crt");
    Files.writeString(caCrt, ca.certificate().toPem());
    Files.writeString(crt, node.toPem());
    String text = run("openssl", "x509", "-in", crt.toString(), "-noout", "-text");
    assertTrue(text.contains("Subject: CN = web1"), text);
    assertTrue(text.contains("X25519"), text);
    assertTrue(text.contains("DNS:web1, IP Address:100.64.0.10"), text);
    assertTrue(run("openssl", "x509", "-in", caCrt.toString(), "-noout", "-text").contains("CA:TRUE"));
    Path key = dir.resolve("ca.key");
    CaKeyFile.save(ca.privateKey(), key, "pw".toCharArray(), RANDOM, false);
    assertTrue(run("openssl", "pkey", "-in", key.toString(), "-passin", "pass:pw", "-noout", "-text").contains("ED25519"));
  }

  @Test
  void publicKeyIsWhatWgPubkeyPrints() throws Exception {
    assumeTrue(onPath("wg"), "wireguard-tools (wg) is not installed: skipping the wg pubkey check");
    NodeKeys keys = NodeKeys.generate(RANDOM);
    String priv = Base64.getEncoder().encodeToString(keys.x25519Private());
    Process p = new ProcessBuilder("wg", "pubkey").redirectErrorStream(true).start();
    p.getOutputStream().write((priv + "\n").getBytes(StandardCharsets.US_ASCII));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
    assertEquals(0, p.waitFor());
    assertEquals(out, keys.x25519PublicBase64());
  }

  static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return out;
  }
}
