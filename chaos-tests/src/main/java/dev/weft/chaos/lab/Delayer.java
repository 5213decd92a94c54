package dev.weft.chaos.lab;

import java.util.List;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Latency, jitter and reordering in user space (this kernel has no netem). The link's switch port is moved
 * from the segment bridge onto a bridge of its own together with TAP "taN"; a second TAP "tbN" sits on the
 * segment bridge, and this forwarder copies Ethernet frames between the two TAPs, each after its delay.
 */
final class Delayer implements AutoCloseable {
  private static final int MAX_FRAME = 65_536;
  private static final int POLL_MILLIS = 50;

  private final Namespace sw;
  private final int port;
  private final int linkSide;
  private final int bridgeSide;
  private final DelayQueue<Frame> queue = new DelayQueue<>();
  private final Thread reader;
  private final Thread writer;
  private volatile Delay delay;
  private volatile boolean running = true;
  private long sequence;
  private final long[] lastDue = new long[2];

  private record Frame(long due, long seq, int fd, byte[] data) implements Delayed {
    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(due - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      Frame o = (Frame) other;
      int c = Long.compare(due, o.due);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private Delayer(Namespace sw, int port, int linkSide, int bridgeSide, Delay delay) {
    this.sw = sw;
    this.port = port;
    this.linkSide = linkSide;
    this.bridgeSide = bridgeSide;
    this.delay = delay;
    this.reader = Thread.ofPlatform().name("delayer-read-" + sw.name() + "-" + port).daemon().unstarted(this::readLoop);
    this.writer = Thread.ofPlatform().name("delayer-write-" + sw.name() + "-" + port).daemon().unstarted(this::writeLoop);
  }

  static Delayer insert(Namespace sw, int port, Delay delay) {
    int[] fds = sw.call(() -> new int[] {Native.openTap("ta" + port), Native.openTap("tb" + port)});
    Delayer d = new Delayer(sw, port, fds[0], fds[1], delay);
    d.reader.start();
    d.writer.start();
    String p = "p" + port;
    String dl = "dl" + port;
    sw.ipBatch(
        List.of(
            "link add " + dl + " type bridge forward_delay 0 mcast_snooping 0 stp_state 0",
            "link set " + dl + " up",
            "link set ta" + port + " master " + dl + " up",
            "link set tb" + port + " master " + Segment.BRIDGE + " up",
            "link set " + p + " nomaster",
            "link set " + p + " master " + dl));
    return d;
  }

  void set(Delay newDelay) {
    this.delay = newDelay;
  }

  private void readLoop() {
    Pointer fds = Memory.allocateDirect(Native.runtime(), 16, true);
    Pointer buf = Memory.allocateDirect(Native.runtime(), MAX_FRAME);
    fds.putInt(0, linkSide);
    fds.putShort(4, Native.POLLIN);
    fds.putInt(8, bridgeSide);
    fds.putShort(12, Native.POLLIN);
    while (running) {
      fds.putShort(6, (short) 0);
      fds.putShort(14, (short) 0);
      int n = Native.libc().poll(fds, 2, POLL_MILLIS);
      if (n <= 0) {
        continue;
      }
      if ((fds.getShort(6) & Native.POLLIN) != 0) {
        drain(linkSide, bridgeSide, 0, buf);
      }
      if ((fds.getShort(14) & Native.POLLIN) != 0) {
        drain(bridgeSide, linkSide, 1, buf);
      }
    }
  }

  private void drain(int from, int to, int direction, Pointer buf) {
    while (true) {
      long n = Native.libc().read(from, buf, MAX_FRAME);
      if (n <= 0) {
        return;
      }
      byte[] frame = new byte[(int) n];
      buf.get(0, frame, 0, frame.length);
      Delay d = delay;
      long jitter = d.jitter().toNanos();
      long wait = d.base().toNanos() + (jitter == 0 ? 0 : ThreadLocalRandom.current().nextLong(-jitter, jitter + 1));
      long due = System.nanoTime() + Math.max(0, wait);
      if (!d.reorder()) {
        due = Math.max(due, lastDue[direction]);
        lastDue[direction] = due;
      }
      queue.put(new Frame(due, sequence++, to, frame));
    }
  }

  private void writeLoop() {
    Pointer buf = Memory.allocateDirect(Native.runtime(), MAX_FRAME);
    while (running) {
      Frame f;
      try {
        f = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (f != null) {
        buf.put(0, f.data(), 0, f.data().length);
        // A TAP write only fails when the device is gone; the frame is then lost, like on a cut wire.
        Native.libc().write(f.fd(), buf, f.data().length);
      }
    }
  }

  @Override
  public void close() {
    if (!running) {
      return;
    }
    String p = "p" + port;
    Shell.run(sw.wrap(List.of("ip", "link", "set", p, "nomaster")));
    Shell.run(sw.wrap(List.of("ip", "link", "set", p, "master", Segment.BRIDGE)));
    running = false;
    try {
      reader.join(2000);
      writer.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Native.libc().close(linkSide);
    Native.libc().close(bridgeSide);
    Shell.run(sw.wrap(List.of("ip", "link", "del", "dl" + port)));
  }
}
