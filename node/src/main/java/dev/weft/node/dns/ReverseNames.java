package dev.weft.node.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.xbill.DNS.Name;

/** The address a full reverse name stands for: {@code 12.0.64.100.in-addr.arpa} or 32 nibbles under {@code ip6.arpa}. */
final class ReverseNames {
    private static final Name V4 = Name.fromConstantString("in-addr.arpa.");
    private static final Name V6 = Name.fromConstantString("ip6.arpa.");

    private ReverseNames() {}

    static Optional<InetAddress> parse(Name name) {
        byte[] address;
        if (name.subdomain(V4) && name.labels() == 4 + V4.labels()) {
            address = new byte[4];
            for (int i = 0; i < 4; i++) {
                String label = name.getLabelString(i);
                if (!label.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(label) > 255) {
                    return Optional.empty();
                }
                address[3 - i] = (byte) Integer.parseInt(label);
            }
        } else if (name.subdomain(V6) && name.labels() == 32 + V6.labels()) {
            address = new byte[16];
            for (int i = 0; i < 32; i++) {
                String label = name.getLabelString(i);
                int nibble = label.length() == 1 ? Character.digit(label.charAt(0), 16) : -1;
                if (nibble < 0) {
                    return Optional.empty();
                }
                address[15 - i / 2] |= (byte) (i % 2 == 0 ? nibble : nibble << 4);
            }
        } else {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(address));
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // 4 or 16 bytes are always an address
        }
    }
}
