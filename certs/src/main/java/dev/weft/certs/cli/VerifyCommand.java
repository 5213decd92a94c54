package dev.weft.certs.cli;

import dev.weft.certs.CertificateVerifier;
import dev.weft.certs.CertsException;
import dev.weft.certs.Revocation;
import dev.weft.certs.RevocationSet;
import dev.weft.certs.SecureFiles;
import dev.weft.certs.TrustBundle;
import dev.weft.certs.Verdict;
import dev.weft.certs.WeftCertificate;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code weft cert verify}: would a node trust this certificate now? */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Verify a certificate against trusted CAs: signature, validity, CA",
      "constraints, blocklist, revocations (each signed by one of the --ca CAs).",
      "Exit 0 when valid; otherwise exit 1 and one line naming the reason."
    })
final class VerifyCommand extends CertsCommand {
  @Option(names = "--ca", required = true, split = ",", paramLabel = "FILE", description = "Trusted CA certificate files (several for rotation).")
  List<Path> cas;

  @Option(names = "--blocklist", paramLabel = "FILE",
      description = "Revoked certificates, one per line (# comments): a fingerprint, 'serial <CA fingerprint> <hex>' or 'key <base64>'.")
  Path blocklist;

  @Option(names = "--revocations", split = ",", paramLabel = "FILE", description = "CA-signed revocation files (from 'weft ca revoke').")
  List<Path> revocations = List.of();

  @Parameters(paramLabel = "FILE", description = "The certificate to verify (PEM).")
  Path file;

  VerifyCommand(CliEnv env) {
    super(env);
  }

  @Override
  int execute() throws CertsException {
    TrustBundle bundle = TrustBundle.load(cas);
    RevocationSet revoked = blocklist == null ? new RevocationSet() : RevocationSet.load(blocklist);
    for (Path f : revocations) {
      for (Revocation r : Revocation.load(f)) {
        try {
          revoked.add(r, bundle);
        } catch (CertsException e) {
          throw new CertsException(f + ": " + e.getMessage());
        }
      }
    }
    List<WeftCertificate> certs = WeftCertificate.fromPem(SecureFiles.read(file), file.toString());
    if (certs.size() != 1) {
      throw new CertsException(file + ": expected one certificate, found " + certs.size());
    }
    WeftCertificate cert = certs.get(0);
    var verifier = new CertificateVerifier(bundle, revoked);
    Verdict v = cert.isCa() ? verifier.verifyCa(cert, env.clock().instant()) : verifier.verify(cert, env.clock().instant());
    return switch (v) {
      case Verdict.Valid ok -> {
        out().printf("valid: %s '%s' (%s), until %s%n", cert.isCa() ? "CA" : "node", cert.name(), cert.fingerprint(), cert.notAfter());
        yield 0;
      }
      case Verdict.Invalid bad -> throw new CertsException("invalid: " + bad.reason());
    };
  }
}
