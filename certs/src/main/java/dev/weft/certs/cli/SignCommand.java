package dev.weft.certs.cli;

import dev.weft.certs.CaKeyFile;
import dev.weft.certs.CertificateAuthority;
import dev.weft.certs.CertsException;
import dev.weft.certs.Durations;
import dev.weft.certs.NodeKeys;
import dev.weft.certs.NodePublicKeys;
import dev.weft.certs.SecureFiles;
import dev.weft.certs.WeftCertificate;
import dev.weft.ip.IpPrefix;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code weft cert sign}: a node certificate from the CA. */
@Command(
    name = "sign",
    mixinStandardHelpOptions = true,
    description = {
      "Sign a node certificate with the CA.",
      "Give the node's public keys (--pub, from 'weft cert keygen'), or let this command make the keys (--out-key)."
    },
    footer = {"", "Example:",
      "  weft cert sign --ca-crt ca.crt --ca-key ca.key --name web1 \\",
      "      --ip 100.64.0.10/10,fd00:77::10/48 --groups web --subnets 198.51.100.0/24 \\",
      "      --pub web1.pub --out-crt web1.crt"})
final class SignCommand extends CertsCommand {
  @Option(names = "--ca-crt", defaultValue = "ca.crt", paramLabel = "FILE", description = "CA certificate (default: ${DEFAULT-VALUE}).")
  Path caCrt;

  @Option(names = "--ca-key", defaultValue = "ca.key", paramLabel = "FILE", description = "CA private key (default: ${DEFAULT-VALUE}).")
  Path caKey;

  @Option(names = "--name", required = true, description = "Node name, a DNS label (answers as <name>.<domain>).")
  String name;

  @Option(names = "--ip", required = true, split = ",", paramLabel = "CIDR",
      description = "Overlay IPs, each with the overlay network's prefix length (100.64.0.10/10), IPv4 and/or IPv6.")
  List<String> ips;

  @Option(names = "--groups", split = ",", paramLabel = "GROUP", description = "Groups of the node.")
  List<String> groups = List.of();

  @Option(names = "--subnets", split = ",", paramLabel = "CIDR", description = "Subnets the node may advertise as routes.")
  List<String> subnets = List.of();

  @Option(names = "--duration", description = "Validity, e.g. 720h (default: until 1s before the CA expires).")
  String duration;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Keys keys;

  static final class Keys {
    @Option(names = "--pub", paramLabel = "FILE", description = "The node's public keys (from 'weft cert keygen').")
    Path pub;

    @Option(names = "--out-key", paramLabel = "FILE", description = "Make new node keys and write them here (0600).")
    Path outKey;
  }

  @Option(names = "--out-crt", required = true, paramLabel = "FILE", description = "Node certificate output.")
  Path outCrt;

  @Option(names = "--force", description = "Overwrite existing output files.")
  boolean force;

  SignCommand(CliEnv env) {
    super(env);
  }

  @Override
  int execute() throws CertsException {
    if (keys.outKey != null) {
      SecureFiles.checkOutputs(force, outCrt, keys.outKey);
    } else {
      SecureFiles.checkOutputs(force, outCrt);
    }
    WeftCertificate caCert = WeftCertificate.load(caCrt);
    List<IpPrefix> overlayIps = overlayIps(caCert);
    CertificateAuthority ca = new CertificateAuthority(caCert, CaKeyFile.load(caKey, () -> passphrase(false)));
    NodeKeys made = keys.pub == null ? NodeKeys.generate(env.random()) : null;
    NodePublicKeys pub = made != null ? made.publicKeys() : NodePublicKeys.load(keys.pub);
    var request =
        new CertificateAuthority.NodeRequest(
            name,
            overlayIps,
            Parsing.strings(groups),
            Parsing.prefixes(subnets, "--subnets"),
            duration == null ? null : Durations.parse(duration),
            pub);
    WeftCertificate cert = ca.sign(request, env.clock().instant(), env.random());
    if (made != null) {
      made.save(keys.outKey, force);
    }
    try {
      SecureFiles.write(outCrt, cert.toPem().getBytes(StandardCharsets.US_ASCII), false, force);
    } catch (CertsException e) {
      if (made != null) {
        SecureFiles.removeAfterFailure(keys.outKey);
      }
      throw e;
    }
    out().printf("certificate for '%s' written to %s%nfingerprint %s, valid until %s%n",
        cert.name(), outCrt, cert.fingerprint(), cert.notAfter());
    return 0;
  }

  /**
   * The --ip values, each with an explicit prefix length. A bare address would be a /32 (or
   * /128), which gives the node no on-link route to the rest of its overlay: almost never what
   * was meant, so it is refused with the form expected, using the CA's network when one holds it.
   */
  private List<IpPrefix> overlayIps(WeftCertificate caCert) throws CertsException {
    for (String v : ips) {
      String s = v.strip();
      if (s.isEmpty() || s.indexOf('/') >= 0) {
        continue;
      }
      IpPrefix host = Parsing.prefixes(List.of(s), "--ip").get(0); // refuses what is not an address
      throw new CertsException("--ip: '" + s + "' has no prefix length: write ADDRESS/PREFIX with the overlay network's "
          + "prefix, e.g. " + s + "/" + suggestedLength(host, caCert) + " (or " + s + "/" + host.address().length * 8
          + " for the address alone)");
    }
    return Parsing.prefixes(ips, "--ip");
  }

  private static int suggestedLength(IpPrefix host, WeftCertificate caCert) {
    for (IpPrefix network : caCert.constraints().networks().orElse(List.of())) {
      if (network.contains(host)) {
        return network.length();
      }
    }
    if (!host.isIpv4()) {
      return 64;
    }
    return (host.address()[0] & 0xff) == 100 && (host.address()[1] & 0xc0) == 64 ? 10 : 24; // 100.64.0.0/10: weft's usual overlay
  }
}
