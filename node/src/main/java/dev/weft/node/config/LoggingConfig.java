package dev.weft.node.config;

import java.util.List;

/**
 * {@code logging}: how much a node logs and in which format (on stderr, which systemd's journal
 * keeps).
 *
 * @param level {@code logging.level}: error, warn, info, debug or trace (default info)
 * @param json {@code logging.format}: json (one object per line) rather than text (the default)
 */
public record LoggingConfig(String level, boolean json) {
    /** The levels, least verbose first. */
    public static final List<String> LEVELS = List.of("error", "warn", "info", "debug", "trace");
    /** info, text. */
    public static final LoggingConfig DEFAULT = new LoggingConfig("info", false);

    /** Checks the level. */
    public LoggingConfig {
        if (!LEVELS.contains(level)) {
            throw new IllegalArgumentException("not a level: " + level);
        }
    }
}
