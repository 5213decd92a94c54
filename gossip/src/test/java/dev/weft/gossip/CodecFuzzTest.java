package dev.weft.gossip;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.io.Output;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Mutations of valid packets of every message and update kind, and random bytes, through the
 * decoder: each is decoded or refused with {@link MalformedPacketException}, nothing else, and
 * the heap is as large afterwards as before. Reproduce a run with {@code -Dweft.fuzz.seed=…}
 * (and scale it with {@code -Dweft.fuzz.inputs=…}); a failure names the seed, the input's number
 * and its bytes. Worker {@code w} runs seed + w, the warm-up seed − 1.
 *
 * <p>Heap flatness: the used heap after full collections (see {@link Heap#usedAfterGc}) once the
 * warm-up has loaded and compiled everything, against the same after the run, with the codecs
 * still reachable so that anything they accumulated would count.
 */
class CodecFuzzTest {
  private static final long SEED = Long.getLong("weft.fuzz.seed", 0x5eed_c0de_cafeL);
  private static final long INPUTS = Long.getLong("weft.fuzz.inputs", 10_000_000L);
  private static final int THREADS = 2;
  /** Retained growth allowed across the run: JIT and class metadata live off-heap, so a little slack. */
  private static final long HEAP_SLACK = 4 << 20;

  private static final int[] EDGES = {
    -1, Integer.MIN_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE - 1, 1 << 28, 1 << 24, 1 << 21, 1 << 16,
    (1 << 16) + 1, (1 << 14) - 1, 1 << 14, 0x7f, 0x80, 0xff, 0, 1, 2, 3, 4096, 4097, 65, 129,
    CodecSamples.MAX_RECORD_BYTES, CodecSamples.MAX_RECORD_BYTES + 1
  };

  /** A valid packet and the offsets of its varints that Codec itself lays out (ids, lengths, count). */
  record Seed(byte[] bytes, int[] varints) {}

  static List<Seed> corpus(Codec codec) {
    NodeId sender = CodecSamples.sender();
    List<Message> messages = CodecSamples.allMessages();
    List<Update> updates = CodecSamples.allUpdates();
    List<Seed> seeds = new ArrayList<>();
    for (Message m : messages) {
      seeds.add(seed(codec, sender, m, List.of()));
    }
    List<Update> small = updates.stream().filter(u -> codec.encodeUpdate(u).length < 1000).toList();
    for (Update u : updates) {
      seeds.add(seed(codec, sender, new Message.Push(false), List.of(u)));
    }
    for (Update u : small) {
      seeds.add(seed(codec, sender, messages.get(0), List.of(u, u)));
    }
    for (Message m : messages) {
      seeds.add(seed(codec, sender, m, small));
    }
    return seeds;
  }

  private static Seed seed(Codec codec, NodeId sender, Message m, List<Update> us) {
    byte[] message = codec.encodeMessage(m);
    List<byte[]> encoded = new ArrayList<>();
    for (Update u : us) {
      encoded.add(codec.encodeUpdate(u));
    }
    List<Integer> varints = new ArrayList<>(List.of(Codec.HEADER, Codec.HEADER + 1, Codec.HEADER + message.length));
    int at = Codec.HEADER + message.length + Output.varIntLength(us.size(), true);
    for (byte[] u : encoded) {
      varints.add(at); // class id
      varints.add(at + 1); // body length
      at += u.length;
    }
    return new Seed(Codec.assemble(sender, message, encoded), varints.stream().mapToInt(Integer::intValue).toArray());
  }

  /**
   * Makes fuzz inputs in one working buffer (one array per input, of its exact length, for
   * decode); deterministic in the seed.
   */
  static final class Inputs {
    private final List<Seed> seeds;
    private final SplittableRandom rnd;
    private final byte[] buf = new byte[1 << 17];
    private final byte[] scratch = new byte[1 << 17];
    private final Output varint = new Output(5);
    private int len;

    Inputs(List<Seed> seeds, long seed) {
      this.seeds = seeds;
      this.rnd = new SplittableRandom(seed);
    }

    byte[] next() {
      if (rnd.nextInt(20) == 0) {
        byte[] b = new byte[rnd.nextInt(1500)];
        rnd.nextBytes(b);
        if (b.length > 2 && rnd.nextBoolean()) {
          b[0] = Codec.MAGIC;
          b[1] = Codec.FORMAT;
        }
        return b;
      }
      Seed seed = seeds.get(rnd.nextInt(seeds.size()));
      len = seed.bytes().length;
      System.arraycopy(seed.bytes(), 0, buf, 0, len);
      int mutations = 1 + rnd.nextInt(rnd.nextBoolean() ? 2 : 6);
      for (int i = 0; i < mutations; i++) {
        mutate(seed);
      }
      return Arrays.copyOf(buf, len);
    }

    private void mutate(Seed seed) {
      int pos = len == 0 ? 0 : rnd.nextInt(len);
      switch (rnd.nextInt(9)) {
        case 0 -> { // bit flip
          if (len > 0) {
            buf[pos] ^= (byte) (1 << rnd.nextInt(8));
          }
        }
        case 1 -> { // random byte
          if (len > 0) {
            buf[pos] = (byte) rnd.nextInt(256);
          }
        }
        case 2 -> { // insertion of random bytes
          int n = 1 + rnd.nextInt(8);
          for (int i = 0; i < n; i++) {
            scratch[i] = (byte) rnd.nextInt(256);
          }
          splice(pos, 0, scratch, 0, n);
        }
        case 3 -> splice(pos, Math.min(len - pos, 1 + rnd.nextInt(rnd.nextBoolean() ? 4 : 64)), scratch, 0, 0); // deletion
        case 4 -> len = len == 0 ? 0 : rnd.nextInt(len); // truncation
        case 5, 6 -> { // a length, count or id set to an edge or huge value, at a known varint or anywhere
          int[] varints = seed.varints();
          int at = Math.min(rnd.nextBoolean() ? varints[rnd.nextInt(varints.length)] : pos, len);
          int value = rnd.nextInt(4) == 0 ? rnd.nextInt() : EDGES[rnd.nextInt(EDGES.length)];
          varint.reset();
          if (rnd.nextInt(4) == 0) {
            varint.writeVarIntFlag(true, value, true); // Kryo's string length form, for its class-by-name path
          } else {
            varint.writeVarInt(value, true);
          }
          int old = 0;
          while (at + old < len && old < 4 && (buf[at + old] & 0x80) != 0) {
            old++;
          }
          old = Math.min(len - at, old + 1);
          splice(at, rnd.nextInt(3) == 0 ? 0 : old, varint.getBuffer(), 0, varint.position());
        }
        case 7 -> { // splice in a piece of another packet, replacing the tail or a piece
          byte[] other = seeds.get(rnd.nextInt(seeds.size())).bytes();
          int from = rnd.nextInt(other.length);
          int n = Math.min(rnd.nextInt(other.length - from + 1), buf.length / 2);
          splice(pos, rnd.nextBoolean() ? len - pos : Math.min(len - pos, n), other, from, n);
        }
        default -> { // an edge value over 32 bits
          if (len >= 4) {
            int v = EDGES[rnd.nextInt(EDGES.length)];
            int p = Math.min(pos, len - 4);
            buf[p] = (byte) (v >>> 24);
            buf[p + 1] = (byte) (v >>> 16);
            buf[p + 2] = (byte) (v >>> 8);
            buf[p + 3] = (byte) v;
          }
        }
      }
    }

    private void splice(int at, int remove, byte[] src, int from, int n) {
      if (len - remove + n > buf.length) {
        return; // would outgrow the buffer: leave this input as it is
      }
      System.arraycopy(buf, at + remove, buf, at + n, len - at - remove);
      System.arraycopy(src, from, buf, at, n);
      len += n - remove;
    }
  }

  @Test
  void tenMillionMutatedAndRandomPacketsAreDecodedOrRefusedAndLeaveTheHeapFlat() throws Exception {
    AtomicReference<AssertionError> failure = new AtomicReference<>();
    long[] decoded = new long[THREADS];
    long[] cpuNanos = new long[THREADS];
    Codec[] codecs = new Codec[THREADS];
    Thread[] workers = new Thread[THREADS];
    for (int t = 0; t < THREADS; t++) {
      codecs[t] = new Codec(CodecSamples.MAX_RECORD_BYTES);
    }
    // Warm-up outside the measurement, so JIT and class loading do not count as growth.
    fuzz(codecs[0], SEED - 1, 0, 50_000, failure, new long[THREADS], new long[THREADS]);
    long heapBefore = Heap.usedAfterGc();
    long start = System.nanoTime();
    for (int t = 0; t < THREADS; t++) {
      int index = t;
      workers[t] = new Thread(() -> fuzz(codecs[index], SEED + index, index, INPUTS / THREADS, failure, decoded, cpuNanos), "fuzz-" + t);
      workers[t].start();
    }
    for (Thread w : workers) {
      w.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (failure.get() != null) {
      throw failure.get();
    }
    long heapAfter = Heap.usedAfterGc();
    Reference.reachabilityFence(codecs);
    long inputs = INPUTS / THREADS * THREADS;
    double cpuSeconds = Arrays.stream(cpuNanos).sum() / 1e9;
    System.out.printf(
        "codec fuzz: seed %#x, %,d inputs (%,d decoded) on %d threads in %.1f s: %,.0f inputs/s (%,.0f per CPU-second); heap after GC %,d -> %,d bytes%n",
        SEED, inputs, Arrays.stream(decoded).sum(), THREADS, seconds, inputs / seconds, inputs / cpuSeconds, heapBefore, heapAfter);
    assertTrue(heapAfter - heapBefore < HEAP_SLACK, "heap grew from " + heapBefore + " to " + heapAfter + " bytes");
  }

  private static void fuzz(
      Codec codec, long seed, int worker, long inputs, AtomicReference<AssertionError> failure, long[] decoded, long[] cpuNanos) {
    long cpuStart = Heap.cpuOfThisThread();
    Inputs generator = new Inputs(corpus(codec), seed);
    long ok = 0;
    for (long i = 0; i < inputs && failure.get() == null; i++) {
      byte[] b = generator.next();
      try {
        codec.decode(b);
        ok++;
      } catch (MalformedPacketException expected) {
        // refused
      } catch (RuntimeException | Error e) {
        failure.compareAndSet(null, new AssertionError(String.format(
            "seed %#x (worker %d), input %d: %s escaped decode for %s", seed, worker, i, e, HexFormat.of().formatHex(b)), e));
      }
    }
    decoded[worker] = ok;
    cpuNanos[worker] = Heap.cpuOfThisThread() - cpuStart;
  }
}
