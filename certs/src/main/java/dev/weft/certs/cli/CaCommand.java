package dev.weft.certs.cli;

import picocli.CommandLine.Command;

/** {@code weft ca}: the certificate authority. */
@Command(
    name = "ca",
    description = "Manage the certificate authority that signs node certificates.",
    mixinStandardHelpOptions = true,
    synopsisSubcommandLabel = "COMMAND")
final class CaCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (see --help)");
  }
}
