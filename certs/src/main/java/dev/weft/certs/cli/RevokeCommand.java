package dev.weft.certs.cli;

import dev.weft.certs.CaKeyFile;
import dev.weft.certs.CertsException;
import dev.weft.certs.Revocation;
import dev.weft.certs.SecureFiles;
import dev.weft.certs.WeftCertificate;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code weft ca revoke}: a CA-signed revocation of one of its node certificates. */
@Command(
    name = "revoke",
    mixinStandardHelpOptions = true,
    description = {
      "Revoke a node certificate: write a revocation signed by the CA (PEM).",
      "It names the certificate's fingerprint, serial and X25519 key; nodes that",
      "load it refuse that certificate and any other for the same key. No expiry."
    },
    footer = {"", "Example:",
      "  weft ca revoke --ca-crt ca.crt --ca-key ca.key --cert web1.crt \\",
      "      --out web1.revoked",
      "  weft cert verify --ca ca.crt --revocations web1.revoked web1.crt"})
final class RevokeCommand extends CertsCommand {
  @Option(names = "--ca-crt", defaultValue = "ca.crt", paramLabel = "FILE", description = "CA certificate (default: ${DEFAULT-VALUE}).")
  Path caCrt;

  @Option(names = "--ca-key", defaultValue = "ca.key", paramLabel = "FILE", description = "CA private key (default: ${DEFAULT-VALUE}).")
  Path caKey;

  @Option(names = "--cert", required = true, paramLabel = "FILE", description = "The node certificate to revoke.")
  Path cert;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Revocation output (PEM).")
  Path out;

  @Option(names = "--force", description = "Overwrite an existing output file.")
  boolean force;

  RevokeCommand(CliEnv env) {
    super(env);
  }

  @Override
  int execute() throws CertsException {
    SecureFiles.checkOutputs(force, out);
    WeftCertificate ca = WeftCertificate.load(caCrt);
    WeftCertificate revoked = WeftCertificate.load(cert);
    Revocation r = Revocation.issue(ca, CaKeyFile.load(caKey, () -> passphrase(false)), revoked, env.clock().instant());
    r.save(out, force);
    out().printf("revocation of '%s' written to %s%nfingerprint %s, serial %s, key %s%n", revoked.name(), out,
        r.certFingerprint(), r.serial().toString(16), java.util.Base64.getEncoder().encodeToString(r.subjectKey()));
    return 0;
  }
}
