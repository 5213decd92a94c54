package dev.weft.certs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs {@code weft ca …} and {@code weft cert …} in-process, as a user types them. */
class CertsCliTest {
  @TempDir Path dir;
  Instant now = Instant.parse("2026-06-01T12:00:00Z");
  final Map<String, String> env = new HashMap<>();
  final List<String> prompts = new ArrayList<>();
  String typed; // what the user types at a passphrase prompt; null = no terminal

  record Result(int exit, String out, String err) {}

  @picocli.CommandLine.Command(name = "weft", subcommands = CommandLine.HelpCommand.class)
  static final class Root {}

  Result weft(String... args) {
    var cliEnv = new CliEnv(env, Clock.fixed(now, ZoneOffset.UTC), new SecureRandom(), prompt -> {
      prompts.add(prompt);
      return typed == null ? null : typed.toCharArray();
    });
    CommandLine root = new CommandLine(new Root());
    CertsCli.addTo(root, cliEnv);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    root.setOut(new PrintWriter(out, true));
    root.setErr(new PrintWriter(err, true));
    List<String> withDir = new ArrayList<>();
    for (String a : args) {
      withDir.add(a.replace("@", dir.toString() + "/"));
    }
    int exit = root.execute(withDir.toArray(String[]::new));
    return new Result(exit, out.toString(), err.toString());
  }

  void ok(String... args) {
    Result r = weft(args);
    assertEquals(0, r.exit(), () -> String.join(" ", args) + "\n" + r.err());
  }

  /** A refusal: exit 1 and exactly one line naming the reason. */
  void refused(String expected, String... args) {
    Result r = weft(args);
    assertEquals(1, r.exit(), () -> String.join(" ", args) + " should be refused\n" + r.out() + r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains(expected), () -> "expected '" + expected + "' in: " + r.err());
  }

  @BeforeEach
  void ca() {
    ok("ca", "init", "--name", "acme", "--networks", "100.64.0.0/10,fd00:77::/48", "--groups", "web,db",
        "--subnets", "198.51.100.0/24", "--duration", "8760h", "--out-crt", "@ca.crt", "--out-key", "@ca.key");
  }

  String[] sign(String... extra) {
    List<String> a = new ArrayList<>(List.of("cert", "sign", "--ca-crt", "@ca.crt", "--ca-key", "@ca.key"));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  @Test
  void theWholeFlowFromInitToVerify() throws Exception {
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key"))));
    ok("cert", "keygen", "--out-key", "@web1.key", "--out-pub", "@web1.pub");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("web1.key"))));
    ok(sign("--name", "web1", "--ip", "100.64.0.10/10,fd00:77::10/48", "--groups", "web", "--subnets",
        "198.51.100.0/26", "--duration", "720h", "--pub", "@web1.pub", "--out-crt", "@web1.crt"));
    Result v = weft("cert", "verify", "--ca", "@ca.crt", "@web1.crt");
    assertEquals(0, v.exit(), v.err());
    assertTrue(v.out().startsWith("valid: node 'web1'"), v.out());

    Result p = weft("cert", "print", "--json", "@web1.crt");
    assertEquals(0, p.exit(), p.err());
    JsonNode j = new ObjectMapper().readTree(p.out());
    assertEquals("web1", j.get("name").asText());
    assertEquals(List.of("100.64.0.10/10", "fd00:77::10/48"), strings(j.get("ips")));
    assertEquals(List.of("web"), strings(j.get("groups")));
    assertEquals(List.of("198.51.100.0/26"), strings(j.get("subnets")));
    assertEquals("2026-06-01T11:55:00Z", j.get("not_before").asText());
    assertEquals("2026-07-01T12:00:00Z", j.get("not_after").asText());
    assertTrue(j.get("fingerprint").asText().matches("[0-9a-f]{64}"));
    assertFalse(j.get("is_ca").asBoolean());
    var keys = dev.weft.certs.NodeKeys.load(dir.resolve("web1.key"));
    assertEquals(keys.x25519PublicBase64(), j.get("public_key").asText());

    JsonNode ca = new ObjectMapper().readTree(weft("cert", "print", "--json", "@ca.crt").out());
    assertTrue(ca.get("is_ca").asBoolean());
    assertEquals(ca.get("fingerprint").asText(), j.get("ca_fingerprint").asText());
    assertEquals(ca.get("fingerprint").asText(), ca.get("ca_fingerprint").asText());
    assertEquals(List.of("100.64.0.0/10", "fd00:77::/48"), strings(ca.get("networks")));

    Result text = weft("cert", "print", "@web1.crt");
    assertTrue(text.out().contains("ips:            100.64.0.10/10, fd00:77::10/48"), text.out());
  }

  @Test
  void signCanMakeTheKeysItself() throws Exception {
    ok(sign("--name", "db1", "--ip", "100.64.0.11/10", "--out-key", "@db1.key", "--out-crt", "@db1.crt"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("db1.key"))));
    ok("cert", "verify", "--ca", "@ca.crt", "@db1.crt");
  }

  @Test
  void refusesWhatTheCaDoesNotAllow() {
    ok("cert", "keygen", "--out-key", "@n.key", "--out-pub", "@n.pub");
    refused("IP 192.0.2.1/24 is outside the CA's networks",
        sign("--name", "a", "--ip", "192.0.2.1/24", "--pub", "@n.pub", "--out-crt", "@a.crt"));
    refused("group 'admin' is not allowed",
        sign("--name", "a", "--ip", "100.64.0.1/10", "--groups", "admin", "--pub", "@n.pub", "--out-crt", "@a.crt"));
    refused("subnet 203.0.113.0/24 is not allowed",
        sign("--name", "a", "--ip", "100.64.0.1/10", "--subnets", "203.0.113.0/24", "--pub", "@n.pub", "--out-crt", "@a.crt"));
    refused("is not a DNS label",
        sign("--name", "a.b", "--ip", "100.64.0.1/10", "--pub", "@n.pub", "--out-crt", "@a.crt"));
    refused("beyond the CA's expiry",
        sign("--name", "a", "--ip", "100.64.0.1/10", "--duration", "9000h", "--pub", "@n.pub", "--out-crt", "@a.crt"));
    refused("--ip: not an IP address",
        sign("--name", "a", "--ip", "nonsense", "--pub", "@n.pub", "--out-crt", "@a.crt"));
    assertFalse(Files.exists(dir.resolve("a.crt")), "a refusal writes nothing");
  }

  @Test
  void refusesExpiredAndNotYetValidCertificates() {
    ok(sign("--name", "a", "--ip", "100.64.0.1/10", "--duration", "1h", "--out-key", "@a.key", "--out-crt", "@a.crt"));
    now = now.plusSeconds(7200);
    refused("expired at 2026-06-01T13:00:00Z", "cert", "verify", "--ca", "@ca.crt", "@a.crt");
    now = now.minusSeconds(3 * 86400);
    refused("not valid before", "cert", "verify", "--ca", "@ca.crt", "@a.crt");
  }

  @Test
  void refusesUnknownCaBadSignatureAndBlocklisted() throws Exception {
    ok(sign("--name", "a", "--ip", "100.64.0.1/10", "--out-key", "@a.key", "--out-crt", "@a.crt"));
    ok("ca", "init", "--name", "other", "--out-crt", "@other.crt", "--out-key", "@other.key");
    refused("unknown CA", "cert", "verify", "--ca", "@other.crt", "@a.crt");
    // Rotation: trusting both CAs accepts it.
    ok("cert", "verify", "--ca", "@other.crt,@ca.crt", "@a.crt");

    var cert = dev.weft.certs.WeftCertificate.load(dir.resolve("a.crt"));
    byte[] der = cert.der();
    der[der.length - 3] ^= 0x40;
    Files.writeString(dir.resolve("bad.crt"), "-----BEGIN CERTIFICATE-----\n"
        + java.util.Base64.getMimeEncoder().encodeToString(der) + "\n-----END CERTIFICATE-----\n");
    refused("bad signature", "cert", "verify", "--ca", "@ca.crt", "@bad.crt");

    Files.writeString(dir.resolve("block"), "# revoked\n" + cert.fingerprint() + "\n");
    refused("is blocklisted", "cert", "verify", "--ca", "@ca.crt", "--blocklist", "@block", "@a.crt");
  }

  @Test
  void aReEncodedCopyOfABlocklistedCertificateIsRefused() throws Exception {
    ok("cert", "keygen", "--out-key", "@n2.key", "--out-pub", "@n2.pub");
    ok(sign("--name", "n2", "--ip", "100.64.0.2/10", "--pub", "@n2.pub", "--out-crt", "@n2.crt"));
    var cert = dev.weft.certs.WeftCertificate.load(dir.resolve("n2.crt"));
    Files.writeString(dir.resolve("block"), cert.fingerprint() + "\n");
    refused("is blocklisted", "cert", "verify", "--ca", "@ca.crt", "--blocklist", "@block", "@n2.crt");
    for (var e : dev.weft.certs.ReEncodings.of(cert.der()).entrySet()) {
      Files.writeString(dir.resolve("copy.crt"), pem(e.getValue()));
      Result r = weft("cert", "verify", "--ca", "@ca.crt", "--blocklist", "@block", "@copy.crt");
      assertEquals(1, r.exit(), e.getKey() + ": " + r.out() + r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertTrue(r.err().contains("copy.crt: malformed certificate: "), e.getKey() + ": " + r.err());
    }
    // A re-encoded CA certificate is no CA either.
    var ca = dev.weft.certs.WeftCertificate.load(dir.resolve("ca.crt"));
    Files.writeString(dir.resolve("ca-copy.crt"),
        pem(dev.weft.certs.ReEncodings.of(ca.der()).get("outer SEQUENCE length in long form with a leading zero")));
    refused("ca-copy.crt: malformed certificate: not in canonical DER encoding", "cert", "verify", "--ca", "@ca-copy.crt", "@n2.crt");
    // A certificate signed again for the blocklisted key is refused by key.
    Files.writeString(dir.resolve("block"), "key " + java.util.Base64.getEncoder().encodeToString(cert.publicKey()) + "\n");
    ok(sign("--name", "n2b", "--ip", "100.64.0.3/10", "--pub", "@n2.pub", "--out-crt", "@n2b.crt"));
    refused("its key", "cert", "verify", "--ca", "@ca.crt", "--blocklist", "@block", "@n2b.crt");
  }

  private static String pem(byte[] der) {
    return "-----BEGIN CERTIFICATE-----\n" + java.util.Base64.getMimeEncoder().encodeToString(der)
        + "\n-----END CERTIFICATE-----\n";
  }

  @Test
  void aCaLimitingNetworksGrantsSubnetsOnlyWhenItSaysSo() throws Exception {
    ok("ca", "init", "--name", "nets", "--networks", "100.64.0.0/10", "--out-crt", "@nets.crt", "--out-key", "@nets.key");
    ok("ca", "init", "--name", "any", "--networks", "100.64.0.0/10", "--any-subnet", "--out-crt", "@any.crt",
        "--out-key", "@any.key");
    for (String s : List.of("0.0.0.0/0", "203.0.113.0/24")) {
      refused("subnet " + s + " is not allowed: the CA limits networks and grants no subnets", "cert", "sign",
          "--ca-crt", "@nets.crt", "--ca-key", "@nets.key", "--name", "a", "--ip", "100.64.0.1/10", "--subnets", s,
          "--out-key", "@a.key", "--out-crt", "@a.crt");
    }
    assertFalse(Files.exists(dir.resolve("a.crt")));
    ok("cert", "sign", "--ca-crt", "@any.crt", "--ca-key", "@any.key", "--name", "b", "--ip", "100.64.0.2/10",
        "--subnets", "0.0.0.0/0,::/0", "--out-key", "@b.key", "--out-crt", "@b.crt");
    ok("cert", "verify", "--ca", "@nets.crt,@any.crt,@ca.crt", "@b.crt");
    JsonNode nets = new ObjectMapper().readTree(weft("cert", "print", "--json", "@nets.crt").out());
    assertEquals(0, nets.get("allowed_subnets").size());
    JsonNode any = new ObjectMapper().readTree(weft("cert", "print", "--json", "@any.crt").out());
    assertEquals(List.of("0.0.0.0/0", "::/0"), strings(any.get("allowed_subnets")));
    assertTrue(weft("cert", "print", "@nets.crt").out().contains("subnets:        none"));
    assertEquals(2, weft("ca", "init", "--name", "x", "--any-subnet", "--subnets", "198.51.100.0/24", "--out-crt", "@x.crt",
        "--out-key", "@x.key").exit(), "--any-subnet and --subnets exclude each other");
    String help = weft("ca", "init", "--help").out();
    assertTrue(help.contains("A CA with --networks grants no subnets unless --subnets lists them;"), help);
    assertTrue(help.contains("--any-subnet"), help);
  }

  @Test
  void caRevokeWritesARevocationThatVerifyRefuses() throws Exception {
    ok("cert", "keygen", "--out-key", "@w.key", "--out-pub", "@w.pub");
    ok(sign("--name", "web1", "--ip", "100.64.0.10/10", "--pub", "@w.pub", "--out-crt", "@web1.crt"));
    Result r = weft("ca", "revoke", "--ca-crt", "@ca.crt", "--ca-key", "@ca.key", "--cert", "@web1.crt", "--out", "@web1.revoked");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().startsWith("revocation of 'web1' written to "), r.out());
    assertTrue(Files.readString(dir.resolve("web1.revoked")).startsWith("-----BEGIN WEFT REVOCATION-----"));
    var cert = dev.weft.certs.WeftCertificate.load(dir.resolve("web1.crt"));
    ok("cert", "verify", "--ca", "@ca.crt", "@web1.crt");
    refused("invalid: certificate " + cert.fingerprint() + " is revoked by CA 'acme'",
        "cert", "verify", "--ca", "@ca.crt", "--revocations", "@web1.revoked", "@web1.crt");
    // A new certificate for the same key is refused by key, even alongside a blocklist.
    ok(sign("--name", "web1b", "--ip", "100.64.0.11/10", "--pub", "@w.pub", "--out-crt", "@web1b.crt"));
    Files.writeString(dir.resolve("block"), "# none\n");
    refused("its key", "cert", "verify", "--ca", "@ca.crt", "--blocklist", "@block", "--revocations", "@web1.revoked",
        "@web1b.crt");
    // Several files, comma-separated.
    ok(sign("--name", "db1", "--ip", "100.64.0.12/10", "--out-key", "@db1.key", "--out-crt", "@db1.crt"));
    ok("ca", "revoke", "--cert", "@db1.crt", "--ca-crt", "@ca.crt", "--ca-key", "@ca.key", "--out", "@db1.revoked");
    refused("is revoked by CA 'acme'", "cert", "verify", "--ca", "@ca.crt", "--revocations", "@web1.revoked,@db1.revoked",
        "@db1.crt");

    refused("file exists (use --force to overwrite)",
        "ca", "revoke", "--ca-crt", "@ca.crt", "--ca-key", "@ca.key", "--cert", "@db1.crt", "--out", "@web1.revoked");
    ok("ca", "revoke", "--ca-crt", "@ca.crt", "--ca-key", "@ca.key", "--cert", "@db1.crt", "--out", "@web1.revoked", "--force");
    ok("cert", "verify", "--ca", "@ca.crt", "--revocations", "@web1.revoked", "@web1.crt");
  }

  @Test
  void revocationsMustComeFromTheRightCa() throws Exception {
    ok(sign("--name", "web1", "--ip", "100.64.0.10/10", "--out-key", "@w.key", "--out-crt", "@web1.crt"));
    ok("ca", "init", "--name", "other", "--out-crt", "@other.crt", "--out-key", "@other.key");
    refused("certificate 'web1' was not issued by CA 'other'",
        "ca", "revoke", "--ca-crt", "@other.crt", "--ca-key", "@other.key", "--cert", "@web1.crt", "--out", "@x.revoked");
    assertFalse(Files.exists(dir.resolve("x.revoked")), "a refusal writes nothing");
    refused("the CA key does not match the CA certificate",
        "ca", "revoke", "--ca-crt", "@ca.crt", "--ca-key", "@other.key", "--cert", "@web1.crt", "--out", "@x.revoked");

    ok("ca", "revoke", "--ca-crt", "@ca.crt", "--ca-key", "@ca.key", "--cert", "@web1.crt", "--out", "@web1.revoked");
    refused("web1.revoked: revocation by unknown CA",
        "cert", "verify", "--ca", "@other.crt", "--revocations", "@web1.revoked", "@web1.crt");
    byte[] der = dev.weft.certs.Revocation.load(dir.resolve("web1.revoked")).get(0).encoded();
    der[der.length - 10] ^= 1;
    Files.writeString(dir.resolve("bad.revoked"), "-----BEGIN WEFT REVOCATION-----\n"
        + java.util.Base64.getMimeEncoder().encodeToString(der) + "\n-----END WEFT REVOCATION-----\n");
    refused("bad.revoked: revocation has a bad signature: not signed by CA 'acme'",
        "cert", "verify", "--ca", "@ca.crt", "--revocations", "@bad.revoked", "@web1.crt");
    Files.writeString(dir.resolve("short.revoked"), "-----BEGIN WEFT REVOCATION-----\nV0ZSVgE=\n-----END WEFT REVOCATION-----\n");
    refused("short.revoked: malformed revocation: 5 bytes", "cert", "verify", "--ca", "@ca.crt", "--revocations",
        "@short.revoked", "@web1.crt");
    refused("no 'WEFT REVOCATION' PEM block found", "cert", "verify", "--ca", "@ca.crt", "--revocations", "@web1.crt",
        "@web1.crt");
    assertEquals(2, weft("ca", "revoke", "--ca-crt", "@ca.crt", "--out", "@y.revoked").exit(), "--cert is required");
  }

  @Test
  void refusesMalformedFiles() throws Exception {
    Files.writeString(dir.resolve("junk.crt"), "hello\n");
    refused("no PEM block found", "cert", "verify", "--ca", "@ca.crt", "@junk.crt");
    refused("no PEM block found", "cert", "print", "@junk.crt");
    Files.writeString(dir.resolve("bad.crt"), "-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n");
    refused("malformed certificate", "cert", "print", "@bad.crt");
    Files.writeString(dir.resolve("trunc.crt"), "-----BEGIN CERTIFICATE-----\nMIIB!!\n");
    refused("malformed PEM", "cert", "print", "@trunc.crt");
    refused("no such file", "cert", "print", "@missing.crt");
    ok(sign("--name", "web", "--ip", "100.64.0.1/10", "--out-key", "@web.key", "--out-crt", "@web.crt"));
    refused("not a CA certificate", "cert", "verify", "--ca", "@web.crt", "@ca.crt");
  }

  @Test
  void refusesToOverwriteWithoutForce() throws Exception {
    String before = Files.readString(dir.resolve("ca.key"));
    refused("file exists (use --force to overwrite)", "ca", "init", "--name", "again", "--out-crt", "@new.crt", "--out-key", "@ca.key");
    assertEquals(before, Files.readString(dir.resolve("ca.key")), "nothing lost");
    assertFalse(Files.exists(dir.resolve("new.crt")));
    ok("ca", "init", "--name", "again", "--out-crt", "@ca.crt", "--out-key", "@ca.key", "--force");
    assertFalse(before.equals(Files.readString(dir.resolve("ca.key"))));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key"))));
  }

  @Test
  void aRefusedWriteLeavesNoFileBehind() throws Exception {
    refused("nodir/p.crt: no such directory", "ca", "init", "--name", "p", "--out-crt", "@nodir/p.crt", "--out-key", "@p.key");
    assertFalse(Files.exists(dir.resolve("p.key")), "no key without its certificate");
    refused("nodir/p2.crt: no such directory", sign("--name", "p", "--ip", "100.64.0.3/10", "--out-key", "@p2.key",
        "--out-crt", "@nodir/p2.crt"));
    assertFalse(Files.exists(dir.resolve("p2.key")));
    refused("given for two outputs", "cert", "keygen", "--out-key", "@same", "--out-pub", "@same");
    assertFalse(Files.exists(dir.resolve("same")));
    refused("is a directory", "cert", "keygen", "--out-key", "@", "--out-pub", "@n.pub");
    // the retry that a leftover key would have blocked
    ok("ca", "init", "--name", "p", "--out-crt", "@p.crt", "--out-key", "@p.key");
  }

  @Test
  void refusesDurationsDatesCannotHoldAndSloppyPrefixes() {
    refused("longer than 100 years", "ca", "init", "--name", "big", "--duration", "3650000d", "--out-crt", "@b.crt",
        "--out-key", "@b.key");
    refused("longer than 100 years", "ca", "init", "--name", "big", "--duration", "999999999d".repeat(40),
        "--out-crt", "@b.crt", "--out-key", "@b.key");
    refused("longer than 100 years", sign("--name", "a", "--ip", "100.64.0.1/10", "--duration", "999999999h",
        "--out-key", "@a2.key", "--out-crt", "@a2.crt"));
    refused("network 100.64.0.1/10 has host bits set (did you mean 100.64.0.0/10?)", "ca", "init", "--name", "h",
        "--networks", "100.64.0.1/10", "--out-crt", "@h.crt", "--out-key", "@h.key");
    refused("subnet 198.51.100.1/24 has host bits set", "ca", "init", "--name", "h", "--subnets", "198.51.100.1/24",
        "--out-crt", "@h.crt", "--out-key", "@h.key");
    refused("duplicate address", sign("--name", "a", "--ip", "100.64.0.1/10", "--subnets", "198.51.100.0/26,198.51.100.0/26",
        "--out-key", "@a3.key", "--out-crt", "@a3.crt"));
    refused("IPv4-mapped IPv6 address: write it as IPv4", sign("--name", "a", "--ip", "::ffff:100.64.0.9/106",
        "--out-key", "@a4.key", "--out-crt", "@a4.crt"));
  }

  @Test
  void encryptWithoutAPassphraseSaysSo() {
    refused("--encrypt needs a passphrase", "ca", "init", "--name", "enc", "--encrypt", "--out-crt", "@x.crt",
        "--out-key", "@x.key");
    assertFalse(Files.exists(dir.resolve("x.key")));
  }

  @Test
  void encryptedCaKeyFromTheEnvironmentOrATerminal() throws Exception {
    env.put("WEFT_CA_PASSPHRASE", "s3cret");
    ok("ca", "init", "--name", "enc", "--encrypt", "--out-crt", "@e.crt", "--out-key", "@e.key");
    assertTrue(Files.readString(dir.resolve("e.key")).contains("ENCRYPTED PRIVATE KEY"));
    ok("cert", "sign", "--ca-crt", "@e.crt", "--ca-key", "@e.key", "--name", "a", "--ip", "100.64.0.1/10",
        "--out-key", "@a.key", "--out-crt", "@a.crt");
    env.put("WEFT_CA_PASSPHRASE", "wrong");
    refused("wrong passphrase", "cert", "sign", "--ca-crt", "@e.crt", "--ca-key", "@e.key", "--name", "b",
        "--ip", "100.64.0.2/10", "--out-key", "@b.key", "--out-crt", "@b.crt");
    assertFalse(Files.exists(dir.resolve("b.key")), "a refusal writes nothing");
    env.remove("WEFT_CA_PASSPHRASE");
    refused("set WEFT_CA_PASSPHRASE or run in a terminal", "cert", "sign", "--ca-crt", "@e.crt", "--ca-key", "@e.key",
        "--name", "b", "--ip", "100.64.0.2/10", "--out-key", "@b.key", "--out-crt", "@b.crt");
    typed = "s3cret";
    ok("cert", "sign", "--ca-crt", "@e.crt", "--ca-key", "@e.key", "--name", "b", "--ip", "100.64.0.2/10",
        "--out-key", "@b.key", "--out-crt", "@b.crt");
    assertEquals(List.of("CA passphrase: ", "CA passphrase: "), prompts);
  }

  @Test
  void usageErrorsExit2AndEveryCommandHasHelp() {
    assertEquals(2, weft("cert", "sign", "--name", "x").exit());
    assertEquals(2, weft("cert", "sign", "--name", "x", "--ip", "100.64.0.1/10", "--pub", "@p", "--out-key", "@k", "--out-crt", "@c").exit(),
        "--pub and --out-key exclude each other");
    for (String[] cmd : List.of(new String[] {"ca", "init"}, new String[] {"ca", "revoke"}, new String[] {"cert", "keygen"}, new String[] {"cert", "sign"},
        new String[] {"cert", "print"}, new String[] {"cert", "verify"}, new String[] {"ca"}, new String[] {"cert"})) {
      List<String> a = new ArrayList<>(List.of(cmd));
      a.add("--help");
      Result r = weft(a.toArray(String[]::new));
      assertEquals(0, r.exit(), String.join(" ", a));
      assertTrue(r.out().contains("Usage: weft " + String.join(" ", cmd)), r.out());
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
