package dev.weft.node.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clients that connect and then do nothing, or too little, cannot freeze the admin API. */
class AdminClientsTest {
    @TempDir
    Path dir;

    private AdminServer server(Path socket, Duration deadline) throws Exception {
        return AdminServer.start(socket, c -> JsonNodeFactory.instance.objectNode().put("ok", true), deadline);
    }

    @Test
    void anIdleClientDoesNotDelayTheNext() throws Exception {
        Path socket = dir.resolve("idle.sock");
        try (AdminServer s = AdminServer.start(socket, c -> JsonNodeFactory.instance.objectNode().put("ok", true));
             SocketChannel idle = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            assertTrue(idle.isConnected()); // and sends nothing
            assertTimeoutPreemptively(Duration.ofSeconds(1), () -> {
                assertTrue(AdminClient.request(socket, "status").get("ok").asBoolean());
            }, "a second client was not answered within a second while the first one idles");
        }
    }

    @Test
    void anIdleClientIsDisconnectedAtItsDeadline() throws Exception {
        Path socket = dir.resolve("deadline.sock");
        try (AdminServer s = server(socket, Duration.ofMillis(300));
             SocketChannel idle = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            long t0 = System.nanoTime();
            int n = assertTimeoutPreemptively(Duration.ofSeconds(3), () -> idle.read(ByteBuffer.allocate(64)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(-1, n, "the server closed the idle connection");
            assertTrue(ms >= 250, "closed after " + ms + " ms, before its deadline");
        }
    }

    @Test
    void aClientTricklingBytesIsCutAtItsDeadline() throws Exception {
        Path socket = dir.resolve("trickle.sock");
        try (AdminServer s = server(socket, Duration.ofMillis(300));
             SocketChannel slow = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            boolean cut = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                for (int i = 0; i < 40; i++) { // a byte every 100 ms, never a newline: 4 s if never cut
                    try {
                        slow.write(ByteBuffer.wrap(new byte[] {' '}));
                    } catch (java.io.IOException e) {
                        return true;
                    }
                    Thread.sleep(100);
                }
                return slow.read(ByteBuffer.allocate(1)) == -1;
            });
            assertTrue(cut, "the trickling client was never disconnected");
            assertTrue(AdminClient.request(socket, "status").get("ok").asBoolean());
        }
    }

    @Test
    void clientsBeyondTheLimitAreToldTheServerIsBusy() throws Exception {
        Path socket = dir.resolve("busy.sock");
        List<SocketChannel> idle = new ArrayList<>();
        try (AdminServer s = server(socket, Duration.ofSeconds(10))) {
            for (int i = 0; i < AdminServer.MAX_CLIENTS; i++) {
                idle.add(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
            }
            Thread.sleep(200); // all of them accepted
            String reply = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
                try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    c.connect(UnixDomainSocketAddress.of(socket));
                    return new String(java.nio.channels.Channels.newInputStream(c).readAllBytes(), StandardCharsets.UTF_8);
                }
            });
            assertTrue(new ObjectMapper().readTree(reply).get("error").asText().startsWith("busy: "), reply);
            idle.remove(0).close(); // a slot frees when a client goes (its thread sees the close a moment later)
            assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
                while (true) {
                    try {
                        assertTrue(AdminClient.request(socket, "status").get("ok").asBoolean());
                        return;
                    } catch (java.io.IOException busyStill) {
                        Thread.sleep(20);
                    }
                }
            });
        } finally {
            for (SocketChannel c : idle) {
                c.close();
            }
        }
    }

    @Test
    void closingTheServerDisconnectsIdleClients() throws Exception {
        Path socket = dir.resolve("close.sock");
        AdminServer s = server(socket, Duration.ofSeconds(30));
        try (SocketChannel idle = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            Thread.sleep(100);
            s.close();
            assertEquals(-1, (int) assertTimeoutPreemptively(Duration.ofSeconds(3), () -> idle.read(ByteBuffer.allocate(8))));
        }
    }
}
