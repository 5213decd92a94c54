package dev.weft.lighthouse.channel;

import java.time.Duration;

/**
 * The bounds of the control channel. Every table the network can grow has a limit here.
 *
 * @param timestampWindow how far a message's timestamp may be from our clock, either way
 * @param maxPeers verified peers kept (least recently used beyond this are forgotten)
 * @param replayEntriesPerPeer sealed-message nonces remembered per peer
 * @param helloNonces hello nonces remembered; must exceed what {@code globalHellosPerSecond}
 *     admits in two windows, so that no verified hello can be replayed
 * @param sourceHellosPerSecond, sourceBurst unauthenticated datagrams admitted per source (IPv4
 *     address or IPv6 /64)
 * @param globalHellosPerSecond, globalBurst unauthenticated datagrams admitted from all sources
 * @param sourceTable sources whose buckets are tracked
 * @param maxPendingVerifications hellos queued for or in verification; more are dropped
 * @param maxPendingPings pings awaiting their pong
 * @param pingTimeout when an unanswered ping fails
 */
public record ChannelLimits(
        Duration timestampWindow,
        int maxPeers,
        int replayEntriesPerPeer,
        int helloNonces,
        double sourceHellosPerSecond,
        int sourceBurst,
        double globalHellosPerSecond,
        int globalBurst,
        int sourceTable,
        int maxPendingVerifications,
        int maxPendingPings,
        Duration pingTimeout) {

    public ChannelLimits {
        if (timestampWindow.isNegative() || timestampWindow.isZero() || maxPeers < 1 || replayEntriesPerPeer < 1
                || sourceHellosPerSecond <= 0 || sourceBurst < 1 || globalHellosPerSecond <= 0 || globalBurst < 1
                || sourceTable < 1 || maxPendingVerifications < 1 || maxPendingPings < 1 || pingTimeout.isNegative()
                || pingTimeout.isZero()) {
            throw new IllegalArgumentException("channel limits must be positive: " + ChannelLimits.class.getSimpleName());
        }
        double admitted = globalBurst + globalHellosPerSecond * 2 * timestampWindow.toMillis() / 1000.0;
        if (helloNonces < admitted) {
            throw new IllegalArgumentException("helloNonces (" + helloNonces + ") must hold the " + (long) admitted
                    + " hellos the global rate admits in two timestamp windows");
        }
    }

    /** ±60 s, 4,096 peers, 8 hellos burst and 2/s per source, 64 burst and 200/s overall. */
    public static ChannelLimits defaults() {
        return new ChannelLimits(Duration.ofSeconds(60), 4096, 1024, 32_768, 2, 8, 200, 64, 10_000, 64, 1024,
                Duration.ofSeconds(10));
    }
}
