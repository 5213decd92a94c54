package dev.weft.node.config;

import java.nio.file.Path;

/**
 * A configuration was refused; the message starts with the key path ({@code listen.port: ...}),
 * or with the line and column of a YAML syntax error. {@link NodeConfig#load} names the file
 * first, as compilers do: {@code node.yml:3:7: ...} or {@code node.yml: listen.port: ...}.
 */
public final class NodeConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String detail;
    private final int line;
    private final int column;

    /** A refusal with a complete message. */
    public NodeConfigException(String message) {
        super(message);
        this.detail = message;
        this.line = 0;
        this.column = 0;
    }

    private NodeConfigException(String message, String detail, int line, int column) {
        super(message);
        this.detail = detail;
        this.line = line;
        this.column = column;
    }

    /** A refusal at a place in the text (1-based line and column). */
    static NodeConfigException at(int line, int column, String detail) {
        return new NodeConfigException("line " + line + ", column " + column + ": " + detail, detail, line, column);
    }

    /** The same refusal with the file it is about named first: {@code FILE:LINE:COL: ...} or {@code FILE: ...}. */
    NodeConfigException in(Path file) {
        String message = line > 0 ? file + ":" + line + ":" + column + ": " + detail : file + ": " + detail;
        return new NodeConfigException(message, detail, line, column);
    }

    /** The line of a syntax error (1-based), or 0 when the refusal is not about a place in the text. */
    public int line() {
        return line;
    }

    /** The column of a syntax error (1-based), or 0. */
    public int column() {
        return column;
    }
}
