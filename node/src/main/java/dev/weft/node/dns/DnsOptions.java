package dev.weft.node.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How a {@link DnsServer} runs. {@code dns.domain}, {@code dns.listen}, {@code dns.upstreams} and
 * {@code dns.forward} map to the first four components; the rest are limits with defaults
 * ({@link #defaults}).
 *
 * @param domain the mesh domain, lower case, no trailing dot ({@code mesh.internal})
 * @param listen addresses to answer on, UDP and TCP each
 * @param upstreams servers for every name outside the domain that {@code forward} does not route, tried in order
 * @param forward per domain suffix (lower case, no trailing dot), the servers for names at or below it; longest suffix wins
 * @param ttl TTL of the mesh's own answers (records may ask for their own)
 * @param upstreamTimeout how long one upstream gets before the next is tried
 * @param udpPayload the EDNS0 UDP payload size we advertise and the most we send over UDP
 * @param cacheEntries bound of the answer cache
 * @param maxCacheTtl the longest an upstream answer stays cached, whatever its TTL
 * @param ratePerSecond queries per second per source address (0: no limit)
 * @param rateBurst queries a source may send at once above its rate
 * @param rateSources how many source addresses the limiter tracks (the least recently seen are forgotten)
 * @param maxForwarded upstream queries in flight at once; more are answered SERVFAIL
 * @param maxTcpConnections TCP connections at once; more are closed on accept
 */
public record DnsOptions(
        String domain,
        List<InetSocketAddress> listen,
        List<InetSocketAddress> upstreams,
        Map<String, List<InetSocketAddress>> forward,
        Duration ttl,
        Duration upstreamTimeout,
        int udpPayload,
        int cacheEntries,
        Duration maxCacheTtl,
        int ratePerSecond,
        int rateBurst,
        int rateSources,
        int maxForwarded,
        int maxTcpConnections) {

    public static final String DEFAULT_DOMAIN = "mesh.internal";
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    public DnsOptions {
        domain = PublishedRecord.checkAbsoluteName(domain, "dns.domain");
        if (domain.length() > 60) {
            throw new IllegalArgumentException("dns.domain must have at most 60 characters ('" + domain + "')");
        }
        listen = List.copyOf(listen);
        upstreams = List.copyOf(upstreams);
        Map<String, List<InetSocketAddress>> f = new LinkedHashMap<>();
        forward.forEach((suffix, servers) -> {
            if (servers.isEmpty()) {
                throw new IllegalArgumentException("dns.forward." + suffix + ": no servers");
            }
            f.put(PublishedRecord.checkAbsoluteName(suffix, "dns.forward key"), List.copyOf(servers));
        });
        forward = Map.copyOf(f);
        positive(ttl, "ttl");
        positive(upstreamTimeout, "upstreamTimeout");
        positive(maxCacheTtl, "maxCacheTtl");
        if (ttl.toSeconds() > PublishedRecord.MAX_TTL) {
            throw new IllegalArgumentException("dns.ttl must be at most " + PublishedRecord.MAX_TTL + " s");
        }
        if (udpPayload < 512 || udpPayload > 4096) {
            throw new IllegalArgumentException("udpPayload must be 512 to 4096, not " + udpPayload);
        }
        if (cacheEntries < 0 || ratePerSecond < 0 || rateBurst < 1 || rateSources < 1 || maxForwarded < 1 || maxTcpConnections < 1) {
            throw new IllegalArgumentException("DNS limits must be positive");
        }
    }

    /**
     * The defaults: domain {@code mesh.internal}, TTL 5 s, 2 s per upstream, EDNS0 payload 1232
     * (the DNS flag day's size, which does not fragment), 10,000 cached answers for at most a day,
     * 200 queries/s per source with bursts of 400 and 10,000 sources tracked, 256 upstream queries
     * and 128 TCP connections at once.
     */
    public static DnsOptions defaults(List<InetSocketAddress> listen, List<InetSocketAddress> upstreams) {
        return new DnsOptions(DEFAULT_DOMAIN, listen, upstreams, Map.of(), Duration.ofSeconds(5), Duration.ofSeconds(2),
                1232, 10_000, Duration.ofDays(1), 200, 400, 10_000, 256, 128);
    }

    public DnsOptions withDomain(String d) {
        return new DnsOptions(d, listen, upstreams, forward, ttl, upstreamTimeout, udpPayload, cacheEntries, maxCacheTtl,
                ratePerSecond, rateBurst, rateSources, maxForwarded, maxTcpConnections);
    }

    public DnsOptions withForward(Map<String, List<InetSocketAddress>> f) {
        return new DnsOptions(domain, listen, upstreams, f, ttl, upstreamTimeout, udpPayload, cacheEntries, maxCacheTtl,
                ratePerSecond, rateBurst, rateSources, maxForwarded, maxTcpConnections);
    }

    public DnsOptions withTtl(Duration t) {
        return new DnsOptions(domain, listen, upstreams, forward, t, upstreamTimeout, udpPayload, cacheEntries, maxCacheTtl,
                ratePerSecond, rateBurst, rateSources, maxForwarded, maxTcpConnections);
    }

    public DnsOptions withUpstreamTimeout(Duration t) {
        return new DnsOptions(domain, listen, upstreams, forward, ttl, t, udpPayload, cacheEntries, maxCacheTtl,
                ratePerSecond, rateBurst, rateSources, maxForwarded, maxTcpConnections);
    }

    public DnsOptions withRateLimit(int perSecond, int burst) {
        return new DnsOptions(domain, listen, upstreams, forward, ttl, upstreamTimeout, udpPayload, cacheEntries, maxCacheTtl,
                perSecond, burst, rateSources, maxForwarded, maxTcpConnections);
    }

    public DnsOptions withMaxForwarded(int n) {
        return new DnsOptions(domain, listen, upstreams, forward, ttl, upstreamTimeout, udpPayload, cacheEntries, maxCacheTtl,
                ratePerSecond, rateBurst, rateSources, n, maxTcpConnections);
    }

    /**
     * Parses a server as {@code dns.listen}, {@code dns.upstreams} and {@code dns.forward} write it:
     * {@code 192.0.2.53}, {@code 192.0.2.53:5353}, {@code 2001:db8::53} or {@code [2001:db8::53]:5353};
     * port 53 when none is given. Address literals only: a name would need DNS to find DNS.
     */
    public static InetSocketAddress parseServer(String s) {
        String host = s;
        int port = 53;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || (close + 1 < s.length() && s.charAt(close + 1) != ':')) {
                throw new IllegalArgumentException("not an address[:port] ('" + s + "')");
            }
            host = s.substring(1, close);
            if (close + 1 < s.length()) {
                port = port(s.substring(close + 2), s);
            }
        } else if (s.indexOf(':') == s.lastIndexOf(':') && s.indexOf(':') >= 0) {
            host = s.substring(0, s.indexOf(':'));
            port = port(s.substring(s.indexOf(':') + 1), s);
        }
        boolean ok;
        var m = IPV4.matcher(host);
        if (m.matches()) {
            ok = true;
            for (int i = 1; i <= 4; i++) {
                ok &= Integer.parseInt(m.group(i)) <= 255;
            }
        } else {
            ok = host.indexOf(':') >= 0 && host.matches("[0-9A-Fa-f:.]+");
        }
        if (!ok) {
            throw new IllegalArgumentException("not an IP address ('" + s + "'); names are not allowed here");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address ('" + s + "')");
        }
    }

    private static int port(String p, String whole) {
        if (!p.matches("\\d{1,5}") || Integer.parseInt(p) < 1 || Integer.parseInt(p) > 65535) {
            throw new IllegalArgumentException("port must be 1 to 65535 ('" + whole + "')");
        }
        return Integer.parseInt(p);
    }

    private static void positive(Duration d, String what) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive");
        }
    }
}
