package dev.weft.ip;

/**
 * Numeric IP address text, both ways, without {@link java.net.InetAddress}: the JDK parser
 * accepts forms other tools read differently (leading zeros, zone ids) and may fall back to a
 * name lookup, and its printer does not compress IPv6. Here nothing is ever looked up.
 */
final class IpText {

  /** The longest IPv6 text: eight full groups, or six and a dotted quad. */
  private static final int MAX_V6_TEXT = 45;

  private IpText() {}

  /** 4 or 16 bytes, or null when {@code s} is not a numeric address. */
  static byte[] parse(String s) {
    if (s.indexOf(':') >= 0) {
      String bare = s.length() > 2 && s.charAt(0) == '[' && s.charAt(s.length() - 1) == ']'
          ? s.substring(1, s.length() - 1) : s;
      return parseIpv6(bare);
    }
    return parseIpv4(s, 0, s.length());
  }

  /** Dotted quad: four decimal numbers 0..255, no leading zeros (octal to some parsers). */
  static byte[] parseIpv4(String s, int from, int to) {
    byte[] out = new byte[4];
    int part = 0;
    int i = from;
    while (part < 4) {
      int start = i;
      int value = 0;
      while (i < to && i - start < 4 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        value = value * 10 + (s.charAt(i) - '0');
        i++;
      }
      int digits = i - start;
      if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && s.charAt(start) == '0')) {
        return null;
      }
      out[part++] = (byte) value;
      if (part < 4) {
        if (i >= to || s.charAt(i) != '.') {
          return null;
        }
        i++;
      }
    }
    return i == to ? out : null;
  }

  /** RFC 4291 section 2.2: hex groups, at most one "::", optionally a dotted quad at the end. */
  static byte[] parseIpv6(String s) {
    if (s.isEmpty() || s.length() > MAX_V6_TEXT) {
      return null;
    }
    int gap = s.indexOf("::");
    if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
      return null;
    }
    String head = gap < 0 ? s : s.substring(0, gap);
    String tail = gap < 0 ? "" : s.substring(gap + 2);
    int[] headGroups = groups(head, gap < 0); // a dotted quad only ends the address
    int[] tailGroups = groups(tail, true);
    if (headGroups == null || tailGroups == null) {
      return null;
    }
    int count = headGroups.length + tailGroups.length;
    if (gap < 0 ? count != 8 : count > 7) {
      return null;
    }
    byte[] out = new byte[16];
    for (int g = 0; g < headGroups.length; g++) {
      out[2 * g] = (byte) (headGroups[g] >>> 8);
      out[2 * g + 1] = (byte) headGroups[g];
    }
    int at = 8 - tailGroups.length;
    for (int g = 0; g < tailGroups.length; g++) {
      out[2 * (at + g)] = (byte) (tailGroups[g] >>> 8);
      out[2 * (at + g) + 1] = (byte) tailGroups[g];
    }
    return out;
  }

  /** The 16-bit groups of colon-separated text (a final dotted quad counts as two), or null. */
  private static int[] groups(String s, boolean mayEndInIpv4) {
    if (s.isEmpty()) {
      return new int[0];
    }
    String[] parts = s.split(":", -1);
    boolean v4 = mayEndInIpv4 && parts[parts.length - 1].indexOf('.') >= 0;
    int[] out = new int[parts.length + (v4 ? 1 : 0)];
    for (int p = 0; p < parts.length; p++) {
      String part = parts[p];
      if (v4 && p == parts.length - 1) {
        byte[] quad = parseIpv4(part, 0, part.length());
        if (quad == null) {
          return null;
        }
        out[p] = (quad[0] & 0xff) << 8 | (quad[1] & 0xff);
        out[p + 1] = (quad[2] & 0xff) << 8 | (quad[3] & 0xff);
        continue;
      }
      if (part.isEmpty() || part.length() > 4) {
        return null;
      }
      int value = 0;
      for (int i = 0; i < part.length(); i++) {
        int d = Character.digit(part.charAt(i), 16);
        if (d < 0 || part.charAt(i) > 'f') { // Character.digit also takes non-ASCII digits
          return null;
        }
        value = value << 4 | d;
      }
      out[p] = value;
    }
    return out;
  }

  /** Dotted quad, or IPv6 as RFC 5952 prints it: lower case, the longest zero run as "::". */
  static String format(byte[] a) {
    if (a.length == 4) {
      return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
    }
    int[] groups = new int[8];
    for (int g = 0; g < 8; g++) {
      groups[g] = (a[2 * g] & 0xff) << 8 | (a[2 * g + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1; // a single zero group is not compressed (RFC 5952 section 4.2.2)
    for (int g = 0; g < 8; ) {
      if (groups[g] != 0) {
        g++;
        continue;
      }
      int end = g;
      while (end < 8 && groups[end] == 0) {
        end++;
      }
      if (end - g > bestLength) {
        bestStart = g;
        bestLength = end - g;
      }
      g = end;
    }
    StringBuilder out = new StringBuilder(39);
    for (int g = 0; g < 8; g++) {
      if (g == bestStart) {
        out.append("::");
        g += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[g]));
    }
    return out.toString();
  }
}
