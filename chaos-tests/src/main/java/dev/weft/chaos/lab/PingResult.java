package dev.weft.chaos.lab;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A summary of a ping run.
 *
 * @param sent echo requests sent
 * @param received replies received
 * @param min fastest round trip (zero when nothing came back)
 * @param avg average round trip
 * @param max slowest round trip
 */
public record PingResult(int sent, int received, Duration min, Duration avg, Duration max) {
  private static final Pattern COUNTS = Pattern.compile("(\\d+) packets transmitted, (\\d+) (?:packets )?received");
  private static final Pattern RTT = Pattern.compile("= ([0-9.]+)/([0-9.]+)/([0-9.]+)/([0-9.]+) ms");

  /** The fraction of requests without reply, in percent. */
  public double lossPercent() {
    return sent == 0 ? 100 : 100.0 * (sent - received) / sent;
  }

  static PingResult parse(String output) {
    Matcher c = COUNTS.matcher(output);
    if (!c.find()) {
      throw new LabException("unexpected ping output:\n" + output);
    }
    Matcher r = RTT.matcher(output);
    boolean times = r.find();
    return new PingResult(
        Integer.parseInt(c.group(1)),
        Integer.parseInt(c.group(2)),
        times ? millis(r.group(1)) : Duration.ZERO,
        times ? millis(r.group(2)) : Duration.ZERO,
        times ? millis(r.group(3)) : Duration.ZERO);
  }

  private static Duration millis(String text) {
    return Duration.ofNanos((long) (Double.parseDouble(text) * 1_000_000));
  }
}
