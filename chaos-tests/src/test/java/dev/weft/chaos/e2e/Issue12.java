package dev.weft.chaos.e2e;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/**
 * The features of issue 12 (direct paths through NATs) that the NAT tests need, and which of them are not in
 * weft's main branch yet. A check that needs a missing one is skipped with that reason (never passed) unless
 * {@code -Dweft.nat.pending=true}; as a feature lands in lighthouse/, remove it from {@link #NOT_LANDED} and
 * its checks become part of CI.
 */
final class Issue12 {
    /** What weft must do for a check to pass (issue 12's build list). */
    enum Feature {
        /** relay.am_relay / use_relays: traffic through a relay at once, and when nothing direct works. */
        RELAY,
        /** call-me-maybe: both sides probe all of each other's candidates at once; peer-reflexive candidates. */
        PUNCHING,
        /** endpoint-dependent NAT detected and birthday-probed against a NAT on the other side. */
        BIRTHDAY,
        /** path selection: relay to direct and back, IPv6 and LAN paths preferred, status path/via. */
        PATHS
    }

    /** Features not yet in weft's main branch. */
    static final Set<Feature> NOT_LANDED = EnumSet.noneOf(Feature.class);

    /** Whether every check runs, landed or not. */
    static final boolean PENDING = Boolean.getBoolean("weft.nat.pending");

    private Issue12() {}

    /** Skips a check that needs a feature not landed yet, unless -Dweft.nat.pending=true. */
    static void needs(Set<Feature> features) {
        Set<Feature> missing = features.stream().filter(NOT_LANDED::contains).collect(Collectors.toSet());
        Assumptions.assumeTrue(enforced(features), () -> "pending issue 12: needs " + missing
                + " (run with -Dweft.nat.pending=true to enforce)");
    }

    /** Whether a check that needs {@code features} runs. */
    static boolean enforced(Set<Feature> features) {
        return PENDING || features.stream().noneMatch(NOT_LANDED::contains);
    }
}
