package dev.weft.node.cli;

import dev.weft.dataplane.wireguard.WireGuardOptions;
import java.time.Duration;

/**
 * The test-only setting that shortens WireGuard's timers, so that end-to-end tests can watch a
 * node rekey under traffic in seconds instead of minutes. An environment variable rather than a
 * config key: it must never end up in a production configuration by accident.
 *
 * <p>{@code WEFT_TEST_REKEY_AFTER=2s} sets REKEY_AFTER_TIME to 2 s and scales the others as the
 * whitepaper relates them: REJECT_AFTER_TIME 1.5×, REKEY_ATTEMPT_TIME 0.75×, REKEY_TIMEOUT and
 * KEEPALIVE_TIMEOUT 1/24 and 1/12 (at least 200 ms).
 */
final class TestTimers {
    static final String VARIABLE = "WEFT_TEST_REKEY_AFTER";

    private TestTimers() {}

    /** {@code base} unchanged when {@code value} is null or empty; else shortened timers. */
    static WireGuardOptions fromEnvironment(String value, WireGuardOptions base) {
        if (value == null || value.isBlank()) {
            return base;
        }
        Duration rekey = parse(value.strip());
        if (rekey.compareTo(Duration.ofSeconds(1)) < 0 || rekey.compareTo(Duration.ofSeconds(120)) > 0) {
            throw new IllegalArgumentException("'" + value + "' out of range 1s..120s");
        }
        long ms = rekey.toMillis();
        return base.withTimers(rekey, Duration.ofMillis(ms * 3 / 2), Duration.ofMillis(ms * 3 / 4),
                Duration.ofMillis(Math.max(200, ms / 24)), Duration.ofMillis(Math.max(200, ms / 12)));
    }

    private static Duration parse(String v) {
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
            }
        } catch (NumberFormatException e) {
            // falls through
        }
        throw new IllegalArgumentException("'" + v + "' is not a duration like 2s or 1500ms");
    }
}
