package dev.weft.node.dns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * A record a node publishes under the mesh domain ({@code dns.records} in its config; it travels
 * in the node's gossip record). Names are relative to the domain and kept in lower case; targets
 * are absolute names without the trailing dot. The constructors check everything, so a record
 * that arrives from the network cannot hold what the config parser would refuse.
 */
public sealed interface PublishedRecord {
    /** The longest TTL a record may ask for, in seconds: records die with their node, a long TTL would outlive it in caches. */
    int MAX_TTL = 3600;
    /** At most this many strings in one TXT record. */
    int MAX_TXT_STRINGS = 16;

    /** The owner name relative to the domain, e.g. {@code "_http._tcp.web"}. */
    String name();

    /** The TTL in seconds; empty means the server's default ({@code dns.ttl}). */
    OptionalInt ttl();

    /** The record type as written in the config: A, AAAA, CNAME, SRV or TXT. */
    String type();

    /**
     * An A ({@code ipv6 == false}) or AAAA record; without an address it points at the
     * publishing node's overlay addresses of that family.
     */
    record Address(String name, boolean ipv6, Optional<InetAddress> address, OptionalInt ttl) implements PublishedRecord {
        public Address {
            name = checkRelativeName(name, "name");
            Objects.requireNonNull(address, "address");
            checkTtl(ttl);
            if (address.isPresent() && (address.get() instanceof Inet6Address) != ipv6) {
                throw new IllegalArgumentException((ipv6 ? "AAAA" : "A") + " record with an " + (ipv6 ? "IPv4" : "IPv6")
                        + " address (" + address.get().getHostAddress() + ")");
            }
            if (address.isPresent() && address.get() instanceof Inet6Address a6 && isV4Mapped(a6)) {
                throw new IllegalArgumentException("AAAA record with an IPv4-mapped address (" + a6.getHostAddress() + ")");
            }
        }

        @Override
        public String type() {
            return ipv6 ? "AAAA" : "A";
        }
    }

    /** A CNAME to {@code target} (an absolute name, in the mesh domain or not). */
    record Cname(String name, String target, OptionalInt ttl) implements PublishedRecord {
        public Cname {
            name = checkRelativeName(name, "name");
            target = checkAbsoluteName(target, "target");
            checkTtl(ttl);
        }

        @Override
        public String type() {
            return "CNAME";
        }
    }

    /** An SRV record; without a target it points at the publishing node's own name. */
    record Srv(String name, int priority, int weight, int port, Optional<String> target, OptionalInt ttl)
            implements PublishedRecord {
        public Srv {
            name = checkRelativeName(name, "name");
            target = Objects.requireNonNull(target, "target").map(t -> checkAbsoluteName(t, "target"));
            checkTtl(ttl);
            checkRange(priority, 0, 65535, "priority");
            checkRange(weight, 0, 65535, "weight");
            checkRange(port, 1, 65535, "port");
        }

        @Override
        public String type() {
            return "SRV";
        }
    }

    /** A TXT record of one or more strings (printable ASCII, up to 255 bytes each). */
    record Txt(String name, List<String> texts, OptionalInt ttl) implements PublishedRecord {
        public Txt {
            name = checkRelativeName(name, "name");
            texts = List.copyOf(texts);
            checkTtl(ttl);
            if (texts.isEmpty() || texts.size() > MAX_TXT_STRINGS) {
                throw new IllegalArgumentException("text must have 1 to " + MAX_TXT_STRINGS + " strings, not " + texts.size());
            }
            for (String t : texts) {
                if (t.getBytes(StandardCharsets.US_ASCII).length > 255 || !PRINTABLE.matcher(t).matches()) {
                    throw new IllegalArgumentException("text must be printable ASCII of at most 255 characters ('"
                            + (t.length() > 40 ? t.substring(0, 40) + "…" : t) + "')");
                }
            }
        }

        @Override
        public String type() {
            return "TXT";
        }
    }

    Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");
    Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7e]*");
    /** Room left for the domain: a relative name this long still fits a 253-character name with a 60-character domain. */
    int MAX_RELATIVE_NAME = 190;

    /** Lower-cases and checks a name relative to the domain: dot-separated labels of letters, digits, '-' and '_'. */
    static String checkRelativeName(String name, String what) {
        Objects.requireNonNull(name, what);
        String n = name.toLowerCase(Locale.ROOT);
        if (n.isEmpty() || n.length() > MAX_RELATIVE_NAME) {
            throw new IllegalArgumentException(what + " must have 1 to " + MAX_RELATIVE_NAME + " characters ('" + name + "')");
        }
        if (n.endsWith(".")) {
            throw new IllegalArgumentException(what + " is relative to the domain and has no trailing dot ('" + name + "')");
        }
        checkLabels(n, name, what);
        return n;
    }

    /** Lower-cases and checks an absolute name; a trailing dot is allowed and dropped. */
    static String checkAbsoluteName(String name, String what) {
        Objects.requireNonNull(name, what);
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        if (n.isEmpty() || n.length() > 253) {
            throw new IllegalArgumentException(what + " must have 1 to 253 characters ('" + name + "')");
        }
        checkLabels(n, name, what);
        return n;
    }

    private static void checkLabels(String n, String original, String what) {
        for (String label : n.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                throw new IllegalArgumentException(what + " is not a DNS name ('" + original
                        + "'): labels are 1 to 63 letters, digits, '-' or '_', not starting or ending with '-'");
            }
        }
    }

    private static void checkTtl(OptionalInt ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isPresent()) {
            checkRange(ttl.getAsInt(), 0, MAX_TTL, "ttl");
        }
    }

    private static void checkRange(int v, int min, int max, String what) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(what + " must be " + min + " to " + max + ", not " + v);
        }
    }

    private static boolean isV4Mapped(Inet6Address a) {
        byte[] b = a.getAddress();
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    /** Whether {@code a} is of the family this record type carries (used when defaulting to the publisher's addresses). */
    static boolean family(InetAddress a, boolean ipv6) {
        return ipv6 ? a instanceof Inet6Address : a instanceof Inet4Address;
    }
}
