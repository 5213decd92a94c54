package dev.weft.node.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code weft version}: what {@code weft --version} prints, for those who type it as a command. */
@Command(name = "version", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Print the version, the git commit of the build and the Java runtime.")
final class VersionCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        for (String line : new VersionProvider().getVersion()) {
            out.println(line);
        }
        out.flush();
    }
}
