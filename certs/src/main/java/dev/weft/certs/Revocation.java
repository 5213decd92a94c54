package dev.weft.certs;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A CA's signed statement that one of its node certificates is revoked: a value that gossip can
 * carry to every node and a file that {@code weft cert verify --revocations} reads. It names the
 * certificate three ways (fingerprint, serial, subject X25519 key; see {@link RevocationSet}) and
 * carries no expiry: it stays true after the certificate expires.
 *
 * <p>Binary form, big-endian, at most {@link #MAX_ENCODED} bytes:
 *
 * <pre>
 * magic "WFRV" (4) | version 1 (1) | CA fingerprint (32) | certificate fingerprint (32)
 * | serial length n, 1..20 (1) | serial, unsigned, no leading zero byte (n) | subject X25519 key (32)
 * | issued at, seconds since the epoch (8) | Ed25519 signature by the CA (64)
 * </pre>
 *
 * The signature covers {@code "weft revocation v1\0"} followed by every byte before it, so that
 * it can mean nothing else than this. Decoding is strict: one value has exactly one encoding.
 */
public final class Revocation {
  /** The largest encoding (a 20-byte serial). */
  public static final int MAX_ENCODED = 4 + 1 + 32 + 32 + 1 + 20 + 32 + 8 + 64;

  static final String PEM_TYPE = "WEFT REVOCATION";
  private static final byte[] MAGIC = {'W', 'F', 'R', 'V'};
  private static final byte VERSION = 1;
  private static final byte[] DOMAIN = "weft revocation v1\0".getBytes(StandardCharsets.US_ASCII);
  private static final int MIN_ENCODED = MAX_ENCODED - 19;
  private static final int MAX_SERIAL = 20;
  /** 9999-12-31T23:59:59Z, the last second X.509 dates can name. */
  private static final long MAX_SECONDS = 253_402_300_799L;

  private final String caFingerprint;
  private final String certFingerprint;
  private final BigInteger serial;
  private final byte[] subjectKey;
  private final Instant issuedAt;
  private final byte[] signature;

  private Revocation(
      String caFingerprint, String certFingerprint, BigInteger serial, byte[] subjectKey, Instant issuedAt,
      byte[] signature) {
    this.caFingerprint = caFingerprint;
    this.certFingerprint = certFingerprint;
    this.serial = serial;
    this.subjectKey = subjectKey;
    this.issuedAt = issuedAt;
    this.signature = signature;
  }

  /**
   * The CA revokes {@code revoked}, one of its node certificates. {@code issuedAt} is kept to the
   * second.
   */
  public static Revocation issue(
      WeftCertificate ca, Ed25519PrivateKeyParameters caKey, WeftCertificate revoked, Instant issuedAt)
      throws CertsException {
    if (!ca.isCa()) {
      throw new CertsException("'" + ca.name() + "' is not a CA certificate");
    }
    if (!MessageDigest.isEqual(ca.publicKey(), caKey.generatePublicKey().getEncoded())) {
      throw new CertsException("the CA key does not match the CA certificate");
    }
    if (revoked.isCa()) {
      throw new CertsException("'" + revoked.name() + "' is a CA certificate: stop trusting it instead");
    }
    if (!revoked.caFingerprint().equals(ca.fingerprint()) || !revoked.isSignedBy(ca)) {
      throw new CertsException("certificate '" + revoked.name() + "' was not issued by CA '" + ca.name() + "'");
    }
    if (revoked.serial().signum() <= 0 || revoked.serial().bitLength() > 8 * MAX_SERIAL) {
      throw new CertsException("certificate '" + revoked.name() + "' has a serial number a revocation cannot name");
    }
    long seconds = issuedAt.getEpochSecond();
    if (seconds < 0 || seconds > MAX_SECONDS) {
      throw new CertsException("issue time out of range: " + issuedAt);
    }
    Revocation unsigned = new Revocation(ca.fingerprint(), revoked.fingerprint(), revoked.serial(), revoked.publicKey(),
        issuedAt.truncatedTo(ChronoUnit.SECONDS), new byte[64]);
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, caKey);
    byte[] message = unsigned.signedMessage();
    signer.update(message, 0, message.length);
    return new Revocation(unsigned.caFingerprint, unsigned.certFingerprint, unsigned.serial, unsigned.subjectKey,
        unsigned.issuedAt, signer.generateSignature());
  }

  /** Strictly decodes the binary form; anything else is a {@link CertsException} naming the problem. */
  public static Revocation decode(byte[] bytes) throws CertsException {
    if (bytes.length < MIN_ENCODED || bytes.length > MAX_ENCODED) {
      throw malformed(bytes.length + " bytes (expected " + MIN_ENCODED + " to " + MAX_ENCODED + ")");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    byte[] magic = new byte[4];
    b.get(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw malformed("not a weft revocation (bad magic)");
    }
    byte version = b.get();
    if (version != VERSION) {
      throw malformed("unsupported version " + (version & 0xff));
    }
    String ca = HexFormat.of().formatHex(take(b, 32));
    String cert = HexFormat.of().formatHex(take(b, 32));
    int serialLength = b.get() & 0xff;
    if (serialLength < 1 || serialLength > MAX_SERIAL) {
      throw malformed("serial length " + serialLength + " (expected 1 to " + MAX_SERIAL + ")");
    }
    if (bytes.length != MIN_ENCODED - 1 + serialLength) {
      throw malformed(bytes.length + " bytes do not match a serial of " + serialLength + " bytes");
    }
    byte[] serialBytes = take(b, serialLength);
    if (serialBytes[0] == 0) {
      throw malformed("serial has a leading zero byte");
    }
    byte[] key = take(b, 32);
    long seconds = b.getLong();
    if (seconds < 0 || seconds > MAX_SECONDS) {
      throw malformed("issue time out of range");
    }
    byte[] sig = take(b, 64);
    return new Revocation(ca, cert, new BigInteger(1, serialBytes), key, Instant.ofEpochSecond(seconds), sig);
  }

  private static byte[] take(ByteBuffer b, int n) {
    byte[] out = new byte[n];
    b.get(out);
    return out;
  }

  public byte[] encoded() {
    byte[] body = body();
    byte[] out = Arrays.copyOf(body, body.length + 64);
    System.arraycopy(signature, 0, out, body.length, 64);
    return out;
  }

  private byte[] body() {
    byte[] serialBytes = unsigned(serial);
    ByteBuffer b = ByteBuffer.allocate(MIN_ENCODED - 1 + serialBytes.length - 64);
    b.put(MAGIC).put(VERSION);
    b.put(HexFormat.of().parseHex(caFingerprint)).put(HexFormat.of().parseHex(certFingerprint));
    b.put((byte) serialBytes.length).put(serialBytes);
    b.put(subjectKey).putLong(issuedAt.getEpochSecond());
    return b.array();
  }

  private byte[] signedMessage() {
    byte[] body = body();
    byte[] m = Arrays.copyOf(DOMAIN, DOMAIN.length + body.length);
    System.arraycopy(body, 0, m, DOMAIN.length, body.length);
    return m;
  }

  private static byte[] unsigned(BigInteger n) {
    byte[] two = n.toByteArray();
    return two[0] == 0 && two.length > 1 ? Arrays.copyOfRange(two, 1, two.length) : two;
  }

  /**
   * Checks that the CA it names is in {@code bundle} and signed it; nothing else (no time: a
   * revocation outlives the certificate). Refuses with the reason.
   */
  public void verify(TrustBundle bundle) throws CertsException {
    Optional<WeftCertificate> ca = bundle.byFingerprint(caFingerprint);
    if (ca.isEmpty()) {
      throw new CertsException("revocation by unknown CA " + caFingerprint + " (not in the trusted CA bundle)");
    }
    Ed25519Signer verifier = new Ed25519Signer();
    verifier.init(false, new Ed25519PublicKeyParameters(ca.get().signingKey()));
    byte[] message = signedMessage();
    verifier.update(message, 0, message.length);
    if (!verifier.verifySignature(signature)) {
      throw new CertsException("revocation has a bad signature: not signed by CA '" + ca.get().name() + "'");
    }
  }

  /** Whether {@link #verify} accepts it. */
  public boolean isValidFor(TrustBundle bundle) {
    try {
      verify(bundle);
      return true;
    } catch (CertsException e) {
      return false;
    }
  }

  public String toPem() {
    return Pem.write(PEM_TYPE, encoded());
  }

  /** Every {@code WEFT REVOCATION} block of PEM text ({@code what} names it in errors). */
  public static List<Revocation> fromPem(byte[] pem, String what) throws CertsException {
    List<Revocation> out = new ArrayList<>();
    for (byte[] block : Pem.readOfType(pem, what, PEM_TYPE)) {
      try {
        out.add(decode(block));
      } catch (CertsException e) {
        throw new CertsException(what + ": " + e.getMessage());
      }
    }
    return out;
  }

  /** Reads a file of one or more PEM revocations. */
  public static List<Revocation> load(Path file) throws CertsException {
    return fromPem(SecureFiles.read(file), file.toString());
  }

  /** Writes the PEM form; an existing file only with {@code force}. */
  public void save(Path file, boolean force) throws CertsException {
    SecureFiles.write(file, toPem().getBytes(StandardCharsets.US_ASCII), false, force);
  }

  private static CertsException malformed(String why) {
    return new CertsException("malformed revocation: " + why);
  }

  /** SHA-256 of the issuing CA certificate, lower-case hex. */
  public String caFingerprint() {
    return caFingerprint;
  }

  /** The revoked certificate's fingerprint, lower-case hex. */
  public String certFingerprint() {
    return certFingerprint;
  }

  public BigInteger serial() {
    return serial;
  }

  /** The revoked certificate's subject key: the node's X25519 (WireGuard) key, 32 bytes. */
  public byte[] subjectKey() {
    return subjectKey.clone();
  }

  public Instant issuedAt() {
    return issuedAt;
  }

  public byte[] signature() {
    return signature.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Revocation r && Arrays.equals(r.encoded(), encoded());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encoded());
  }

  @Override
  public String toString() {
    return "Revocation[" + certFingerprint + " serial " + serial.toString(16) + " by CA " + caFingerprint + " at "
        + issuedAt + "]";
  }
}
