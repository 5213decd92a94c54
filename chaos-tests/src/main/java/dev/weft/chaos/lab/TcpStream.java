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

/**
 * A TCP stream of N pseudo-random bytes between sockets opened inside two namespaces, hashed at both ends. Runs
 * in the test JVM (threads that entered the namespaces), so no process has to start.
 */
final class TcpStream {
  private static final int CHUNK = 64 * 1024;

  private TcpStream() {}

  record Received(long bytes, String sha256) {}

  static StreamResult run(Node sender, Node receiver, InetAddress address, long bytes, Duration deadline) {
    ServerSocketChannel server =
        receiver.call(() -> ServerSocketChannel.open().bind(new InetSocketAddress(address, 0)));
    SocketChannel client = sender.call(SocketChannel::open);
    try (server;
        client) {
      int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
      long start = System.nanoTime();
      CompletableFuture<Received> received = CompletableFuture.supplyAsync(() -> receive(server), Shell.THREAD_PER_TASK);
      CompletableFuture<String> sent =
          CompletableFuture.supplyAsync(() -> send(client, new InetSocketAddress(address, port), bytes, deadline), Shell.THREAD_PER_TASK);
      try {
        String sentHash = sent.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        long left = deadline.toMillis() - (System.nanoTime() - start) / 1_000_000;
        Received r = received.get(Math.max(1, left), TimeUnit.MILLISECONDS);
        return new StreamResult(bytes, r.bytes(), sentHash, r.sha256(), Duration.ofNanos(System.nanoTime() - start));
      } catch (TimeoutException e) {
        throw new LabException("TCP stream of " + bytes + " bytes from " + sender.name() + " to " + receiver.name()
            + " (" + address.getHostAddress() + ") did not finish within " + deadline);
      } catch (ExecutionException e) {
        throw new LabException("TCP stream from " + sender.name() + " to " + receiver.name() + " failed: "
            + e.getCause(), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LabException("interrupted", e);
      }
    } catch (IOException e) {
      throw new LabException("TCP stream: " + e.getMessage(), e);
    }
  }

  private static String send(SocketChannel ch, InetSocketAddress to, long bytes, Duration deadline) {
    try {
      ch.socket().connect(to, (int) Math.min(Integer.MAX_VALUE, deadline.toMillis()));
      MessageDigest sha = sha256();
      SplittableRandom random = new SplittableRandom(bytes);
      byte[] chunk = new byte[CHUNK];
      long left = bytes;
      while (left > 0) {
        int n = (int) Math.min(CHUNK, left);
        random.nextBytes(chunk);
        sha.update(chunk, 0, n);
        ByteBuffer buf = ByteBuffer.wrap(chunk, 0, n);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        left -= n;
      }
      ch.shutdownOutput();
      return HexFormat.of().formatHex(sha.digest());
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

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
