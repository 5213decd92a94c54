package dev.weft.certs;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses validity durations written like Go's ({@code 8760h}, {@code 1h30m}) plus days ({@code 30d}). */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d{1,9})(d|h|m|s)");
  /** Longer than any certificate should live, short enough that no date overflows X.509's range. */
  public static final Duration MAX = Duration.ofDays(100 * 365);

  private Durations() {}

  public static Duration parse(String text) throws CertsException {
    String s = text.strip();
    if (s.isEmpty()) {
      throw new CertsException("empty duration");
    }
    Matcher m = PART.matcher(s);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        break;
      }
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "d" -> Duration.ofDays(n);
        case "h" -> Duration.ofHours(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofSeconds(n);
      });
      end = m.end();
      if (total.compareTo(MAX) > 0) {
        throw new CertsException("duration '" + text + "' is longer than 100 years (36500d)");
      }
    }
    if (end != s.length()) {
      throw new CertsException("bad duration '" + text + "': use e.g. 8760h, 30d or 1h30m");
    }
    if (total.isZero()) {
      throw new CertsException("duration must be positive: '" + text + "'");
    }
    return total;
  }

  /** The shortest form {@link #parse} reads back, in hours when whole hours. */
  public static String format(Duration d) {
    if (d.toSecondsPart() == 0 && d.toMinutesPart() == 0) {
      return d.toHours() + "h";
    }
    return d.toSeconds() + "s";
  }
}
