package dev.weft.node.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The completion scripts and man pages the package installs come from the command definitions. */
class DocsTest {
    @TempDir
    Path out;

    @Test
    void everyCommandHasAManPageAndIsCompleted() throws Exception {
        Docs.write(out);
        String bash = Files.readString(out.resolve("weft.bash"));
        assertTrue(Files.readString(out.resolve("_weft")).startsWith("#compdef weft\n"));
        for (String command : Main.commandLine().getSubcommands().keySet()) {
            if (command.equals("help")) {
                continue;
            }
            assertTrue(bash.contains(command), "bash completion lacks " + command);
            Path page = out.resolve("man").resolve("weft-" + command + ".1");
            assertTrue(Files.exists(page), "no man page for " + command);
            String text = Files.readString(page);
            assertTrue(text.startsWith(".TH WEFT-" + command.toUpperCase() + " 1 "), text.lines().findFirst().orElse(""));
            assertTrue(text.contains(".SH NAME\nweft\\-" + command.replace("-", "\\-") + " \\- "), text);
        }
        assertTrue(bash.contains("--config"), "options are completed too");
        String reload = Files.readString(out.resolve("man/weft-reload.1"));
        assertTrue(reload.contains("weft reload \\-\\-config /etc/weft/office.yml"), "the examples are in the page");
    }
}
