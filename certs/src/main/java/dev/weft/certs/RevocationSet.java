package dev.weft.certs;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;

/**
 * Revoked certificates, from a local blocklist file and from CA-signed revocations learned by
 * gossip. A certificate is refused when its fingerprint, its issuing CA's fingerprint with its
 * serial number, or its subject (X25519) key is listed: the last two cannot be changed by
 * re-encoding or re-issuing, so a revoked node stays out with any other certificate of its CA for
 * that serial, and with any certificate at all for its key.
 *
 * <p>Thread-safe; it only grows, up to {@link #MAX_ENTRIES} entries in all. Each entry remembers
 * how it was learned, for the refusal's reason.
 */
public final class RevocationSet {
  /** Bounds memory whatever is fed in: a network that revokes more should move to a new CA. */
  public static final int MAX_ENTRIES = 1_000_000;

  private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");
  /** RFC 5280: a serial number is at most 20 octets. */
  private static final Pattern SERIAL = Pattern.compile("[0-9a-f]{1,40}");
  private static final String BLOCKLISTED = "blocklisted";

  private final ConcurrentMap<String, String> fingerprints = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, String> serials = new ConcurrentHashMap<>(); // "<ca fp>/<serial hex>"
  private final ConcurrentMap<String, String> subjectKeys = new ConcurrentHashMap<>(); // hex of 32 bytes

  /**
   * Reads a blocklist. One entry per line; blank lines and {@code #} comments are ignored:
   *
   * <ul>
   *   <li>a SHA-256 fingerprint (64 hex digits, as {@code weft cert print} shows);
   *   <li>{@code serial <CA fingerprint> <serial in hex>}: the CA's certificates with that serial;
   *   <li>{@code key <X25519 key in base64>} (as {@code public_key} of {@code weft cert print
   *       --json}, or {@code wg pubkey}): every certificate for that key.
   * </ul>
   */
  public static RevocationSet load(Path blocklist) throws CertsException {
    RevocationSet set = new RevocationSet();
    set.addBlocklist(blocklist);
    return set;
  }

  /** Adds the entries of a blocklist file (format as for {@link #load}). */
  public void addBlocklist(Path blocklist) throws CertsException {
    String text = new String(SecureFiles.read(blocklist), StandardCharsets.UTF_8);
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int hash = line.indexOf('#');
      String entry = (hash < 0 ? line : line.substring(0, hash)).strip();
      if (entry.isEmpty()) {
        continue;
      }
      try {
        addLine(entry);
      } catch (CertsException e) {
        throw new CertsException(blocklist + ":" + (i + 1) + ": " + e.getMessage());
      }
    }
  }

  private void addLine(String entry) throws CertsException {
    String[] words = entry.split("\\s+");
    switch (words[0].toLowerCase(Locale.ROOT)) {
      case "serial" -> {
        if (words.length != 3) {
          throw new CertsException("expected 'serial <CA fingerprint> <serial in hex>'");
        }
        put(serials, serialKey(fingerprint(words[1]), serial(words[2])), BLOCKLISTED);
      }
      case "key" -> {
        if (words.length != 2) {
          throw new CertsException("expected 'key <X25519 public key in base64>'");
        }
        byte[] key;
        try {
          key = Base64.getDecoder().decode(words[1]);
        } catch (IllegalArgumentException e) {
          key = new byte[0];
        }
        put(subjectKeys, subjectKey(key), BLOCKLISTED);
      }
      default -> {
        if (words.length != 1 || !FINGERPRINT.matcher(words[0].toLowerCase(Locale.ROOT)).matches()) {
          throw new CertsException("not a SHA-256 fingerprint (64 hex digits)");
        }
        put(fingerprints, words[0].toLowerCase(Locale.ROOT), BLOCKLISTED);
      }
    }
  }

  /** Blocklists a certificate (or, given a CA's fingerprint, every certificate of that CA). */
  public void add(String fingerprint) throws CertsException {
    put(fingerprints, fingerprint(fingerprint), BLOCKLISTED);
  }

  /** Blocklists the certificates a CA issued with this serial number. */
  public void addSerial(String caFingerprint, BigInteger serial) throws CertsException {
    if (serial.signum() < 0 || serial.bitLength() > 160) {
      throw new CertsException("not a certificate serial number");
    }
    put(serials, serialKey(fingerprint(caFingerprint), serial), BLOCKLISTED);
  }

  /** Blocklists every certificate whose subject is this X25519 key. */
  public void addSubjectKey(byte[] x25519) throws CertsException {
    put(subjectKeys, subjectKey(x25519), BLOCKLISTED);
  }

  /**
   * Adds a CA-signed revocation after checking it here against {@code trust} ({@link
   * Revocation#verify}): a revocation from the network changes nothing unless a trusted CA signed
   * it. Its fingerprint, CA and serial, and subject key are all added (not atomically together:
   * each alone refuses the certificate). Returns whether it added anything new.
   */
  public boolean add(Revocation revocation, TrustBundle trust) throws CertsException {
    revocation.verify(trust);
    String how = "revoked by CA '" + trust.byFingerprint(revocation.caFingerprint()).orElseThrow().name() + "'";
    boolean added = put(fingerprints, revocation.certFingerprint(), how);
    added |= put(serials, serialKey(revocation.caFingerprint(), revocation.serial()), how);
    added |= put(subjectKeys, subjectKey(revocation.subjectKey()), how);
    return added;
  }

  public boolean contains(String fingerprint) {
    return fingerprints.containsKey(fingerprint.toLowerCase(Locale.ROOT));
  }

  public boolean containsSerial(String caFingerprint, BigInteger serial) {
    return serials.containsKey(caFingerprint.toLowerCase(Locale.ROOT) + "/" + serial.toString(16));
  }

  /** Whether certificates for this X25519 key are refused (gossip ends such a member). */
  public boolean containsSubjectKey(byte[] x25519) {
    return x25519.length == 32 && subjectKeys.containsKey(HexFormat.of().formatHex(x25519));
  }

  /** The revoked X25519 subject keys, a snapshot (gossip ends membership for each). */
  public List<byte[]> revokedSubjectKeys() {
    List<byte[]> out = new ArrayList<>();
    for (String k : subjectKeys.keySet()) {
      out.add(HexFormat.of().parseHex(k));
    }
    return out;
  }

  /** Why {@code cert} (a node certificate) is revoked, if it is. */
  Optional<String> reasonRevoked(WeftCertificate cert) {
    String how = fingerprints.get(cert.fingerprint());
    if (how != null) {
      return Optional.of("certificate " + cert.fingerprint() + " is " + how);
    }
    how = serials.get(serialKey(cert.caFingerprint(), cert.serial()));
    if (how != null) {
      return Optional.of("certificate '" + cert.name() + "': serial " + cert.serial().toString(16) + " of CA "
          + cert.caFingerprint() + " is " + how);
    }
    how = subjectKeys.get(HexFormat.of().formatHex(cert.publicKey()));
    if (how != null) {
      return Optional.of("certificate '" + cert.name() + "': its key "
          + Base64.getEncoder().encodeToString(cert.publicKey()) + " is " + how);
    }
    return Optional.empty();
  }

  /** Entries of all kinds. */
  public int size() {
    return fingerprints.size() + serials.size() + subjectKeys.size();
  }

  /** Whether {@code key} is new. */
  private boolean put(ConcurrentMap<String, String> map, String key, String how) throws CertsException {
    if (!map.containsKey(key) && size() >= MAX_ENTRIES) {
      throw new CertsException("revocation set is full (" + MAX_ENTRIES + " entries)");
    }
    return map.putIfAbsent(key, how) == null;
  }

  private static String fingerprint(String s) throws CertsException {
    String f = s.toLowerCase(Locale.ROOT);
    if (!FINGERPRINT.matcher(f).matches()) {
      throw new CertsException("not a SHA-256 fingerprint: " + DnsLabel.printable(s));
    }
    return f;
  }

  private static BigInteger serial(String s) throws CertsException {
    String h = s.toLowerCase(Locale.ROOT);
    if (!SERIAL.matcher(h).matches()) {
      throw new CertsException("not a serial number in hex (1-40 digits): " + DnsLabel.printable(s));
    }
    return new BigInteger(h, 16);
  }

  private static String serialKey(String caFingerprint, BigInteger serial) {
    return caFingerprint + "/" + serial.toString(16);
  }

  private static String subjectKey(byte[] x25519) throws CertsException {
    if (x25519.length != 32) {
      throw new CertsException("not an X25519 public key (32 bytes)");
    }
    return HexFormat.of().formatHex(x25519);
  }
}
