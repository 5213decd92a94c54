package dev.weft.node.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Turns a YAML parser's error into one line with its place. SnakeYAML's own message spans
 * about eight lines (the context, the offending line, a caret); its problem mark is also more
 * exact than the parser location Jackson reports, so it is preferred when present.
 */
final class YamlSyntax {
    private YamlSyntax() {
    }

    static NodeConfigException refusal(JacksonException e) {
        if (e.getCause() instanceof MarkedYAMLException y && y.getProblemMark() != null && y.getProblem() != null) {
            Mark at = y.getProblemMark();
            String what = oneLine(y.getProblem());
            Mark context = y.getContextMark();
            if (y.getContext() != null && context != null) {
                what += " (" + oneLine(y.getContext()) + " at " + (context.getLine() + 1) + ":" + (context.getColumn() + 1) + ")";
            }
            return NodeConfigException.at(at.getLine() + 1, at.getColumn() + 1, "not valid YAML: " + what);
        }
        JsonLocation at = e.getLocation();
        String what = "not valid YAML: " + oneLine(e.getOriginalMessage());
        if (at == null || at.getLineNr() < 1) {
            return new NodeConfigException(what);
        }
        return NodeConfigException.at(at.getLineNr(), Math.max(1, at.getColumnNr()), what);
    }

    private static String oneLine(String s) {
        return s == null ? "(no details)" : s.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
