package dev.weft.node.cli;

import static dev.weft.node.cli.WeftCli.weft;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command's {@code --help}: the examples come out as written, so they can be copied and pasted. */
class HelpTextTest {
    /** IPv4 or IPv6 addresses, with or without a prefix length. */
    private static final Pattern ADDRESS = Pattern.compile(
            "\\b\\d{1,3}(\\.\\d{1,3}){3}(/\\d{1,3})?\\b|\\b[0-9a-f]{1,4}(:[0-9a-f]{0,4}){2,7}(/\\d{1,3})?");

    @Test
    void noExampleLineIsWrapped() {
        List<List<String>> commands = commands(Main.commandLine(), new ArrayList<>());
        assertTrue(commands.size() >= 10, "found " + commands);
        int footerLines = 0;
        for (List<String> path : commands) {
            CommandLine cl = find(path);
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            WeftCli.Run r = weft(args.toArray(String[]::new));
            assertEquals(0, r.exit(), String.join(" ", args) + "\n" + r.err());
            List<String> printed = r.out().lines().toList();
            for (String line : cl.getCommandSpec().usageMessage().footer()) {
                if (!line.isBlank()) {
                    footerLines++;
                    assertTrue(printed.contains(line), () -> String.join(" ", args) + ": the line\n" + line
                            + "\nis not printed whole in:\n" + r.out());
                }
            }
        }
        assertTrue(footerLines >= 8, "examples found: " + footerLines);
    }

    @Test
    void noAddressIsBrokenAcrossLines() {
        for (List<String> path : commands(Main.commandLine(), new ArrayList<>())) {
            CommandLine cl = find(path);
            String written = String.join(" ", cl.getCommandSpec().usageMessage().footer()) + " "
                    + String.join(" ", cl.getCommandSpec().usageMessage().description());
            for (CommandLine.Model.OptionSpec o : cl.getCommandSpec().options()) {
                written += " " + String.join(" ", o.description());
            }
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            String printed = weft(args.toArray(String[]::new)).out();
            Matcher m = ADDRESS.matcher(written);
            while (m.find()) {
                String address = m.group();
                assertTrue(printed.contains(address), () -> String.join(" ", args) + " breaks " + address + ":\n" + printed);
            }
        }
    }

    @Test
    void theWidthFollowsTheLongestExampleAndIsEightyOtherwise() {
        CommandLine root = Main.commandLine();
        assertEquals(HelpWidth.NARROWEST, root.getSubcommands().get("node").getUsageHelpWidth());
        CommandLine caInit = root.getSubcommands().get("ca").getSubcommands().get("init");
        int longest = 0;
        for (String line : caInit.getCommandSpec().usageMessage().footer()) {
            longest = Math.max(longest, line.length());
        }
        assertEquals(Math.max(HelpWidth.NARROWEST, longest), caInit.getUsageHelpWidth());
        assertFalse(root.getUsageHelpWidth() < HelpWidth.NARROWEST);
    }

    private static List<List<String>> commands(CommandLine cl, List<String> path) {
        List<List<String>> out = new ArrayList<>();
        out.add(List.copyOf(path));
        for (var e : cl.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) {
                continue; // 'weft help --help' is the help command's own page
            }
            List<String> sub = new ArrayList<>(path);
            sub.add(e.getKey());
            out.addAll(commands(e.getValue(), sub));
        }
        return out;
    }

    private static CommandLine find(List<String> path) {
        CommandLine cl = Main.commandLine();
        for (String name : path) {
            cl = cl.getSubcommands().get(name);
        }
        return cl;
    }
}
