package dev.weft.node.cli;

import dev.weft.certs.cli.CertsCli;
import dev.weft.certs.cli.CliEnv;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code weft} command: every user-facing command hangs off this one. */
@Command(
    name = "weft",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "weft: a serverless, encrypted mesh overlay network.",
    footer = {
      "",
      "The certificate flow:",
      "  weft ca init --name NAME [--networks CIDR,...]   the CA: ca.crt, ca.key",
      "  weft cert keygen --out-key n.key --out-pub n.pub on the node",
      "  weft cert sign --name N --ip CIDR --pub n.pub --out-crt n.crt   on the CA",
      "  weft cert verify --ca ca.crt n.crt; weft cert print --json n.crt",
      "Then: weft node --config node.yml; weft members, weft ping NAME, weft status, weft routes;",
      "weft reload after editing node.yml.",
      "Every command has --help, e.g. weft cert sign --help.",
      "weft version prints the version and the git commit weft was built from."
    },
    subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line; tests run commands through it in-process. */
  public static CommandLine commandLine() {
    return commandLine(CliEnv.system());
  }

  /** The command line with the given surroundings (clock, environment, terminal) for the certificate commands. */
  public static CommandLine commandLine(CliEnv env) {
    CommandLine cl = new CommandLine(new Main());
    CertsCli.addTo(cl, env);
    cl.addSubcommand("node", new NodeCommand());
    cl.addSubcommand("status", new StatusCommand());
    cl.addSubcommand("members", new MembersCommand());
    cl.addSubcommand("ping", new PingCommand());
    cl.addSubcommand("revoke", new RevokeCommand());
    cl.addSubcommand("routes", new RoutesCommand());
    cl.addSubcommand("reload", new ReloadCommand());
    cl.addSubcommand("version", new VersionCommand());
    versionEverywhere(cl, new VersionProvider());
    HelpWidth.apply(cl);
    cl.setParameterExceptionHandler(new UnknownOptionsFirst(cl.getParameterExceptionHandler()));
    return cl.setCaseInsensitiveEnumValuesAllowed(true);
  }

  /**
   * Every command's {@code --version} prints what {@code weft --version} does: picocli gives a
   * subcommand's {@code -V} no provider of its own, so {@code weft node --version} printed nothing.
   */
  private static void versionEverywhere(CommandLine cl, CommandLine.IVersionProvider provider) {
    for (CommandLine sub : cl.getSubcommands().values()) {
      CommandLine.Model.CommandSpec spec = sub.getCommandSpec();
      if (spec.versionProvider() == null && spec.version().length == 0) {
        spec.versionProvider(provider);
      }
      versionEverywhere(sub, provider);
    }
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }
}
