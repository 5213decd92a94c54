package dev.weft.certs;

import dev.weft.ip.IpPrefix;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcEdDSAContentVerifierProviderBuilder;
import org.bouncycastle.cert.CertException;

/**
 * A weft certificate, parsed and checked for shape (not for trust: see {@link
 * CertificateVerifier}). Either a CA certificate (self-signed, Ed25519 subject key, optional
 * constraints) or a node certificate (X25519 subject key, Ed25519 signing key, overlay IPs,
 * groups and subnets in weft's extensions, name and IPs in the subject alternative name).
 */
public final class WeftCertificate {
  private static final AlgorithmIdentifier ED25519 = new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519);
  private final X509CertificateHolder holder;
  private final byte[] der;
  private final String fingerprint;
  private final boolean ca;
  private final String name;
  private final byte[] publicKey;
  private final byte[] signingKey;
  private final List<IpPrefix> ips;
  private final List<String> groups;
  private final List<IpPrefix> subnets;
  private final CaConstraints constraints;
  private final String caFingerprint;
  private final Instant notBefore;
  private final Instant notAfter;

  private WeftCertificate(X509CertificateHolder holder, byte[] der) throws CertsException {
    this.holder = holder;
    this.der = der;
    this.fingerprint = sha256Hex(der);
    if (holder.toASN1Structure().getVersionNumber() != 3) {
      throw malformed("not an X.509 v3 certificate");
    }
    // The outer algorithm identifier is outside the signature: insist on the one form (RFC 8410:
    // no parameters), the same in both places, so that it cannot be varied either.
    AlgorithmIdentifier outerAlg = holder.getSignatureAlgorithm();
    if (!ED25519.equals(outerAlg) || !ED25519.equals(holder.toASN1Structure().getTBSCertificate().getSignature())) {
      throw malformed("signature algorithm must be Ed25519 without parameters, as in the TBS");
    }
    // BouncyCastle parses the validity dates only when asked: ask now, so that a damaged date is
    // a parse error here and not an exception wherever the certificate is later used.
    try {
      this.notBefore = holder.getNotBefore().toInstant();
      this.notAfter = holder.getNotAfter().toInstant();
    } catch (RuntimeException e) {
      throw malformed("bad validity dates");
    }
    if (notAfter.isBefore(notBefore)) {
      throw malformed("validity ends before it starts");
    }
    Extensions ext = holder.getExtensions();
    if (ext == null) {
      throw malformed("no extensions (not a weft certificate)");
    }
    BasicConstraints bc;
    try {
      bc = BasicConstraints.fromExtensions(ext);
    } catch (RuntimeException e) {
      throw malformed("bad basicConstraints");
    }
    this.ca = bc != null && bc.isCA();
    this.name = commonName(holder);
    AsymmetricKeyParameter subjectKey = KeyCodec.publicKey(holder.getSubjectPublicKeyInfo(), "certificate");
    if (ca) {
      if (!(subjectKey instanceof Ed25519PublicKeyParameters edKey)) {
        throw malformed("a CA key must be Ed25519");
      }
      if (!holder.getIssuer().equals(holder.getSubject())) {
        throw malformed("a weft CA certificate must be self-signed");
      }
      this.publicKey = edKey.getEncoded();
      this.signingKey = publicKey;
      this.ips = List.of();
      this.groups = List.of();
      this.subnets = List.of();
      this.constraints =
          new CaConstraints(
              optional(ext, WeftExtensions.NETWORKS).isPresent()
                  ? Optional.of(WeftExtensions.decodePrefixes(optional(ext, WeftExtensions.NETWORKS).get()))
                  : Optional.empty(),
              optional(ext, WeftExtensions.GROUPS).isPresent()
                  ? Optional.of(WeftExtensions.decodeStrings(optional(ext, WeftExtensions.GROUPS).get()))
                  : Optional.empty(),
              optional(ext, WeftExtensions.SUBNETS).isPresent()
                  ? Optional.of(WeftExtensions.decodePrefixes(optional(ext, WeftExtensions.SUBNETS).get()))
                  : Optional.empty());
      this.caFingerprint = fingerprint;
    } else {
      if (!(subjectKey instanceof X25519PublicKeyParameters xKey)) {
        throw malformed("a node certificate's subject key must be X25519");
      }
      this.publicKey = xKey.getEncoded();
      this.signingKey = WeftExtensions.decodeOctets(required(ext, WeftExtensions.SIGNING_KEY), 32);
      this.ips = WeftExtensions.decodePrefixes(required(ext, WeftExtensions.NETWORKS));
      if (ips.isEmpty()) {
        throw malformed("a node certificate needs at least one overlay IP");
      }
      this.groups = optional(ext, WeftExtensions.GROUPS).isPresent()
          ? WeftExtensions.decodeStrings(optional(ext, WeftExtensions.GROUPS).get())
          : List.of();
      this.subnets = optional(ext, WeftExtensions.SUBNETS).isPresent()
          ? WeftExtensions.decodePrefixes(optional(ext, WeftExtensions.SUBNETS).get())
          : List.of();
      this.constraints = CaConstraints.NONE;
      this.caFingerprint =
          HexFormat.of().formatHex(WeftExtensions.decodeOctets(required(ext, WeftExtensions.ISSUER_FINGERPRINT), 32));
      checkSubjectAltNames(ext);
    }
  }

  /** Parses one DER certificate. */
  public static WeftCertificate fromDer(byte[] der) throws CertsException {
    if (der.length > SecureFiles.MAX_INPUT) {
      throw malformed("too large");
    }
    X509CertificateHolder holder;
    byte[] canonical;
    try {
      holder = new X509CertificateHolder(der);
      canonical = holder.toASN1Structure().getEncoded(ASN1Encoding.DER);
    } catch (IOException | RuntimeException e) {
      throw malformed("not a DER X.509 certificate");
    }
    // BouncyCastle reads BER and checks the signature over the TBS re-encoded as DER, so a BER
    // copy of a certificate verifies yet hashes to another fingerprint, slipping past a blocklist.
    // Only the one canonical encoding is a certificate.
    if (!Arrays.equals(canonical, der)) {
      throw malformed("not in canonical DER encoding (re-encoded?)");
    }
    try {
      return new WeftCertificate(holder, der.clone());
    } catch (RuntimeException e) {
      // BouncyCastle signals some structural problems with unchecked exceptions.
      throw malformed(e.getClass().getSimpleName());
    }
  }

  /** Parses every {@code CERTIFICATE} block of PEM text (a bundle may hold several). */
  public static List<WeftCertificate> fromPem(byte[] pem, String what) throws CertsException {
    List<WeftCertificate> out = new ArrayList<>();
    for (byte[] der : Pem.readOfType(pem, what, "CERTIFICATE")) {
      try {
        out.add(fromDer(der));
      } catch (CertsException e) {
        throw new CertsException(what + ": " + e.getMessage());
      }
    }
    return out;
  }

  /** Reads a PEM file holding exactly one certificate. */
  public static WeftCertificate load(Path file) throws CertsException {
    List<WeftCertificate> certs = fromPem(SecureFiles.read(file), file.toString());
    if (certs.size() != 1) {
      throw new CertsException(file + ": expected one certificate, found " + certs.size());
    }
    return certs.get(0);
  }

  public String toPem() {
    return Pem.write("CERTIFICATE", der);
  }

  /** Whether {@code issuer}'s key made this certificate's signature. */
  boolean isSignedBy(WeftCertificate issuer) {
    try {
      var provider =
          new BcEdDSAContentVerifierProviderBuilder()
              .build(new Ed25519PublicKeyParameters(issuer.signingKey));
      return holder.isSignatureValid(provider);
    } catch (OperatorCreationException | CertException | RuntimeException e) {
      return false;
    }
  }

  private void checkSubjectAltNames(Extensions ext) throws CertsException {
    GeneralNames san;
    try {
      san = GeneralNames.fromExtensions(ext, Extension.subjectAlternativeName);
    } catch (RuntimeException e) {
      throw malformed("bad subjectAltName");
    }
    if (san == null) {
      throw malformed("no subjectAltName");
    }
    List<byte[]> sanIps = new ArrayList<>();
    boolean nameSeen = false;
    for (GeneralName g : san.getNames()) {
      if (g.getTagNo() == GeneralName.dNSName) {
        nameSeen |= g.getName().toString().equals(name);
      } else if (g.getTagNo() == GeneralName.iPAddress) {
        sanIps.add(ASN1OctetString.getInstance(g.getName()).getOctets());
      }
    }
    if (!nameSeen) {
      throw malformed("subjectAltName does not carry the name '" + name + "'");
    }
    if (sanIps.size() != ips.size()) {
      throw malformed("subjectAltName IPs differ from the overlay IPs");
    }
    for (int i = 0; i < ips.size(); i++) {
      if (!Arrays.equals(sanIps.get(i), ips.get(i).address())) {
        throw malformed("subjectAltName IPs differ from the overlay IPs");
      }
    }
  }

  private static Optional<byte[]> optional(Extensions ext, org.bouncycastle.asn1.ASN1ObjectIdentifier oid) {
    Extension e = ext.getExtension(oid);
    return e == null ? Optional.empty() : Optional.of(e.getExtnValue().getOctets());
  }

  private static byte[] required(Extensions ext, org.bouncycastle.asn1.ASN1ObjectIdentifier oid)
      throws CertsException {
    return optional(ext, oid).orElseThrow(() -> malformed("missing weft extension " + oid.getId()));
  }

  private static String commonName(X509CertificateHolder holder) throws CertsException {
    RDN[] cns = holder.getSubject().getRDNs(BCStyle.CN);
    if (cns.length != 1) {
      throw malformed("subject must have exactly one common name");
    }
    return IETFUtils.valueToString(cns[0].getFirst().getValue());
  }

  private static CertsException malformed(String why) {
    return new CertsException("malformed certificate: " + why);
  }

  static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e); // every JDK has SHA-256
    }
  }

  public byte[] der() {
    return der.clone();
  }

  /** SHA-256 of the DER, lower-case hex. */
  public String fingerprint() {
    return fingerprint;
  }

  public boolean isCa() {
    return ca;
  }

  public String name() {
    return name;
  }

  public Instant notBefore() {
    return notBefore;
  }

  public Instant notAfter() {
    return notAfter;
  }

  public BigInteger serial() {
    return holder.getSerialNumber();
  }

  /** The subject key: X25519 for a node (its WireGuard key), Ed25519 for a CA. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** The Ed25519 key: a node's record-signing key, or the CA's own key. */
  public byte[] signingKey() {
    return signingKey.clone();
  }

  /** A node's overlay addresses with their prefix length; empty for a CA. */
  public List<IpPrefix> ips() {
    return ips;
  }

  public List<String> groups() {
    return groups;
  }

  /** Subnets a node may advertise as routes; empty for a CA. */
  public List<IpPrefix> subnets() {
    return subnets;
  }

  /** What a CA may sign for; {@link CaConstraints#NONE} for a node. */
  public CaConstraints constraints() {
    return constraints;
  }

  /** The issuing CA's fingerprint (a CA's own fingerprint for a CA). */
  public String caFingerprint() {
    return caFingerprint;
  }

  @Override
  public String toString() {
    return (ca ? "CA " : "node ") + name + " " + fingerprint;
  }
}
