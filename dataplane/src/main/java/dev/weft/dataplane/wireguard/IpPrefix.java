package dev.weft.dataplane.wireguard;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 prefix such as {@code 100.64.0.0/10} or {@code fd00::/8}. Host bits are
 * cleared, so {@code 10.1.2.3/8} equals {@code 10.0.0.0/8}.
 *
 * @param address the network address (host bits zero)
 * @param length the prefix length, 0..32 for IPv4 and 0..128 for IPv6
 */
public record IpPrefix(InetAddress address, int length) {

    /** Validates the length and clears host bits. */
    public IpPrefix {
        if (address == null) {
            throw new IllegalArgumentException("prefix address is required");
        }
        int bits = address.getAddress().length * 8;
        if (length < 0 || length > bits) {
            throw new IllegalArgumentException("prefix length " + length + " out of range 0.." + bits);
        }
        address = masked(address, length);
    }

    /** Parses {@code address/length}; a bare address means a host prefix (/32 or /128). */
    public static IpPrefix parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty IP prefix");
        }
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        String addr = slash < 0 ? trimmed : trimmed.substring(0, slash);
        boolean v6 = addr.indexOf(':') >= 0;
        boolean v4 = !v6 && addr.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        if (!v4 && !(v6 && addr.matches("[0-9A-Fa-f:.]+"))) {
            throw new IllegalArgumentException("not an IP address: " + text);
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(addr); // literal only: checked above, no DNS lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + text, e);
        }
        int length;
        if (slash < 0) {
            length = address.getAddress().length * 8;
        } else {
            try {
                length = Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad prefix length in " + text, e);
            }
        }
        return new IpPrefix(address, length);
    }

    /** True for an IPv4 prefix. */
    public boolean isIpv4() {
        return address.getAddress().length == 4;
    }

    /** True when {@code other} lies inside this prefix (same family). */
    public boolean contains(InetAddress other) {
        byte[] a = address.getAddress();
        byte[] b = other.getAddress();
        if (a.length != b.length) {
            return false;
        }
        return masked(other, length).equals(address);
    }

    private static InetAddress masked(InetAddress address, int length) {
        byte[] bytes = address.getAddress();
        for (int i = 0; i < bytes.length; i++) {
            int keep = Math.max(0, Math.min(8, length - 8 * i));
            bytes[i] &= (byte) (0xff << (8 - keep));
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + length;
    }
}
