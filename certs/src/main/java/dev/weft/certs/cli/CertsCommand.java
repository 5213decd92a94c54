package dev.weft.certs.cli;

import dev.weft.certs.CertsException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The shape every certificate command shares: a refusal prints one line naming the reason and
 * exits 1; usage errors exit 2 (picocli's default).
 */
abstract class CertsCommand implements Callable<Integer> {
  static final int REFUSED = 1;

  @Spec CommandSpec spec;
  final CliEnv env;

  CertsCommand(CliEnv env) {
    this.env = env;
  }

  abstract int execute() throws CertsException;

  @Override
  public final Integer call() {
    try {
      return execute();
    } catch (CertsException e) {
      err().println("weft " + spec.qualifiedName(" ").replaceFirst("^weft ", "") + ": " + e.getMessage());
      return REFUSED;
    }
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** The CA passphrase: from {@code WEFT_CA_PASSPHRASE}, else asked on the terminal. */
  char[] passphrase(boolean confirm) throws CertsException {
    String fromEnv = env.env().get("WEFT_CA_PASSPHRASE");
    if (fromEnv != null) {
      if (fromEnv.isEmpty()) {
        throw new CertsException("WEFT_CA_PASSPHRASE is set but empty");
      }
      return fromEnv.toCharArray();
    }
    char[] first = env.terminal().readSecret("CA passphrase: ");
    if (first == null) {
      throw new CertsException(confirm
          ? "--encrypt needs a passphrase: set WEFT_CA_PASSPHRASE or run in a terminal"
          : "the CA key is encrypted: set WEFT_CA_PASSPHRASE or run in a terminal");
    }
    if (first.length == 0) {
      throw new CertsException("empty passphrase");
    }
    if (confirm) {
      char[] again = env.terminal().readSecret("CA passphrase (again): ");
      if (again == null || !java.util.Arrays.equals(first, again)) {
        throw new CertsException("the passphrases differ");
      }
      java.util.Arrays.fill(again, '\0');
    }
    return first;
  }
}
