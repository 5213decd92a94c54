package dev.weft.dataplane.udp;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Normalizes socket addresses seen on a dual-stack socket. */
public final class Addresses {
    private Addresses() {
    }

    /**
     * An IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) as the plain IPv4 address, so that
     * the same peer has one identity whichever way the kernel reports it; others unchanged.
     */
    public static InetSocketAddress normalize(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (!(ip instanceof Inet6Address)) {
            return address;
        }
        byte[] b = ip.getAddress();
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return address;
            }
        }
        if (b[10] != (byte) 0xff || b[11] != (byte) 0xff) {
            return address;
        }
        try {
            InetAddress v4 = InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
            return new InetSocketAddress(v4, address.getPort());
        } catch (UnknownHostException e) {
            throw new AssertionError("4 bytes are always a valid address", e);
        }
    }
}
