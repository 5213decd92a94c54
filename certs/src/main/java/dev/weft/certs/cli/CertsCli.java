package dev.weft.certs.cli;

import picocli.CommandLine;

/** Adds {@code weft ca …} and {@code weft cert …} to the top-level command. */
public final class CertsCli {
  private CertsCli() {}

  public static void addTo(CommandLine root, CliEnv env) {
    CommandLine ca = new CommandLine(new CaCommand());
    ca.addSubcommand("init", new CaInitCommand(env));
    ca.addSubcommand("revoke", new RevokeCommand(env));
    CommandLine cert = new CommandLine(new CertCommand());
    cert.addSubcommand("keygen", new KeygenCommand(env));
    cert.addSubcommand("sign", new SignCommand(env));
    cert.addSubcommand("print", new PrintCommand(env));
    cert.addSubcommand("verify", new VerifyCommand(env));
    root.addSubcommand("ca", ca);
    root.addSubcommand("cert", cert);
  }
}
