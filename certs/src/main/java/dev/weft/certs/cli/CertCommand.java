package dev.weft.certs.cli;

import picocli.CommandLine.Command;

/** {@code weft cert}: node keys and certificates. */
@Command(
    name = "cert",
    description = "Make node keys, sign, print and verify node certificates.",
    mixinStandardHelpOptions = true,
    synopsisSubcommandLabel = "COMMAND")
final class CertCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (see --help)");
  }
}
