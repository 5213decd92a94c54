package dev.weft.gossip;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.ArrayList;
import java.util.List;

/**
 * Gossip packets with Kryo. Every class is registered with a fixed id (registration required:
 * hostile bytes cannot name arbitrary classes). Every body is length-prefixed and its fields
 * are append-only: a reader takes the fields it knows and skips the rest, so members of
 * different versions interoperate. Sizes are bounded before anything is allocated.
 *
 * <pre>
 * packet  = 'W' formatVersion(1) sender(32) message update-count(varint) update*
 * message = kryo-class-id body ; update = kryo-class-id body ; body = length(varint) fields…
 * </pre>
 *
 * Not thread-safe (Kryo is not): one codec per gossip instance.
 */
final class Codec {
  static final byte MAGIC = 'W';
  static final byte FORMAT = 2;
  static final int HEADER = 2 + NodeId.LENGTH;
  static final int SIGNATURE_MAX = 128;
  private static final int MAX_LIST = 4096;
  /** A digest entry: id, incarnation, state, record version. */
  static final int DIGEST_ENTRY_BYTES = NodeId.LENGTH + 8 + 1 + 8;

  private final Kryo kryo = new Kryo();
  private final int maxRecordBytes;
  private final Output scratch = new Output(256, 1 << 16);

  Codec(int maxRecordBytes) {
    this.maxRecordBytes = maxRecordBytes;
    kryo.setRegistrationRequired(true);
    kryo.setReferences(false);
    // Ids are part of the wire format: never renumber, only add.
    kryo.register(Message.Ping.class, new PingSerializer(), 20);
    kryo.register(Message.PingReq.class, new PingReqSerializer(), 21);
    kryo.register(Message.Ack.class, new AckSerializer(), 22);
    kryo.register(Message.Nack.class, new NackSerializer(), 23);
    kryo.register(Message.Digest.class, new DigestSerializer(), 24);
    kryo.register(Message.Fetch.class, new FetchSerializer(), 25);
    kryo.register(Message.Push.class, new PushSerializer(), 26);
    kryo.register(Message.CertFetch.class, new CertFetchSerializer(), 27);
    kryo.register(Message.CertPush.class, new CertPushSerializer(), 28);
    kryo.register(Update.Alive.class, new AliveSerializer(), 40);
    kryo.register(Update.Suspect.class, new SuspectSerializer(), 41);
    kryo.register(Update.Dead.class, new DeadSerializer(), 42);
    kryo.register(Update.RecordUpdate.class, new RecordSerializer(), 43);
    kryo.register(Update.Revocation.class, new RevocationSerializer(), 45);
  }

  /** A decoded packet. */
  record Packet(NodeId sender, Message message, List<Update> updates) {}

  /** The bytes of one update as it appears in a packet, to fill datagrams up to a budget. */
  byte[] encodeUpdate(Update u) {
    scratch.reset();
    kryo.writeClassAndObject(scratch, u);
    return scratch.toBytes();
  }

  byte[] encodeMessage(Message m) {
    scratch.reset();
    kryo.writeClassAndObject(scratch, m);
    return scratch.toBytes();
  }

  static byte[] assemble(NodeId sender, byte[] message, List<byte[]> updates) {
    int size = HEADER + message.length + 5;
    for (byte[] u : updates) {
      size += u.length;
    }
    Output out = new Output(size);
    out.writeByte(MAGIC);
    out.writeByte(FORMAT);
    byte[] id = new byte[NodeId.LENGTH];
    sender.writeTo(id, 0);
    out.writeBytes(id);
    out.writeBytes(message);
    out.writeVarInt(updates.size(), true);
    for (byte[] u : updates) {
      out.writeBytes(u);
    }
    return out.toBytes();
  }

  /** Size of a packet holding {@code message} and updates totalling {@code updateBytes}. */
  static int packetSize(int messageBytes, int updateCount, int updateBytes) {
    return HEADER + messageBytes + varIntSize(updateCount) + updateBytes;
  }

  Packet decode(byte[] datagram) throws MalformedPacketException {
    if (datagram.length < HEADER + 2 || datagram[0] != MAGIC) {
      throw new MalformedPacketException("not a gossip packet");
    }
    if (datagram[1] != FORMAT) {
      throw new MalformedPacketException("unknown packet format " + datagram[1]);
    }
    try {
      Input in = new Input(datagram);
      in.setPosition(2);
      NodeId sender = NodeId.of(in.readBytes(NodeId.LENGTH));
      if (!(kryo.readClassAndObject(in) instanceof Message message)) {
        throw new MalformedPacketException("expected a message");
      }
      int n = in.readVarInt(true);
      if (n < 0 || n > datagram.length - in.position()) {
        throw new MalformedPacketException("bad update count");
      }
      List<Update> updates = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        if (!(kryo.readClassAndObject(in) instanceof Update u)) {
          throw new MalformedPacketException("expected an update");
        }
        updates.add(u);
      }
      if (in.position() != datagram.length) {
        throw new MalformedPacketException("trailing bytes");
      }
      return new Packet(sender, message, updates);
    } catch (KryoException | IllegalArgumentException | IndexOutOfBoundsException | NullPointerException e) {
      throw new MalformedPacketException("malformed packet: " + e.getClass().getSimpleName());
    }
  }

  private static int varIntSize(int v) {
    return v < 1 << 7 ? 1 : v < 1 << 14 ? 2 : v < 1 << 21 ? 3 : 4;
  }

  /**
   * A length-prefixed body whose fields are append-only. Readers must not read past {@code end}
   * and may test {@code in.position() < end} for fields newer versions added.
   */
  private abstract static class Versioned<T> extends Serializer<T> {
    Versioned() {
      super(false, true);
    }

    abstract void writeBody(Output out, T value);

    abstract T readBody(Input in, int end);

    @Override
    public final void write(Kryo kryo, Output out, T value) {
      Output body = new Output(64, 1 << 16);
      writeBody(body, value);
      out.writeVarInt(body.position(), true);
      out.writeBytes(body.getBuffer(), 0, body.position());
    }

    @Override
    public final T read(Kryo kryo, Input in, Class<? extends T> type) {
      int len = in.readVarInt(true);
      if (len < 0 || len > in.limit() - in.position()) {
        throw new KryoException("body length out of bounds");
      }
      int end = in.position() + len;
      T value = readBody(in, end);
      if (in.position() > end) {
        throw new KryoException("body overran its length");
      }
      in.setPosition(end); // skip fields of newer versions
      return value;
    }

    static NodeId id(Input in, int end) {
      need(in, end, NodeId.LENGTH);
      return NodeId.of(in.readBytes(NodeId.LENGTH));
    }

    static byte[] bytes(Input in, int end, int max) {
      int len = in.readVarInt(true);
      if (len < 0 || len > max) {
        throw new KryoException("field too long");
      }
      need(in, end, len);
      return in.readBytes(len);
    }

    static void writeBytes(Output out, byte[] b) {
      out.writeVarInt(b.length, true);
      out.writeBytes(b);
    }

    static void writeId(Output out, NodeId id) {
      out.writeBytes(id.bytes());
    }

    static int count(Input in, int end, int minEntryBytes) {
      int n = in.readVarInt(true);
      if (n < 0 || n > MAX_LIST || (long) n * minEntryBytes > end - in.position()) {
        throw new KryoException("list length out of bounds");
      }
      return n;
    }

    static void need(Input in, int end, int n) {
      if (end - in.position() < n) {
        throw new KryoException("body too short");
      }
    }
  }

  private static final class PingSerializer extends Versioned<Message.Ping> {
    void writeBody(Output out, Message.Ping p) {
      out.writeInt(p.seq());
      writeId(out, p.target());
    }

    Message.Ping readBody(Input in, int end) {
      need(in, end, 4);
      return new Message.Ping(in.readInt(), id(in, end));
    }
  }

  private static final class PingReqSerializer extends Versioned<Message.PingReq> {
    void writeBody(Output out, Message.PingReq p) {
      out.writeInt(p.seq());
      writeId(out, p.target());
    }

    Message.PingReq readBody(Input in, int end) {
      need(in, end, 4);
      return new Message.PingReq(in.readInt(), id(in, end));
    }
  }

  private static final class AckSerializer extends Versioned<Message.Ack> {
    void writeBody(Output out, Message.Ack a) {
      out.writeInt(a.seq());
    }

    Message.Ack readBody(Input in, int end) {
      need(in, end, 4);
      return new Message.Ack(in.readInt());
    }
  }

  private static final class NackSerializer extends Versioned<Message.Nack> {
    void writeBody(Output out, Message.Nack a) {
      out.writeInt(a.seq());
    }

    Message.Nack readBody(Input in, int end) {
      need(in, end, 4);
      return new Message.Nack(in.readInt());
    }
  }

  private static final class PushSerializer extends Versioned<Message.Push> {
    void writeBody(Output out, Message.Push p) {
      out.writeBoolean(p.solicited());
    }

    Message.Push readBody(Input in, int end) {
      need(in, end, 1);
      return new Message.Push(in.readBoolean());
    }
  }

  private static final class DigestSerializer extends Versioned<Message.Digest> {
    private static final MemberState[] STATES = MemberState.values();

    void writeBody(Output out, Message.Digest d) {
      out.writeBoolean(d.reply());
      out.writeVarInt(d.chunk(), true);
      out.writeVarInt(d.entries().size(), true);
      for (Message.DigestEntry e : d.entries()) {
        writeId(out, e.id());
        out.writeLong(e.incarnation());
        out.writeByte(e.state().ordinal());
        out.writeLong(e.recordVersion());
      }
      out.writeLong(d.revocations());
    }

    Message.Digest readBody(Input in, int end) {
      need(in, end, 1);
      boolean reply = in.readBoolean();
      int chunk = in.readVarInt(true);
      int n = count(in, end, DIGEST_ENTRY_BYTES);
      List<Message.DigestEntry> entries = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        NodeId id = id(in, end);
        long inc = in.readLong();
        int state = in.readByte();
        if (state < 0 || state >= STATES.length) {
          throw new KryoException("bad member state");
        }
        entries.add(new Message.DigestEntry(id, inc, STATES[state], in.readLong()));
      }
      long revocations = 0;
      if (end - in.position() >= 8) { // appended field: older writers end before it
        revocations = in.readLong();
      }
      return new Message.Digest(reply, chunk, entries, revocations);
    }
  }

  private static final class FetchSerializer extends Versioned<Message.Fetch> {
    void writeBody(Output out, Message.Fetch f) {
      out.writeVarInt(f.ids().size(), true);
      for (NodeId id : f.ids()) {
        writeId(out, id);
      }
    }

    Message.Fetch readBody(Input in, int end) {
      int n = count(in, end, NodeId.LENGTH);
      List<NodeId> ids = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        ids.add(id(in, end));
      }
      return new Message.Fetch(ids);
    }
  }

  private static final class CertFetchSerializer extends Versioned<Message.CertFetch> {
    void writeBody(Output out, Message.CertFetch f) {
      out.writeVarInt(f.ids().size(), true);
      for (NodeId id : f.ids()) {
        writeId(out, id);
      }
    }

    Message.CertFetch readBody(Input in, int end) {
      int n = count(in, end, NodeId.LENGTH);
      List<NodeId> ids = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        ids.add(id(in, end));
      }
      return new Message.CertFetch(ids);
    }
  }

  private static final class CertPushSerializer extends Versioned<Message.CertPush> {
    void writeBody(Output out, Message.CertPush p) {
      writeId(out, p.id());
      writeBytes(out, p.certificate());
    }

    Message.CertPush readBody(Input in, int end) {
      NodeId id = id(in, end);
      return new Message.CertPush(id, bytes(in, end, Identities.MAX_CERTIFICATE_BYTES));
    }
  }

  private static final class RevocationSerializer extends Versioned<Update.Revocation> {
    void writeBody(Output out, Update.Revocation r) {
      writeBytes(out, r.bytes());
    }

    Update.Revocation readBody(Input in, int end) {
      return new Update.Revocation(bytes(in, end, Revocations.MAX_BYTES));
    }
  }

  private static final class AliveSerializer extends Versioned<Update.Alive> {
    void writeBody(Output out, Update.Alive a) {
      writeId(out, a.id());
      out.writeLong(a.incarnation());
      writeBytes(out, a.signature());
    }

    Update.Alive readBody(Input in, int end) {
      NodeId id = id(in, end);
      need(in, end, 8);
      return new Update.Alive(id, in.readLong(), bytes(in, end, SIGNATURE_MAX));
    }
  }

  private static final class SuspectSerializer extends Versioned<Update.Suspect> {
    void writeBody(Output out, Update.Suspect s) {
      writeId(out, s.id());
      out.writeLong(s.incarnation());
      writeId(out, s.accuser());
      writeBytes(out, s.signature());
    }

    Update.Suspect readBody(Input in, int end) {
      NodeId id = id(in, end);
      need(in, end, 8);
      long inc = in.readLong();
      return new Update.Suspect(id, inc, id(in, end), bytes(in, end, SIGNATURE_MAX));
    }
  }

  private static final class DeadSerializer extends Versioned<Update.Dead> {
    void writeBody(Output out, Update.Dead d) {
      writeId(out, d.id());
      out.writeLong(d.incarnation());
      writeId(out, d.accuser());
      out.writeBoolean(d.left());
      writeBytes(out, d.signature());
    }

    Update.Dead readBody(Input in, int end) {
      NodeId id = id(in, end);
      need(in, end, 8);
      long inc = in.readLong();
      NodeId accuser = id(in, end);
      need(in, end, 1);
      boolean left = in.readBoolean();
      return new Update.Dead(id, inc, accuser, left, bytes(in, end, SIGNATURE_MAX));
    }
  }

  private final class RecordSerializer extends Versioned<Update.RecordUpdate> {
    void writeBody(Output out, Update.RecordUpdate u) {
      Record r = u.record();
      writeId(out, r.origin());
      out.writeLong(r.version());
      out.writeBoolean(r.tombstone());
      writeBytes(out, r.payload());
      writeBytes(out, r.signature());
    }

    Update.RecordUpdate readBody(Input in, int end) {
      NodeId origin = id(in, end);
      need(in, end, 9);
      long version = in.readLong();
      boolean tombstone = in.readBoolean();
      byte[] payload = bytes(in, end, maxRecordBytes);
      byte[] sig = bytes(in, end, SIGNATURE_MAX);
      return new Update.RecordUpdate(new Record(origin, version, tombstone, payload, sig));
    }
  }
}
