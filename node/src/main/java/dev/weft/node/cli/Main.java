package dev.weft.node.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code weft} command: every user-facing command hangs off this one. */
@Command(
    name = "weft",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "weft: a serverless, encrypted mesh overlay network.",
    subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line; tests run commands through it in-process. */
  public static CommandLine commandLine() {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }
}
