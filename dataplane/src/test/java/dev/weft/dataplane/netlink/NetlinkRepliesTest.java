package dev.weft.dataplane.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class NetlinkRepliesTest {
    @Test
    void findsTheMessageOfTheSequenceAndItsErrno() {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.nativeOrder());
        message(b, (short) 16, 6, 0);   // an unrelated message, 20 bytes
        message(b, Netlink.NLMSG_ERROR, 7, -17); // EEXIST for sequence 7
        byte[] data = b.array();
        byte[] reply = NetlinkReplies.find(data, b.position(), 7);
        assertEquals(Netlink.NLMSG_ERROR, NetlinkReplies.type(reply));
        assertEquals(17, NetlinkReplies.errorCode(reply));
        assertEquals(-1, NetlinkReplies.errorCode(NetlinkReplies.find(data, b.position(), 6)));
        assertNull(NetlinkReplies.find(data, b.position(), 8));
        assertNull(NetlinkReplies.find(data, 30, 7), "truncated message is not returned");
    }

    @Test
    void acknowledgementIsErrnoZero() {
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
        message(b, Netlink.NLMSG_ERROR, 1, 0);
        assertEquals(0, NetlinkReplies.errorCode(NetlinkReplies.find(b.array(), 20, 1)));
    }

    @Property(tries = 2000)
    void neverThrowsOnArbitraryReplies(@ForAll byte[] data, @ForAll int length, @ForAll int sequence) {
        byte[] reply = NetlinkReplies.find(data, length, sequence);
        if (reply != null) {
            NetlinkReplies.errorCode(reply);
        }
    }

    private static void message(ByteBuffer b, short type, int sequence, int code) {
        b.putInt(20).putShort(type).putShort((short) 0).putInt(sequence).putInt(0).putInt(code);
    }
}
