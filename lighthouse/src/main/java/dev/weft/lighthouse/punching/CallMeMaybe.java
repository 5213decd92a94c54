package dev.weft.lighthouse.punching;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * "Punch now, to these endpoints": how two members behind NATs start probing each other at the
 * same moment. A member that wants a direct path {@link Type#ASK}s a lighthouse (which both reach)
 * to pass the request on; the lighthouse sends the other member a {@link Type#PUNCH} naming the
 * asker and its endpoints, the address it saw the ask come from included. Rides the sealed
 * channel as {@code ChannelKind.CALL_ME_MAYBE}, so both hops are authenticated.
 *
 * <p>Wire: type (1 byte), peer key (32), endpoint count (1, at most {@link #MAX_ENDPOINTS}), then
 * per endpoint its family (4 or 6), address (4 or 16 bytes) and port (2).
 *
 * @param peer for an ask, the member to be told; for a punch, the member who asked
 */
public record CallMeMaybe(Type type, byte[] peer, List<InetSocketAddress> endpoints) {
  public static final int MAX_ENDPOINTS = 16;
  static final int KEY = 32;

  public enum Type {
    ASK(1),
    PUNCH(2);

    final int code;

    Type(int code) {
      this.code = code;
    }
  }

  public CallMeMaybe {
    if (peer.length != KEY) {
      throw new IllegalArgumentException("a peer key has 32 bytes");
    }
    if (endpoints.size() > MAX_ENDPOINTS) {
      throw new IllegalArgumentException("at most " + MAX_ENDPOINTS + " endpoints");
    }
    peer = peer.clone();
    endpoints = List.copyOf(endpoints);
  }

  @Override
  public byte[] peer() {
    return peer.clone();
  }

  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(2 + KEY + endpoints.size() * 19);
    b.put((byte) type.code).put(peer).put((byte) endpoints.size());
    for (InetSocketAddress e : endpoints) {
      byte[] a = e.getAddress().getAddress();
      b.put((byte) (a.length == 4 ? 4 : 6)).put(a).putShort((short) e.getPort());
    }
    return java.util.Arrays.copyOf(b.array(), b.position());
  }

  /** Decodes strictly: unknown types, families, counts over the bound and trailing bytes are refused. */
  public static CallMeMaybe decode(byte[] payload) throws MalformedCallException {
    try {
      ByteBuffer b = ByteBuffer.wrap(payload);
      int code = b.get() & 0xFF;
      Type type = code == 1 ? Type.ASK : code == 2 ? Type.PUNCH : null;
      if (type == null) {
        throw new MalformedCallException("call-me-maybe of unknown type " + code);
      }
      byte[] peer = new byte[KEY];
      b.get(peer);
      int count = b.get() & 0xFF;
      if (count > MAX_ENDPOINTS) {
        throw new MalformedCallException(count + " endpoints; at most " + MAX_ENDPOINTS);
      }
      List<InetSocketAddress> endpoints = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        int family = b.get();
        byte[] a = new byte[family == 4 ? 4 : family == 6 ? 16 : 0];
        if (a.length == 0) {
          throw new MalformedCallException("endpoint family " + family);
        }
        b.get(a);
        int port = b.getShort() & 0xFFFF;
        InetAddress address = InetAddress.getByAddress(a);
        if (a.length == 16 && address instanceof Inet4Address || port == 0) {
          throw new MalformedCallException("endpoint " + address + " port " + port);
        }
        assert a.length == 16 || !(address instanceof Inet6Address);
        endpoints.add(new InetSocketAddress(address, port));
      }
      if (b.hasRemaining()) {
        throw new MalformedCallException(b.remaining() + " bytes after the endpoints");
      }
      return new CallMeMaybe(type, peer, endpoints);
    } catch (BufferUnderflowException e) {
      throw new MalformedCallException("call-me-maybe of " + payload.length + " bytes is cut short");
    } catch (UnknownHostException e) {
      throw new AssertionError("raw addresses of 4 or 16 bytes always parse", e);
    }
  }

  /** A call-me-maybe that does not decode. */
  public static final class MalformedCallException extends Exception {
    MalformedCallException(String message) {
      super(message);
    }
  }
}
