package dev.weft.dataplane.netlink;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class AddressEventsTest {
    private static byte[] messages(short... types) {
        ByteBuffer b = ByteBuffer.allocate(20 * types.length).order(ByteOrder.nativeOrder());
        for (short t : types) {
            b.putInt(20).putShort(t).putShort((short) 0).putInt(0).putInt(0).putInt(0);
        }
        return b.array();
    }

    @Test
    void findsAddressMessagesInABatchAndNothingElse() {
        assertTrue(AddressEvents.containsAddressMessage(messages(Netlink.RTM_NEWADDR), 20));
        assertTrue(AddressEvents.containsAddressMessage(messages(Netlink.RTM_NEWLINK, Netlink.RTM_DELADDR), 40));
        assertFalse(AddressEvents.containsAddressMessage(messages(Netlink.RTM_NEWLINK, Netlink.RTM_NEWROUTE), 40));
        byte[] truncated = messages(Netlink.RTM_NEWLINK, Netlink.RTM_NEWADDR);
        assertFalse(AddressEvents.containsAddressMessage(truncated, 30), "a message cut short is not read");
        byte[] zeroLength = messages(Netlink.RTM_NEWLINK);
        ByteBuffer.wrap(zeroLength).order(ByteOrder.nativeOrder()).putInt(0, 0);
        assertFalse(AddressEvents.containsAddressMessage(zeroLength, 20), "a zero length ends the walk");
    }
}
