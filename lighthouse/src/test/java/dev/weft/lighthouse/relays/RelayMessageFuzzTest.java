package dev.weft.lighthouse.relays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The relay message codec on random and mutated input: it decodes exactly what it encodes, refuses the rest. */
class RelayMessageFuzzTest {
    static final byte[] KEY = new byte[32];

    static {
        Arrays.fill(KEY, (byte) 7);
    }

    @Test
    void roundTripsEveryMessage() throws Exception {
        for (RelayMessage m : new RelayMessage[] {new RelayMessage.Request(KEY), new RelayMessage.Offer(-5, KEY),
                new RelayMessage.Refuse(KEY, RelayMessage.FULL), new RelayMessage.Close(Long.MIN_VALUE)}) {
            byte[] wire = m.encode();
            assertArrayEquals(wire, RelayMessage.decode(wire).encode());
        }
        assertEquals(33, new RelayMessage.Request(KEY).encode().length);
        assertEquals(41, new RelayMessage.Offer(1, KEY).encode().length);
        assertEquals(34, new RelayMessage.Refuse(KEY, 1).encode().length);
        assertEquals(9, new RelayMessage.Close(1).encode().length);
    }

    @Test
    void refusesWrongLengthsTypesAndEmpty() {
        assertThrows(RelayFormatException.class, () -> RelayMessage.decode(new byte[0]));
        assertThrows(RelayFormatException.class, () -> RelayMessage.decode(null));
        assertThrows(RelayFormatException.class, () -> RelayMessage.decode(new byte[] {0}));
        assertThrows(RelayFormatException.class, () -> RelayMessage.decode(new byte[] {5, 1, 2}));
        byte[] request = new RelayMessage.Request(KEY).encode();
        assertThrows(RelayFormatException.class, () -> RelayMessage.decode(Arrays.copyOf(request, 32)));
        assertThrows(RelayFormatException.class, () -> RelayMessage.decode(Arrays.copyOf(request, 34)));
        assertThrows(IllegalArgumentException.class, () -> new RelayMessage.Request(new byte[31]));
    }

    @Property(tries = 5000)
    void randomBytesDecodeOnlyToWhatTheyEncode(@ForAll("payloads") byte[] payload) {
        RelayMessage m;
        try {
            m = RelayMessage.decode(payload);
        } catch (RelayFormatException e) {
            return;
        }
        assertArrayEquals(payload, m.encode());
    }

    @Provide
    Arbitrary<byte[]> payloads() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(80);
        Arbitrary<byte[]> nearValid = Arbitraries.of(new RelayMessage.Request(KEY).encode(),
                        new RelayMessage.Offer(3, KEY).encode(), new RelayMessage.Refuse(KEY, 2).encode(),
                        new RelayMessage.Close(9).encode())
                .flatMap(valid -> Arbitraries.integers().between(-2, 2).flatMap(delta ->
                        Arbitraries.integers().between(0, valid.length - 1).flatMap(at ->
                                Arbitraries.bytes().map(b -> {
                                    byte[] out = Arrays.copyOf(valid, Math.max(0, valid.length + delta));
                                    if (at < out.length) {
                                        out[at] = b;
                                    }
                                    return out;
                                }))));
        return Arbitraries.oneOf(random, nearValid);
    }
}
