package dev.weft.certs.cli;

import dev.weft.certs.CertsException;
import dev.weft.certs.NodeKeys;
import dev.weft.certs.SecureFiles;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code weft cert keygen}: a node's key pairs, made on the node. */
@Command(
    name = "keygen",
    mixinStandardHelpOptions = true,
    description = {
      "Make a node's X25519 (WireGuard) and Ed25519 (record signing) key pairs.",
      "The private keys stay here; send only the public file to the CA for 'weft cert sign --pub'."
    })
final class KeygenCommand extends CertsCommand {
  @Option(names = "--out-key", defaultValue = "node.key", paramLabel = "FILE", description = "Private keys output, mode 0600 (default: ${DEFAULT-VALUE}).")
  Path outKey;

  @Option(names = "--out-pub", defaultValue = "node.pub", paramLabel = "FILE", description = "Public keys output (default: ${DEFAULT-VALUE}).")
  Path outPub;

  @Option(names = "--force", description = "Overwrite existing output files.")
  boolean force;

  KeygenCommand(CliEnv env) {
    super(env);
  }

  @Override
  int execute() throws CertsException {
    SecureFiles.checkOutputs(force, outKey, outPub);
    NodeKeys keys = NodeKeys.generate(env.random());
    keys.save(outKey, force);
    try {
      keys.publicKeys().save(outPub, force);
    } catch (CertsException e) {
      SecureFiles.removeAfterFailure(outKey);
      throw e;
    }
    out().printf("keys written: %s (private, 0600), %s (public)%nwireguard public key %s%n",
        outKey, outPub, keys.x25519PublicBase64());
    return 0;
  }
}
