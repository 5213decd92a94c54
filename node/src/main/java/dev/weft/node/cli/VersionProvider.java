package dev.weft.node.cli;

import picocli.CommandLine;

/** Reports the version baked into the jar manifest (or "dev" when run from classes). */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Main.class.getPackage().getImplementationVersion();
    return new String[] {"weft " + (v == null ? "dev" : v), "Java " + Runtime.version()};
  }
}
