package dev.weft.node.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Reports arguments picocli could not match before any other usage error. Picocli checks
 * required options first, so {@code weft node --conifg x.yml} would say "Missing required
 * option '--config'" and hide the typo; this says "Unknown option: '--conifg'" and prints
 * picocli's "Possible solutions: --config".
 */
final class UnknownOptionsFirst implements IParameterExceptionHandler {
    private final IParameterExceptionHandler reporter;

    /** Reports through {@code reporter} (picocli's default: the message, suggestions or usage). */
    UnknownOptionsFirst(IParameterExceptionHandler reporter) {
        this.reporter = reporter;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) throws Exception {
        CommandLine cl = ex.getCommandLine();
        List<String> unmatched = cl.getUnmatchedArguments();
        if (ex instanceof UnmatchedArgumentException || unmatched.isEmpty()) {
            return reporter.handleParseException(ex, args);
        }
        // the values after a mistyped option are unmatched too; naming only the option is clearer
        List<String> options = unmatched.stream().filter(a -> a.startsWith("-")).toList();
        return reporter.handleParseException(
                new UnmatchedArgumentException(cl, options.isEmpty() ? unmatched : options), args);
    }
}
