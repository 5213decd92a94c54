package dev.weft.chaos.lab;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP stream of N pseudo-random bytes between sockets opened inside two namespaces, hashed at both ends. Runs
 * in the test JVM (threads that entered the namespaces), so no process has to start.
 */
final class TcpStream {
  private static final int CHUNK = 64 * 1024;

  private TcpStream() {}

  record Received(long bytes, String sha256) {}

  static StreamResult run(Node sender, Node receiver, InetAddress address, long bytes, Duration deadline) {
    return await(start(sender, receiver, address, bytes, new AtomicBoolean(), deadline), deadline);
  }

  /** A stream that runs until {@link RunningStream#stop} (or {@code deadline}) instead of for a fixed size. */
  static RunningStream open(Node sender, Node receiver, InetAddress address, Duration deadline) {
    AtomicBoolean stop = new AtomicBoolean();
    Started started = start(sender, receiver, address, Long.MAX_VALUE, stop, deadline);
    return new RunningStream(stop, started.result, () -> await(started, deadline));
  }

  private record Started(CompletableFuture<StreamResult> result, String description) {}

  private static Started start(
      Node sender, Node receiver, InetAddress address, long bytes, AtomicBoolean stop, Duration deadline) {
    String description = "TCP stream from " + sender.name() + " to " + receiver.name() + " (" + address.getHostAddress() + ")";
    ServerSocketChannel server =
        receiver.call(() -> ServerSocketChannel.open().bind(new InetSocketAddress(address, 0)));
    SocketChannel client;
    int port;
    try {
      client = sender.call(SocketChannel::open);
      port = ((InetSocketAddress) server.getLocalAddress()).getPort();
    } catch (IOException | RuntimeException e) {
      closeQuietly(server);
      throw new LabException(description + ": " + e.getMessage(), e);
    }
    long start = System.nanoTime();
    CompletableFuture<Received> received = CompletableFuture.supplyAsync(() -> receive(server), Shell.THREAD_PER_TASK);
    CompletableFuture<Sent> sent = CompletableFuture.supplyAsync(
        () -> send(client, new InetSocketAddress(address, port), bytes, stop, deadline), Shell.THREAD_PER_TASK);
    CompletableFuture<StreamResult> result = sent.thenCombine(received, (s, r) ->
        new StreamResult(s.bytes(), r.bytes(), s.sha256(), r.sha256(), Duration.ofNanos(System.nanoTime() - start)));
    result.whenComplete((r, e) -> {
      closeQuietly(client);
      closeQuietly(server);
    });
    return new Started(result, description);
  }

  private static StreamResult await(Started started, Duration deadline) {
    try {
      return started.result.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      started.result.cancel(true);
      throw new LabException(started.description + " did not finish within " + deadline);
    } catch (ExecutionException e) {
      throw new LabException(started.description + " failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted", e);
    }
  }

  private record Sent(long bytes, String sha256) {}

  private static Sent send(SocketChannel ch, InetSocketAddress to, long bytes, AtomicBoolean stop, Duration deadline) {
    try (ch) {
      ch.socket().connect(to, (int) Math.min(Integer.MAX_VALUE, deadline.toMillis()));
      MessageDigest sha = sha256();
      // One random block, stamped with its sequence number: no two chunks are alike (a repeated or
      // reordered chunk changes the hash) and generating it costs nothing per byte.
      byte[] chunk = new byte[CHUNK];
      new SplittableRandom(bytes).nextBytes(chunk);
      ByteBuffer stamp = ByteBuffer.wrap(chunk);
      long left = bytes;
      for (long index = 0; left > 0 && !stop.get(); index++) {
        int n = (int) Math.min(CHUNK, left);
        stamp.putLong(0, index);
        sha.update(chunk, 0, n);
        ByteBuffer buf = ByteBuffer.wrap(chunk, 0, n);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        left -= n;
      }
      ch.shutdownOutput();
      return new Sent(bytes - left, HexFormat.of().formatHex(sha.digest()));
    } catch (IOException e) {
      throw new LabException("sending to " + to + ": " + e.getMessage(), e);
    }
  }

  private static Received receive(ServerSocketChannel server) {
    try (SocketChannel ch = server.accept()) {
      MessageDigest sha = sha256();
      ByteBuffer buf = ByteBuffer.allocate(CHUNK);
      long total = 0;
      int n;
      while ((n = ch.read(buf)) >= 0) {
        sha.update(buf.array(), 0, n);
        total += n;
        buf.clear();
      }
      return new Received(total, HexFormat.of().formatHex(sha.digest()));
    } catch (IOException e) {
      throw new LabException("receiving: " + e.getMessage(), e);
    }
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // the stream's outcome is already decided
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
