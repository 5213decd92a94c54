package dev.weft.node.cli;

import picocli.CommandLine;

/**
 * Makes every command's help wide enough that no footer line (the examples) is wrapped: picocli
 * wraps at 80 columns by default, in the middle of a word if need be, which broke example
 * command lines inside a CIDR so that copy-and-paste failed. Commands whose footer fits keep 80.
 */
final class HelpWidth {
    static final int NARROWEST = 80;

    private HelpWidth() {
    }

    /** Sets the width of {@code cl} and of all its subcommands. */
    static void apply(CommandLine cl) {
        int width = NARROWEST;
        for (String line : cl.getCommandSpec().usageMessage().footer()) {
            width = Math.max(width, line.length());
        }
        cl.getCommandSpec().usageMessage().width(width);
        for (CommandLine sub : cl.getSubcommands().values()) {
            apply(sub);
        }
    }
}
