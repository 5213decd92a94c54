package dev.weft.certs.cli;

import java.io.Console;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;

/**
 * What the certificate commands take from their surroundings, so that tests can run them
 * in-process with a fixed clock, an environment of their own and no terminal.
 *
 * @param env environment variables ({@code WEFT_CA_PASSPHRASE})
 * @param clock the time certificates are issued and verified at
 * @param random the source of keys and serial numbers
 * @param terminal reads a passphrase without echo; returns null when there is no terminal
 */
public record CliEnv(Map<String, String> env, Clock clock, SecureRandom random, Terminal terminal) {

  /** Reads secrets from the user. */
  @FunctionalInterface
  public interface Terminal {
    char[] readSecret(String prompt);
  }

  /** The real process environment, clock and terminal. */
  public static CliEnv system() {
    return new CliEnv(
        System.getenv(),
        Clock.systemUTC(),
        new SecureRandom(),
        prompt -> {
          Console c = System.console();
          return c == null ? null : c.readPassword("%s", prompt);
        });
  }
}
