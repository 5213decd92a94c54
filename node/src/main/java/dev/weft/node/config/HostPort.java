package dev.weft.node.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An underlay address as written in the config: {@code 198.51.100.2:4242},
 * {@code [2001:db8::2]:4242} or {@code lighthouse.example.net:4242}. Names are kept as
 * written; {@link #resolve} looks them up when the caller needs an address (a lighthouse's
 * name may point elsewhere tomorrow, so it is not resolved once at parse time).
 *
 * @param host an IPv4 or IPv6 literal (without brackets) or a DNS name
 * @param port 1 to 65535
 */
public record HostPort(String host, int port) {
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\\.?");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

    /**
     * Parses {@code host:port}. The message of a refusal does not name the key; the caller
     * puts its path in front ({@code lighthouse.hosts[1]: not host:port ('x')}).
     */
    public static HostPort parse(String s) {
        String host;
        String portText;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("not host:port ('" + s + "')");
            }
            host = s.substring(1, close);
            portText = s.substring(close + 2);
            if (host.indexOf(':') < 0) {
                throw new IllegalArgumentException("not host:port ('" + s + "'): brackets are for IPv6 addresses");
            }
        } else {
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || s.indexOf(':') != colon) {
                throw new IllegalArgumentException("not host:port ('" + s + "')"
                        + (s.indexOf(':') != s.lastIndexOf(':') ? ": write IPv6 as [address]:port" : ""));
            }
            host = s.substring(0, colon);
            portText = s.substring(colon + 1);
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not host:port ('" + s + "'): bad port");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " out of range 1..65535");
        }
        if (host.indexOf(':') >= 0) {
            if (!IPV6.matcher(host).matches() || !isLiteral(host)) {
                throw new IllegalArgumentException("not host:port ('" + s + "'): bad IPv6 address");
            }
        } else if (IPV4.matcher(host).matches()) {
            for (String octet : host.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    throw new IllegalArgumentException("not host:port ('" + s + "'): bad IPv4 address");
                }
            }
        } else if (!HOST_NAME.matcher(host).matches() || host.length() > 253) {
            throw new IllegalArgumentException("not host:port ('" + s + "'): bad host");
        }
        return new HostPort(host, port);
    }

    private static boolean isLiteral(String v6) {
        try {
            InetAddress.getByName(v6); // a literal with only hex digits, ':' and '.' is never looked up
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Whether the host is an address rather than a name. */
    public boolean isLiteral() {
        return host.indexOf(':') >= 0 || IPV4.matcher(host).matches();
    }

    /** The address now (a name is looked up). */
    public InetSocketAddress resolve() throws UnknownHostException {
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    /** As written: {@code host:port}, IPv6 in brackets. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
