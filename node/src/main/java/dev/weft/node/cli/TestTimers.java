package dev.weft.node.cli;

import dev.weft.certs.CertsException;
import dev.weft.certs.Durations;
import dev.weft.dataplane.wireguard.WireGuardOptions;
import java.time.Duration;

/**
 * The test-only setting that shortens WireGuard's timers, so that end-to-end tests can watch a
 * node rekey under traffic in seconds instead of minutes. An environment variable rather than a
 * config key: it must never end up in a production configuration by accident.
 *
 * <p>{@code WEFT_TEST_REKEY_AFTER=2s} (or {@code 1m30s}: the syntax of {@code --duration}) sets REKEY_AFTER_TIME to 2 s and scales the others as the
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
        Duration rekey;
        try {
            rekey = Durations.parse(value); // the same duration syntax as the CLI's --duration
        } catch (CertsException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (rekey.compareTo(Duration.ofSeconds(1)) < 0 || rekey.compareTo(Duration.ofSeconds(120)) > 0) {
            throw new IllegalArgumentException("'" + value + "' out of range 1s..120s");
        }
        long ms = rekey.toMillis();
        return base.withTimers(rekey, Duration.ofMillis(ms * 3 / 2), Duration.ofMillis(ms * 3 / 4),
                Duration.ofMillis(Math.max(200, ms / 24)), Duration.ofMillis(Math.max(200, ms / 12)));
    }
}
