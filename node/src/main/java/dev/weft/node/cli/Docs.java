package dev.weft.node.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * Writes what the package installs beside the command, generated from the same picocli
 * definitions as {@code --help}: bash completion ({@code weft.bash}), zsh completion
 * ({@code _weft}, the bash script through zsh's bashcompinit, as picocli documents) and man
 * pages ({@code man/weft.1}, {@code man/weft-node.1}, ...) whose text is each command's help.
 * {@code java -cp weft.jar dev.weft.node.cli.Docs OUT_DIR}; scripts/package runs it.
 */
public final class Docs {
    private Docs() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: Docs OUT_DIR");
            System.exit(2);
        }
        write(Path.of(args[0]));
    }

    /** Writes the completion scripts and the man pages into {@code out}. */
    static void write(Path out) throws IOException {
        CommandLine weft = Main.commandLine();
        String bash = AutoComplete.bash("weft", weft);
        Files.createDirectories(out.resolve("man"));
        Files.writeString(out.resolve("weft.bash"), bash, StandardCharsets.UTF_8);
        Files.writeString(out.resolve("_weft"), "#compdef weft\n# weft's bash completion, through zsh's bashcompinit\n"
                + "autoload -U +X bashcompinit && bashcompinit\n" + bash, StandardCharsets.UTF_8);
        String date = LocalDate.now(ZoneOffset.UTC).toString();
        List<CommandLine> all = new ArrayList<>();
        collect(weft, all);
        for (CommandLine c : all) {
            String name = c.getCommandSpec().qualifiedName("-");
            Files.writeString(out.resolve("man").resolve(name + ".1"), manPage(c, date, all), StandardCharsets.UTF_8);
        }
    }

    private static void collect(CommandLine c, List<CommandLine> out) {
        out.add(c);
        for (Map.Entry<String, CommandLine> e : c.getSubcommands().entrySet()) {
            if (e.getKey().equals(e.getValue().getCommandName()) && !e.getKey().equals("help")) { // aliases once, help is --help
                collect(e.getValue(), out);
            }
        }
    }

    /** A man(7) page: NAME from the first description line, the help text as written, SEE ALSO the other pages. */
    static String manPage(CommandLine c, String date, List<CommandLine> all) {
        CommandLine.Model.CommandSpec spec = c.getCommandSpec();
        String name = spec.qualifiedName("-");
        String[] description = spec.usageMessage().description();
        String summary = description.length == 0 ? spec.qualifiedName(" ") : description[0];
        StringBuilder m = new StringBuilder();
        m.append(".TH ").append(name.toUpperCase(java.util.Locale.ROOT)).append(" 1 \"").append(date)
                .append("\" \"weft\" \"weft manual\"\n");
        m.append(".SH NAME\n").append(escape(name)).append(" \\- ").append(escape(summary.replaceAll("\\.$", ""))).append('\n');
        m.append(".SH SYNOPSIS\n.nf\n").append(escape(spec.qualifiedName(" "))).append(" [OPTIONS]")
                .append(spec.subcommands().isEmpty() ? "" : " COMMAND").append("\n.fi\n");
        m.append(".SH DESCRIPTION\n.nf\n");
        for (String line : c.getUsageMessage(CommandLine.Help.Ansi.OFF).split("\n", -1)) {
            m.append(escape(line)).append('\n');
        }
        m.append(".fi\n.SH SEE ALSO\n");
        List<String> others = new ArrayList<>();
        for (CommandLine o : all) {
            if (o != c) {
                others.add("\\fB" + o.getCommandSpec().qualifiedName("-") + "\\fR(1)");
            }
        }
        m.append(String.join(", ", others)).append('\n');
        return m.toString();
    }

    /** troff: backslashes doubled, and a line starting with '.' or '\'' is not a request. */
    private static String escape(String line) {
        String s = line.replace("\\", "\\e");
        if (s.startsWith(".") || s.startsWith("'")) {
            s = "\\&" + s;
        }
        return s.replace("-", "\\-");
    }
}
