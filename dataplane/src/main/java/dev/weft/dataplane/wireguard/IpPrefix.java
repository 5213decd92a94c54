package dev.weft.dataplane.wireguard;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 prefix such as {@code 100.64.0.0/10} or {@code fd00::/8}. The address is
 * kept masked to the prefix length, so equal prefixes compare equal.
 *
 * @param address the network address, host bits cleared
 * @param length  the prefix length, 0–32 for IPv4 and 0–128 for IPv6
 */
public record IpPrefix(InetAddress address, int length) {

    /** Validates the length and clears host bits. */
    public IpPrefix {
        if (address == null) {
            throw new IllegalArgumentException("prefix address is missing");
        }
        int bits = address.getAddress().length * 8;
        if (length < 0 || length > bits) {
            throw new IllegalArgumentException("prefix length " + length + " is outside 0.." + bits);
        }
        address = masked(address, length);
    }

    /**
     * Parses {@code address/length}; a bare address means a host prefix (/32 or /128).
     * Only literal addresses are accepted, never host names.
     *
     * @throws IllegalArgumentException with a clear message on bad input
     */
    public static IpPrefix parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty IP prefix");
        }
        String trimmed = text.strip();
        int slash = trimmed.indexOf('/');
        String addressText = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] raw = literalAddress(addressText);
        if (raw == null) {
            throw new IllegalArgumentException("not an IP address: '" + addressText + "'");
        }
        int length = raw.length * 8;
        if (slash >= 0) {
            String lengthText = trimmed.substring(slash + 1);
            if (lengthText.isEmpty() || lengthText.length() > 3 || !lengthText.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("bad prefix length in '" + trimmed + "'");
            }
            length = Integer.parseInt(lengthText);
        }
        try {
            return new IpPrefix(InetAddress.getByAddress(raw), length);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: '" + addressText + "'", e);
        }
    }

    /** True for IPv4 prefixes. */
    public boolean isIpv4() {
        return address.getAddress().length == 4;
    }

    /** True if {@code candidate} lies inside this prefix (and is of the same family). */
    public boolean contains(InetAddress candidate) {
        byte[] a = address.getAddress();
        byte[] b = candidate.getAddress();
        if (a.length != b.length) {
            return false;
        }
        return Arrays.equals(a, masked(b, length));
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + length;
    }

    private static InetAddress masked(InetAddress address, int length) {
        byte[] raw = masked(address.getAddress(), length);
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4- or 16-byte address is always valid", e);
        }
    }

    private static byte[] masked(byte[] raw, int length) {
        byte[] out = raw.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, length - i * 8));
            out[i] &= (byte) (0xff << (8 - keep));
        }
        return out;
    }

    /** Parses a literal IPv4 or IPv6 address without ever resolving a name. */
    private static byte[] literalAddress(String text) {
        if (text.isEmpty()) {
            return null;
        }
        if (text.indexOf(':') >= 0) {
            if (!text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                return null;
            }
            try {
                byte[] raw = InetAddress.getByName(text).getAddress();
                if (raw.length == 4) {
                    // An IPv4-mapped literal; InetAddress turns it into IPv4, keep it IPv6.
                    byte[] mapped = new byte[16];
                    mapped[10] = (byte) 0xff;
                    mapped[11] = (byte) 0xff;
                    System.arraycopy(raw, 0, mapped, 12, 4);
                    return mapped;
                }
                return raw;
            } catch (UnknownHostException e) {
                return null;
            }
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] raw = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
                return null;
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                return null;
            }
            raw[i] = (byte) value;
        }
        return raw;
    }
}
