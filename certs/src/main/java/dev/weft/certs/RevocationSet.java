package dev.weft.certs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Fingerprints of revoked certificates: from a local blocklist file and from CA-signed revocations
 * learned by gossip. Thread-safe; it only grows.
 */
public final class RevocationSet {
  private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");
  private final Set<String> revoked = ConcurrentHashMap.newKeySet();

  /**
   * Reads a blocklist: one SHA-256 fingerprint (64 hex digits, as {@code weft cert print} shows)
   * per line; blank lines and {@code #} comments are ignored.
   */
  public static RevocationSet load(Path blocklist) throws CertsException {
    RevocationSet set = new RevocationSet();
    String text = new String(SecureFiles.read(blocklist), StandardCharsets.UTF_8);
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int hash = line.indexOf('#');
      String entry = (hash < 0 ? line : line.substring(0, hash)).strip().toLowerCase(Locale.ROOT);
      if (entry.isEmpty()) {
        continue;
      }
      if (!FINGERPRINT.matcher(entry).matches()) {
        throw new CertsException(blocklist + ":" + (i + 1) + ": not a SHA-256 fingerprint (64 hex digits)");
      }
      set.revoked.add(entry);
    }
    return set;
  }

  public void add(String fingerprint) throws CertsException {
    String f = fingerprint.toLowerCase(Locale.ROOT);
    if (!FINGERPRINT.matcher(f).matches()) {
      throw new CertsException("not a SHA-256 fingerprint: " + DnsLabel.printable(fingerprint));
    }
    revoked.add(f);
  }

  public boolean contains(String fingerprint) {
    return revoked.contains(fingerprint);
  }

  public int size() {
    return revoked.size();
  }
}
