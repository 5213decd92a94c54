package dev.weft.node.dns;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * What the DNS server asks the mesh. Names are relative to the DNS domain, lower case, without
 * a trailing dot ({@code "web"}, {@code "_http._tcp.web"}). Implementations answer from live
 * members only, so a dead node's names and records disappear when gossip declares it dead; they
 * are called on the server's event loop, so they must not block.
 */
public interface MeshNames {

    /** The overlay IPv4 and IPv6 addresses in the certificate of the live node named {@code nodeName}; empty if none. */
    List<InetAddress> addresses(String nodeName);

    /** The name of the live node whose certificate holds {@code overlayAddress}. */
    Optional<String> nameOf(InetAddress overlayAddress);

    /** Every record live nodes publish under {@code relativeName}, each with its publisher; empty if none. */
    List<MeshRecord> records(String relativeName);

    /**
     * Whether anything lives at or below {@code relativeName}. A name with nothing of its own but
     * names below it ({@code _tcp.web} when {@code _http._tcp.web} is published) exists: it is
     * answered NODATA, not NXDOMAIN (RFC 8020). The default only knows the name itself.
     */
    default boolean exists(String relativeName) {
        return !addresses(relativeName).isEmpty() || !records(relativeName).isEmpty();
    }

    /**
     * What changes whenever any answer could: an object that stays the same (by identity) while
     * the names, addresses and records do, so finished answers can be reused until it changes.
     * Null, the default, means unknown: then every answer is computed afresh.
     */
    default Object version() {
        return null;
    }
}
