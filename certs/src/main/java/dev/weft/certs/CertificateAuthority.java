package dev.weft.certs;

import dev.weft.ip.IpPrefix;
import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/** A CA: its certificate and private key; it creates itself and signs node certificates. */
public final class CertificateAuthority {
  private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  /** Clock skew between machines: certificates start a little in the past. */
  static final Duration BACKDATE = Duration.ofMinutes(5);

  private final WeftCertificate certificate;
  private final Ed25519PrivateKeyParameters key;

  public CertificateAuthority(WeftCertificate certificate, Ed25519PrivateKeyParameters key) throws CertsException {
    if (!certificate.isCa()) {
      throw new CertsException("not a CA certificate: " + certificate.name());
    }
    if (!java.security.MessageDigest.isEqual(certificate.publicKey(), key.generatePublicKey().getEncoded())) {
      throw new CertsException("the CA key does not match the CA certificate");
    }
    this.certificate = certificate;
    this.key = key;
  }

  /** What {@code weft ca init} asks for. An empty optional leaves that dimension unconstrained. */
  public record CaRequest(String name, CaConstraints constraints, Duration duration) {}

  /** What {@code weft cert sign} asks for. A null duration means "until the CA expires". */
  public record NodeRequest(
      String name, List<IpPrefix> ips, List<String> groups, List<IpPrefix> subnets, Duration duration,
      NodePublicKeys keys) {
    public NodeRequest {
      ips = List.copyOf(ips);
      groups = List.copyOf(groups);
      subnets = List.copyOf(subnets);
    }
  }

  /** Makes a new CA: a fresh Ed25519 key and its self-signed certificate. */
  public static CertificateAuthority create(CaRequest request, Instant now, SecureRandom random)
      throws CertsException {
    String name = request.name().strip();
    if (name.isEmpty() || name.length() > 64 || !name.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      throw new CertsException("CA name must be 1-64 printable ASCII characters");
    }
    CaConstraints c = request.constraints();
    if (c.groups().isPresent()) {
      checkGroups(c.groups().get());
    }
    if (c.networks().isPresent()) {
      noDuplicates(c.networks().get());
      noHostBits(c.networks().get(), "network");
    }
    if (c.subnets().isPresent()) {
      noDuplicates(c.subnets().get());
      noHostBits(c.subnets().get(), "subnet");
    }
    Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(random);
    Ed25519PublicKeyParameters pub = key.generatePublicKey();
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name).build();
    Instant notBefore = now.minus(BACKDATE).truncatedTo(ChronoUnit.SECONDS);
    Instant notAfter = now.plus(positive(request.duration())).truncatedTo(ChronoUnit.SECONDS);
    SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(KeyCodec.spki(pub));
    var b = new X509v3CertificateBuilder(subject, serial(random), Date.from(notBefore), Date.from(notAfter), subject, spki);
    try {
      var utils = new BcX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(spki));
      if (c.networks().isPresent()) {
        b.addExtension(WeftExtensions.NETWORKS, false, WeftExtensions.prefixes(c.networks().get()));
      }
      if (c.groups().isPresent()) {
        b.addExtension(WeftExtensions.GROUPS, false, WeftExtensions.strings(c.groups().get()));
      }
      if (c.subnets().isPresent()) {
        b.addExtension(WeftExtensions.SUBNETS, false, WeftExtensions.prefixes(c.subnets().get()));
      }
    } catch (CertIOException e) {
      throw new CertsException("cannot build the CA certificate: " + e.getMessage(), e);
    }
    byte[] der = encode(b, key);
    return new CertificateAuthority(WeftCertificate.fromDer(der), key);
  }

  /**
   * Signs a node certificate, refusing anything the CA does not allow: a bad name, IPs outside its
   * networks, groups or subnets it does not grant, a validity beyond its own, an expired CA.
   */
  public WeftCertificate sign(NodeRequest request, Instant now, SecureRandom random) throws CertsException {
    String name = DnsLabel.check(request.name());
    if (request.ips().isEmpty()) {
      throw new CertsException("a node certificate needs at least one overlay IP (--ip)");
    }
    noDuplicates(request.ips());
    checkGroups(request.groups());
    noDuplicates(request.subnets());
    noHostBits(request.subnets(), "subnet");
    certificate.constraints().check(request.ips(), request.groups(), request.subnets());
    if (now.isAfter(certificate.notAfter())) {
      throw new CertsException("the CA expired at " + certificate.notAfter());
    }
    Instant notBefore = now.minus(BACKDATE).truncatedTo(ChronoUnit.SECONDS);
    if (notBefore.isBefore(certificate.notBefore())) {
      notBefore = certificate.notBefore();
    }
    Instant notAfter;
    if (request.duration() == null) {
      notAfter = certificate.notAfter().minusSeconds(1);
    } else {
      notAfter = now.plus(positive(request.duration())).truncatedTo(ChronoUnit.SECONDS);
      if (notAfter.isAfter(certificate.notAfter())) {
        throw new CertsException(
            "duration " + Durations.format(request.duration()) + " reaches beyond the CA's expiry "
                + certificate.notAfter() + "; shorten it or omit --duration");
      }
    }
    X500Name issuer = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, certificate.name()).build();
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name).build();
    SubjectPublicKeyInfo spki =
        SubjectPublicKeyInfo.getInstance(KeyCodec.spki(new X25519PublicKeyParameters(request.keys().x25519())));
    var b = new X509v3CertificateBuilder(issuer, serial(random), Date.from(notBefore), Date.from(notAfter), subject, spki);
    try {
      var utils = new BcX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyAgreement));
      b.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(spki));
      b.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          utils.createAuthorityKeyIdentifier(
              SubjectPublicKeyInfo.getInstance(KeyCodec.spki(key.generatePublicKey()))));
      GeneralName[] san = new GeneralName[request.ips().size() + 1];
      san[0] = new GeneralName(GeneralName.dNSName, name);
      for (int i = 0; i < request.ips().size(); i++) {
        san[i + 1] = new GeneralName(GeneralName.iPAddress, new DEROctetString(request.ips().get(i).address()));
      }
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san));
      b.addExtension(WeftExtensions.SIGNING_KEY, false, new DEROctetString(request.keys().ed25519()));
      b.addExtension(WeftExtensions.NETWORKS, false, WeftExtensions.prefixes(request.ips()));
      if (!request.groups().isEmpty()) {
        b.addExtension(WeftExtensions.GROUPS, false, WeftExtensions.strings(request.groups()));
      }
      if (!request.subnets().isEmpty()) {
        b.addExtension(WeftExtensions.SUBNETS, false, WeftExtensions.prefixes(request.subnets()));
      }
      b.addExtension(
          WeftExtensions.ISSUER_FINGERPRINT,
          false,
          new DEROctetString(HexFormat.of().parseHex(certificate.fingerprint())));
    } catch (CertIOException e) {
      throw new CertsException("cannot build the certificate: " + e.getMessage(), e);
    }
    return WeftCertificate.fromDer(encode(b, key));
  }

  public WeftCertificate certificate() {
    return certificate;
  }

  /** The private key, for saving right after {@link #create}. */
  public Ed25519PrivateKeyParameters privateKey() {
    return key;
  }

  private static byte[] encode(X509v3CertificateBuilder b, Ed25519PrivateKeyParameters key) throws CertsException {
    try {
      return b.build(new Ed25519ContentSigner(key)).getEncoded();
    } catch (IOException e) {
      throw new CertsException("cannot encode the certificate", e);
    }
  }

  private static BigInteger serial(SecureRandom random) {
    return new BigInteger(127, random).add(BigInteger.ONE);
  }

  private static Duration positive(Duration d) throws CertsException {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new CertsException("duration must be positive");
    }
    return d;
  }

  static void checkGroups(List<String> groups) throws CertsException {
    for (String g : groups) {
      if (!GROUP.matcher(g).matches()) {
        throw new CertsException(
            "group '" + DnsLabel.printable(g) + "' is not a valid group name (letters, digits, '.', '_', '-'; up to 64)");
      }
    }
    if (new LinkedHashSet<>(groups).size() != groups.size()) {
      throw new CertsException("duplicate group in " + groups);
    }
  }

  private static void noHostBits(List<IpPrefix> prefixes, String what) throws CertsException {
    for (IpPrefix p : prefixes) {
      if (!p.equals(p.network())) {
        throw new CertsException(what + " " + p + " has host bits set (did you mean " + p.network() + "?)");
      }
    }
  }

  private static void noDuplicates(List<IpPrefix> prefixes) throws CertsException {
    if (new LinkedHashSet<>(prefixes).size() != prefixes.size()) {
      throw new CertsException("duplicate address in " + prefixes);
    }
  }
}
