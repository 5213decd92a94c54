package dev.weft.lighthouse.channel;

import dev.weft.certs.CaConstraints;
import dev.weft.certs.CertificateAuthority;
import dev.weft.certs.CertificateVerifier;
import dev.weft.certs.CertsException;
import dev.weft.certs.NodeKeys;
import dev.weft.certs.RevocationSet;
import dev.weft.certs.TrustBundle;
import dev.weft.certs.WeftCertificate;
import dev.weft.ip.IpPrefix;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A CA and its node certificates, built with the certs API, for the channel's (and relays') tests. */
public final class Pki {
    public static final SecureRandom RANDOM = new SecureRandom();

    public record Node(NodeKeys keys, WeftCertificate certificate) {
    }

    final Instant now;
    final CertificateAuthority ca;
    final TrustBundle bundle;
    public final RevocationSet revoked = new RevocationSet();
    private int next = 10;

    public Pki(String name, Instant now) {
        this.now = now;
        try {
            this.ca = CertificateAuthority.create(
                    new CertificateAuthority.CaRequest(name, CaConstraints.NONE, Duration.ofDays(365)), now, RANDOM);
            this.bundle = TrustBundle.of(List.of(ca.certificate()));
        } catch (CertsException e) {
            throw new IllegalStateException(e);
        }
    }

    public CertificateVerifier verifier() {
        return new CertificateVerifier(bundle, revoked);
    }

    public Node node(String name) {
        return node(name, null);
    }

    public Node node(String name, Duration validity) {
        NodeKeys keys = NodeKeys.generate(RANDOM);
        try {
            IpPrefix ip = IpPrefix.parse("100.64.0." + next++ + "/10");
            WeftCertificate cert = ca.sign(new CertificateAuthority.NodeRequest(name, List.of(ip), List.of("web"),
                    List.of(), validity, keys.publicKeys()), now, RANDOM);
            return new Node(keys, cert);
        } catch (CertsException e) {
            throw new IllegalStateException(e);
        }
    }
}
