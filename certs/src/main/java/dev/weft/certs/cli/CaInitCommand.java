package dev.weft.certs.cli;

import dev.weft.certs.CaConstraints;
import dev.weft.certs.CaKeyFile;
import dev.weft.certs.CertificateAuthority;
import dev.weft.certs.CertsException;
import dev.weft.certs.Durations;
import dev.weft.certs.SecureFiles;
import dev.weft.ip.IpPrefix;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code weft ca init}: a new CA key and self-signed certificate. */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = {
      "Create a CA: an Ed25519 key and a self-signed X.509 CA certificate (PEM).",
      "--networks, --groups and --subnets limit what the CA signs (none: anything).",
      "A CA with --networks grants no subnets unless --subnets lists them;",
      "--any-subnet (the same as --subnets 0.0.0.0/0,::/0) grants any."
    },
    footer = {"", "Example:", "  weft ca init --name acme --networks 100.64.0.0/10,fd00:77::/48 --duration 8760h"})
final class CaInitCommand extends CertsCommand {
  @Option(names = "--name", required = true, description = "Name of the CA (its certificate's common name).")
  String name;

  @Option(names = "--networks", split = ",", paramLabel = "CIDR", description = "Overlay networks node IPs must lie in.")
  List<String> networks;

  @Option(names = "--groups", split = ",", paramLabel = "GROUP", description = "The only groups the CA may grant.")
  List<String> groups;

  @ArgGroup(exclusive = true)
  SubnetGrant subnetGrant;

  static final class SubnetGrant {
    @Option(names = "--subnets", split = ",", paramLabel = "CIDR", description = "The only subnets nodes may be allowed to advertise.")
    List<String> subnets;

    @Option(names = "--any-subnet", description = "Nodes may be allowed any subnet, even with --networks.")
    boolean any;
  }

  @Option(names = "--duration", defaultValue = "8760h", description = "Validity, e.g. 8760h, 90d, 1h30m (default: ${DEFAULT-VALUE}).")
  String duration;

  @Option(names = "--out-crt", defaultValue = "ca.crt", paramLabel = "FILE", description = "CA certificate output (default: ${DEFAULT-VALUE}).")
  Path outCrt;

  @Option(names = "--out-key", defaultValue = "ca.key", paramLabel = "FILE", description = "CA private key output, mode 0600 (default: ${DEFAULT-VALUE}).")
  Path outKey;

  @Option(names = "--encrypt", description = "Encrypt the key with a passphrase (from WEFT_CA_PASSPHRASE, or asked).")
  boolean encrypt;

  @Option(names = "--force", description = "Overwrite existing output files.")
  boolean force;

  CaInitCommand(CliEnv env) {
    super(env);
  }

  private Optional<List<IpPrefix>> subnets() throws CertsException {
    if (subnetGrant == null) {
      return Optional.empty();
    }
    return Optional.of(subnetGrant.any ? CaConstraints.ANY_SUBNET : Parsing.prefixes(subnetGrant.subnets, "--subnets"));
  }

  @Override
  int execute() throws CertsException {
    SecureFiles.checkOutputs(force, outCrt, outKey);
    var constraints =
        new CaConstraints(
            networks == null ? Optional.empty() : Optional.of(Parsing.prefixes(networks, "--networks")),
            groups == null ? Optional.empty() : Optional.of(Parsing.strings(groups)),
            subnets());
    var request = new CertificateAuthority.CaRequest(name, constraints, Durations.parse(duration));
    char[] pass = encrypt ? passphrase(true) : null;
    try {
      var ca = CertificateAuthority.create(request, env.clock().instant(), env.random());
      CaKeyFile.save(ca.privateKey(), outKey, pass, env.random(), force);
      try {
        SecureFiles.write(outCrt, ca.certificate().toPem().getBytes(StandardCharsets.US_ASCII), false, force);
      } catch (CertsException e) {
        SecureFiles.removeAfterFailure(outKey); // a key without its certificate is of no use
        throw e;
      }
      out().printf("CA '%s' created: %s (certificate), %s (key%s)%nfingerprint %s, valid until %s%n",
          ca.certificate().name(), outCrt, outKey, encrypt ? ", encrypted" : "",
          ca.certificate().fingerprint(), ca.certificate().notAfter());
      return 0;
    } finally {
      if (pass != null) {
        java.util.Arrays.fill(pass, '\0');
      }
    }
  }
}
