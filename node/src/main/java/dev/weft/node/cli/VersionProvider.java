package dev.weft.node.cli;

import picocli.CommandLine;

/** {@code weft --version} and {@code weft version}: the version and commit baked in at build time, and the Java runtime. */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {BuildInfo.current().describe(), "Java " + Runtime.version()};
  }
}
