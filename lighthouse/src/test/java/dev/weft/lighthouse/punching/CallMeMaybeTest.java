package dev.weft.lighthouse.punching;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CallMeMaybeTest {
  private static final byte[] KEY = new byte[32];

  static {
    KEY[0] = 9;
  }

  private static CallMeMaybe sample() {
    return new CallMeMaybe(CallMeMaybe.Type.PUNCH, KEY, List.of(new InetSocketAddress("203.0.113.7", 4242),
        new InetSocketAddress("2001:db8::7", 61000), new InetSocketAddress("192.0.2.2", 4242)));
  }

  @Test
  void roundTrips() throws Exception {
    CallMeMaybe c = sample();
    CallMeMaybe back = CallMeMaybe.decode(c.encode());
    assertEquals(c.type(), back.type());
    assertArrayEquals(KEY, back.peer());
    assertEquals(c.endpoints(), back.endpoints());
    assertEquals(2 + 32 + 7 + 19 + 7, c.encode().length);
  }

  @Test
  void malformedCallsAreRefused() {
    byte[] good = sample().encode();
    assertThrows(CallMeMaybe.MalformedCallException.class, () -> CallMeMaybe.decode(new byte[0]));
    byte[] type = good.clone();
    type[0] = 3;
    assertThrows(CallMeMaybe.MalformedCallException.class, () -> CallMeMaybe.decode(type));
    byte[] count = good.clone();
    count[33] = 17;
    assertThrows(CallMeMaybe.MalformedCallException.class, () -> CallMeMaybe.decode(count));
    byte[] family = good.clone();
    family[34] = 5;
    assertThrows(CallMeMaybe.MalformedCallException.class, () -> CallMeMaybe.decode(family));
    byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
    assertThrows(CallMeMaybe.MalformedCallException.class, () -> CallMeMaybe.decode(longer));
    byte[] shorter = java.util.Arrays.copyOf(good, good.length - 1);
    assertThrows(CallMeMaybe.MalformedCallException.class, () -> CallMeMaybe.decode(shorter));
    byte[] portZero = good.clone();
    portZero[39] = 0;
    portZero[40] = 0;
    assertThrows(CallMeMaybe.MalformedCallException.class, () -> CallMeMaybe.decode(portZero));
  }

  /** Mutated and random payloads: a call that re-encodes to the same bytes, or MalformedCallException; nothing else. */
  @Test
  void fuzzedCallsDecodeExactlyOrAreRefused() {
    SplittableRandom random = new SplittableRandom(12);
    byte[] good = sample().encode();
    List<byte[]> inputs = new ArrayList<>();
    for (int i = 0; i < 200_000; i++) {
      byte[] b;
      if (i % 2 == 0) {
        b = good.clone();
        for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
          b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        }
      } else {
        b = new byte[random.nextInt(80)];
        for (int j = 0; j < b.length; j++) {
          b[j] = (byte) random.nextInt(256);
        }
      }
      try {
        CallMeMaybe c = CallMeMaybe.decode(b);
        assertArrayEquals(b, c.encode(), "decodes only to what encodes back the same");
      } catch (CallMeMaybe.MalformedCallException e) {
        // refused: fine
      }
    }
  }
}
