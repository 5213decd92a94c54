package dev.weft.certs;

import java.util.Locale;
import java.util.regex.Pattern;

/** Node names are single DNS labels (RFC 1123), so that {@code <name>.<domain>} always resolves. */
public final class DnsLabel {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  private DnsLabel() {}

  /** Returns the label in lower case, or refuses a name that is not a DNS label. */
  public static String check(String name) throws CertsException {
    String lower = name.toLowerCase(Locale.ROOT);
    if (!LABEL.matcher(lower).matches()) {
      throw new CertsException(
          "name '" + printable(name) + "' is not a DNS label (1-63 letters, digits or '-', "
              + "not starting or ending with '-')");
    }
    return lower;
  }

  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && i < 80; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return b.toString();
  }
}
