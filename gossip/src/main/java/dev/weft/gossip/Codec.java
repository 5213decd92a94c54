package dev.weft.gossip;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.ArrayList;
import java.util.List;

/**
 * Gossip packets with Kryo. Every class is registered with a fixed id, which Kryo writes;
 * decoding reads the id itself and accepts only weft's message ids where the message belongs and
 * update ids where updates do, so Kryo's built-in registrations (String, primitives, classes by
 * name) are unreachable from the wire. Every body is length-prefixed and its fields are
 * append-only: a reader takes the fields it knows and skips the rest, so members of different
 * versions interoperate. Sizes are bounded by the datagram and by limits before anything is
 * allocated.
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
  static final byte FORMAT = 3;
  static final int HEADER = 2 + NodeId.LENGTH;
  static final int SIGNATURE_MAX = 128;
  private static final int MAX_LIST = 4096;
  /** A digest entry: id, incarnation, state, record version. */
  static final int DIGEST_ENTRY_BYTES = NodeId.LENGTH + 8 + 1 + 8;
  private static final byte[] NO_BYTES = {};

  private final Kryo kryo = new Kryo();
  private final int maxRecordBytes;
  private final Output scratch = new Output(256, 1 << 16);
  private final Input in = new Input();
  private final Family<Message> messages = new Family<>("message");
  private final Family<Update> updates = new Family<>("update");

  Codec(int maxRecordBytes) {
    this.maxRecordBytes = maxRecordBytes;
    kryo.setRegistrationRequired(true);
    kryo.setReferences(false);
    // Ids are part of the wire format: never renumber, only add.
    message(Message.Ping.class, new PingSerializer(), 20);
    message(Message.PingReq.class, new PingReqSerializer(), 21);
    message(Message.Ack.class, new AckSerializer(), 22);
    message(Message.Nack.class, new NackSerializer(), 23);
    message(Message.Digest.class, new DigestSerializer(), 24);
    message(Message.Fetch.class, new FetchSerializer(), 25);
    message(Message.Push.class, new PushSerializer(), 26);
    message(Message.CertFetch.class, new CertFetchSerializer(), 27);
    message(Message.CertPush.class, new CertPushSerializer(), 28);
    message(Message.RecordFetch.class, new RecordFetchSerializer(), 29);
    message(Message.RecordChunk.class, new RecordChunkSerializer(), 30);
    message(Message.Ranges.class, new RangesSerializer(), 31);
    message(Message.RangeEntries.class, new RangeEntriesSerializer(), 32);
    update(Update.Alive.class, new AliveSerializer(), 40);
    update(Update.Suspect.class, new SuspectSerializer(), 41);
    update(Update.Dead.class, new DeadSerializer(), 42);
    update(Update.RecordUpdate.class, new RecordSerializer(), 43);
    update(Update.RecordNotice.class, new RecordNoticeSerializer(), 44);
    update(Update.Revocation.class, new RevocationSerializer(), 45);
  }

  // Kryo writes with these registrations; only the families read, so Kryo's own (String, the
  // primitives, class-by-name), whose readers allocate what the wire asks for, stay unreachable.
  private <T extends Message> void message(Class<T> type, Versioned<T> serializer, int id) {
    kryo.register(type, serializer, id);
    messages.add(id, serializer);
  }

  private <T extends Update> void update(Class<T> type, Versioned<T> serializer, int id) {
    kryo.register(type, serializer, id);
    updates.add(id, serializer);
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
    int count = updates.size();
    int size = HEADER + message.length + varIntSize(count);
    for (byte[] u : updates) {
      size += u.length;
    }
    // Straight into a datagram of the exact size: one allocation and one copy of each part.
    byte[] packet = new byte[size];
    packet[0] = MAGIC;
    packet[1] = FORMAT;
    sender.writeTo(packet, 2);
    int at = HEADER;
    System.arraycopy(message, 0, packet, at, message.length);
    at += message.length;
    while ((count & ~0x7f) != 0) { // Kryo's positive varint: 7 bits a byte, low bits first
      packet[at++] = (byte) ((count & 0x7f) | 0x80);
      count >>>= 7;
    }
    packet[at++] = (byte) count;
    for (byte[] u : updates) {
      System.arraycopy(u, 0, packet, at, u.length);
      at += u.length;
    }
    return packet;
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
    in.setBuffer(datagram);
    try {
      in.setPosition(2);
      NodeId sender = NodeId.adopt(in.readBytes(NodeId.LENGTH));
      Message message = messages.read(in);
      int n = in.readVarInt(true);
      // Each update takes at least its class id and body length: a count beyond half the rest
      // cannot be met, and must not size the list.
      if (n < 0 || n > (datagram.length - in.position()) / 2) {
        throw new MalformedPacketException("bad update count");
      }
      List<Update> list = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        list.add(updates.read(in));
      }
      if (in.position() != datagram.length) {
        throw new MalformedPacketException("trailing bytes");
      }
      return new Packet(sender, message, list);
    } catch (KryoException e) {
      // Kryo's buffer underflow and the serializers' bound checks: every read is bounded by the
      // datagram, so nothing else is expected here, and anything else is a bug to surface.
      throw new MalformedPacketException("malformed packet: " + e.getMessage());
    } finally {
      in.setBuffer(NO_BYTES); // keep no datagram alive between packets
    }
  }

  /** One update as {@link #encodeUpdate} wrote it (a large record, reassembled from chunks). */
  Update decodeUpdate(byte[] bytes) throws MalformedPacketException {
    in.setBuffer(bytes);
    try {
      Update u = updates.read(in);
      if (in.position() != bytes.length) {
        throw new MalformedPacketException("trailing bytes");
      }
      return u;
    } catch (KryoException e) {
      throw new MalformedPacketException("malformed update: " + e.getMessage());
    } finally {
      in.setBuffer(NO_BYTES);
    }
  }

  private static int varIntSize(int v) {
    return v < 1 << 7 ? 1 : v < 1 << 14 ? 2 : v < 1 << 21 ? 3 : 4;
  }

  /**
   * A bound or id check failed. Without a stack trace: refusing hostile bytes is routine and must
   * stay cheap, and the message names the check.
   */
  private static final class OutOfBounds extends KryoException {
    OutOfBounds(String reason) {
      super(reason);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  /**
   * The serializers one position in a packet may hold, by Kryo registration id. The class id is
   * read here, exactly as Kryo's class resolver writes it (varint of id + 2; 0 is null, 1 a class
   * by name), and only these ids are accepted: a message id where an update belongs is malformed.
   */
  private static final class Family<T> {
    private static final int KRYO_ID_OFFSET = 2;
    private final String name;
    private final List<Versioned<? extends T>> byId = new ArrayList<>();

    Family(String name) {
      this.name = name;
    }

    void add(int id, Versioned<? extends T> serializer) {
      while (byId.size() <= id) {
        byId.add(null);
      }
      if (byId.set(id, serializer) != null) {
        throw new IllegalStateException(name + " id " + id + " registered twice");
      }
    }

    T read(Input in) {
      int id = in.readVarInt(true) - KRYO_ID_OFFSET;
      Versioned<? extends T> serializer = id >= 0 && id < byId.size() ? byId.get(id) : null;
      if (serializer == null) {
        throw new OutOfBounds("not a " + name + " class id: " + (id + KRYO_ID_OFFSET));
      }
      return serializer.readBounded(in);
    }
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

    /**
     * Writes the body in place after a one-byte length and moves it up when the length needs
     * more: no buffer per write. {@code out} must be a plain buffer (no stream to flush to),
     * as the codec's scratch is.
     */
    @Override
    public final void write(Kryo kryo, Output out, T value) {
      int start = out.position();
      out.writeByte(0);
      writeBody(out, value);
      int end = out.position();
      int len = end - start - 1;
      int extra = Output.varIntLength(len, true) - 1;
      if (extra > 0) {
        for (int i = 0; i < extra; i++) {
          out.writeByte(0); // grows the buffer if needed
        }
        byte[] buffer = out.getBuffer();
        System.arraycopy(buffer, start + 1, buffer, start + 1 + extra, len);
      }
      out.setPosition(start);
      out.writeVarInt(len, true);
      out.setPosition(end + extra);
    }

    /** Kryo's entry point; decoding calls {@link #readBounded} directly. */
    @Override
    public final T read(Kryo kryo, Input in, Class<? extends T> type) {
      return readBounded(in);
    }

    final T readBounded(Input in) {
      int len = in.readVarInt(true);
      if (len < 0 || len > in.limit() - in.position()) {
        throw new OutOfBounds("body length out of bounds");
      }
      int end = in.position() + len;
      T value = readBody(in, end);
      if (in.position() > end) {
        throw new OutOfBounds("body overran its length");
      }
      in.setPosition(end); // skip fields of newer versions
      return value;
    }

    static NodeId id(Input in, int end) {
      need(in, end, NodeId.LENGTH);
      return NodeId.adopt(in.readBytes(NodeId.LENGTH));
    }

    static byte[] bytes(Input in, int end, int max) {
      int len = in.readVarInt(true);
      if (len < 0 || len > max) {
        throw new OutOfBounds("field too long");
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
        throw new OutOfBounds("list length out of bounds");
      }
      return n;
    }

    static void need(Input in, int end, int n) {
      if (end - in.position() < n) {
        throw new OutOfBounds("body too short");
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
      writeEntries(out, d.entries());
      out.writeLong(d.revocations());
    }

    static void writeEntries(Output out, List<Message.DigestEntry> entries) {
      out.writeVarInt(entries.size(), true);
      for (Message.DigestEntry e : entries) {
        writeId(out, e.id());
        out.writeLong(e.incarnation());
        out.writeByte(e.state().ordinal());
        out.writeLong(e.recordVersion());
      }
    }

    static List<Message.DigestEntry> readEntries(Input in, int end) {
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
      return entries;
    }

    Message.Digest readBody(Input in, int end) {
      need(in, end, 1);
      boolean reply = in.readBoolean();
      int chunk = in.readVarInt(true);
      List<Message.DigestEntry> entries = readEntries(in, end);
      long revocations = 0;
      if (end - in.position() >= 8) { // appended field: older writers end before it
        revocations = in.readLong();
      }
      return new Message.Digest(reply, chunk, entries, revocations);
    }
  }

  /** A range: prefix (varint), count (varint), fingerprint (8 bytes). */
  private static final int RANGE_MIN_BYTES = 1 + 1 + 8;

  private static final class RangesSerializer extends Versioned<Message.Ranges> {
    void writeBody(Output out, Message.Ranges r) {
      out.writeByte(r.depth());
      out.writeBoolean(r.complete());
      out.writeLong(r.revocations());
      out.writeVarInt(r.ranges().size(), true);
      for (RangeSet.Range x : r.ranges()) {
        out.writeVarLong(x.prefix(), true);
        out.writeVarInt(x.count(), true);
        out.writeLong(x.fingerprint());
      }
    }

    Message.Ranges readBody(Input in, int end) {
      need(in, end, 1 + 1 + 8);
      int depth = depth(in);
      boolean complete = in.readBoolean();
      long revocations = in.readLong();
      int n = count(in, end, RANGE_MIN_BYTES);
      List<RangeSet.Range> ranges = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        long prefix = prefix(in, end, depth);
        int count = in.readVarInt(true);
        if (count < 0) {
          throw new OutOfBounds("negative range count");
        }
        need(in, end, 8);
        ranges.add(new RangeSet.Range(prefix, count, in.readLong()));
      }
      return new Message.Ranges(depth, complete, revocations, ranges);
    }
  }

  private static final class RangeEntriesSerializer extends Versioned<Message.RangeEntries> {
    void writeBody(Output out, Message.RangeEntries r) {
      out.writeByte(r.depth());
      out.writeVarLong(r.prefix(), true);
      DigestSerializer.writeEntries(out, r.entries());
    }

    Message.RangeEntries readBody(Input in, int end) {
      need(in, end, 2);
      int depth = depth(in);
      long prefix = prefix(in, end, depth);
      return new Message.RangeEntries(depth, prefix, DigestSerializer.readEntries(in, end));
    }
  }

  static int depth(Input in) {
    int depth = in.readByte();
    if (depth < 0 || depth > RangeSet.MAX_DEPTH) {
      throw new OutOfBounds("range depth out of bounds");
    }
    return depth;
  }

  static long prefix(Input in, int end, int depth) {
    need(in, end, 1);
    long prefix = in.readVarLong(true);
    if (depth < 64 && (prefix >>> depth) != 0) {
      throw new OutOfBounds("range prefix longer than its depth");
    }
    return prefix;
  }

  static void need(Input in, int end, int n) {
    Versioned.need(in, end, n);
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

  private static final class RecordFetchSerializer extends Versioned<Message.RecordFetch> {
    void writeBody(Output out, Message.RecordFetch f) {
      writeId(out, f.origin());
      out.writeLong(f.version());
    }

    Message.RecordFetch readBody(Input in, int end) {
      NodeId origin = id(in, end);
      need(in, end, 8);
      return new Message.RecordFetch(origin, in.readLong());
    }
  }

  private static final class RecordChunkSerializer extends Versioned<Message.RecordChunk> {
    void writeBody(Output out, Message.RecordChunk c) {
      writeId(out, c.origin());
      out.writeLong(c.version());
      out.writeVarInt(c.total(), true);
      out.writeVarInt(c.index(), true);
      writeBytes(out, c.bytes());
    }

    Message.RecordChunk readBody(Input in, int end) {
      NodeId origin = id(in, end);
      need(in, end, 8);
      long version = in.readLong();
      int total = in.readVarInt(true);
      int index = in.readVarInt(true);
      if (total < 1 || total > LargeRecords.MAX_CHUNKS || index < 0 || index >= total) {
        throw new OutOfBounds("bad record chunk numbering");
      }
      return new Message.RecordChunk(origin, version, total, index, bytes(in, end, LargeRecords.CHUNK_BYTES));
    }
  }

  private static final class RecordNoticeSerializer extends Versioned<Update.RecordNotice> {
    void writeBody(Output out, Update.RecordNotice n) {
      writeId(out, n.origin());
      out.writeLong(n.version());
    }

    Update.RecordNotice readBody(Input in, int end) {
      NodeId origin = id(in, end);
      need(in, end, 8);
      return new Update.RecordNotice(origin, in.readLong());
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
