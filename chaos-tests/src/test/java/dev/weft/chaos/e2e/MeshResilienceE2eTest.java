package dev.weft.chaos.e2e;

import static dev.weft.chaos.e2e.MeshLab.aliveSeenBy;
import static dev.weft.chaos.e2e.MeshLab.stateSeenBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.chaos.e2e.MeshLab.Member;
import dev.weft.chaos.lab.Host;
import dev.weft.chaos.lab.Lab;
import dev.weft.chaos.lab.RequiresLab;
import dev.weft.chaos.lab.Segment;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The mesh when things go away: lighthouses down while a node moves and restarts, sessions closed
 * for idleness under an open TCP connection, and a node of another CA knocking.
 */
@RequiresLab
class MeshResilienceE2eTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @Test
    void aNodeRestartedAtANewAddressRejoinsThroughRememberedMembersWhileTheLighthouseIsDown(Lab lab) throws Exception {
        Segment net = lab.internet();
        Host lhHost = lab.host("lh", net);
        MeshLab mesh = new MeshLab(lab, Pki.create(Files.createDirectories(lhHost.dir().resolve("pki"))));
        Member lh = mesh.start(lhHost, "lh", 1, MeshLab.LIGHTHOUSE);
        for (int i = 2; i <= 4; i++) {
            mesh.start(lab.host("n" + i, net), "n" + i, i, MeshLab.registersWith(lhHost));
        }
        mesh.await(() -> mesh.members.stream().allMatch(m -> aliveSeenBy(m) == 3), DEADLINE, "the mesh forms");
        Thread.sleep(11_000); // each node saves what it knows in state_dir every 10 s

        Member mover = mesh.members.get(3);
        lh.process().process.kill();
        mover.process().process.kill();
        String eth = mover.host().links().get(0).interfaceName();
        String old = mover.host().ipv4().getHostAddress();
        String moved = old.substring(0, old.lastIndexOf('.') + 1) + "200";
        mover.host().exec("sysctl", "-qw", "net.ipv4.conf." + eth + ".promote_secondaries=1").requireOk();
        mover.host().exec("ip", "address", "add", moved + "/24", "dev", eth).requireOk();
        mover.host().exec("ip", "address", "del", old + "/24", "dev", eth).requireOk();
        mover.process().killAndRestart();
        long restarted = System.nanoTime();
        Member n2 = mesh.members.get(1);
        Member n3 = mesh.members.get(2);
        mesh.await(() -> "alive".equals(stateSeenBy(n2, mover.name())) && "alive".equals(stateSeenBy(n3, mover.name()))
                && "alive".equals(stateSeenBy(mover, n2.name())), Duration.ofSeconds(15),
                "with the lighthouse down, a node restarted at a new address is alive everywhere");
        System.err.printf("rejoined through remembered members after %.1f s%n", (System.nanoTime() - restarted) / 1e9);
        n2.host().ping(mover.v4(), DEADLINE);
        mover.host().ping(n3.v4(), DEADLINE);

        lh.process().killAndRestart();
        mesh.await(() -> mesh.members.stream().filter(m -> m != lh).allMatch(m -> "alive".equals(stateSeenBy(m, "lh")))
                && aliveSeenBy(lh) == 3, Duration.ofSeconds(20), "the lighthouse restarted rejoins");
        for (Member m : mesh.members) {
            m.process().stopAndCheckCleanup();
        }
    }

    @Test
    void aTcpConnectionSurvivesItsSessionsIdleCloseAndReestablishment(Lab lab) throws Exception {
        Segment net = lab.internet();
        Host lhHost = lab.host("lh", net);
        MeshLab mesh = new MeshLab(lab, Pki.create(Files.createDirectories(lhHost.dir().resolve("pki"))));
        Map<String, String> shortIdle = Map.of("WEFT_TEST_SESSION_IDLE_SECONDS", "3");
        mesh.start(lhHost, "lh", 1, MeshLab.LIGHTHOUSE);
        Member a = mesh.start(lab.host("a", net), "a", 2, MeshLab.registersWith(lhHost), shortIdle);
        Member b = mesh.start(lab.host("b", net), "b", 3, MeshLab.registersWith(lhHost), shortIdle);
        mesh.await(() -> aliveSeenBy(a) == 2 && aliveSeenBy(b) == 2, DEADLINE, "the mesh forms");

        ServerSocketChannel server = b.host().call(() -> ServerSocketChannel.open().bind(new InetSocketAddress(b.v4(), 0)));
        SocketChannel client = a.host().call(SocketChannel::open);
        try (server; client) {
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> receiveAll(server));
            client.socket().connect(new InetSocketAddress(b.v4(), port), 20_000);
            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            SplittableRandom random = new SplittableRandom(7);
            write(client, sent, random, 20_000_000);
            assertTrue(sessionTo(a, "b"), "a session carries the first half");
            Thread.sleep(12_000); // idle: both sides close the session (3 s idle, checked every 5 s)
            assertTrue(!sessionTo(a, "b") && !sessionTo(b, "a"), "the idle session was closed on both sides");
            write(client, sent, random, 20_000_000); // the next packet starts a new session
            client.shutdownOutput();
            assertEquals(HexFormat.of().formatHex(sent.digest()), received.get(60, TimeUnit.SECONDS),
                    "the same bytes arrived across the close and the new session");
        }
        for (Member m : mesh.members) {
            m.process().stopAndCheckCleanup();
        }
    }

    @Test
    void aNodeOfAnotherCaGetsNoMembership(Lab lab) throws Exception {
        Segment net = lab.internet();
        Host lhHost = lab.host("lh", net);
        MeshLab mesh = new MeshLab(lab, Pki.create(Files.createDirectories(lhHost.dir().resolve("pki"))));
        Member lh = mesh.start(lhHost, "lh", 1, MeshLab.LIGHTHOUSE);
        Member n2 = mesh.start(lab.host("n2", net), "n2", 2, MeshLab.registersWith(lhHost));
        Host strangerHost = lab.host("x", net);
        MeshLab other = new MeshLab(lab, Pki.create(Files.createDirectories(strangerHost.dir().resolve("pki"))));
        Member stranger = other.start(strangerHost, "x", 9, MeshLab.registersWith(lhHost));
        mesh.await(() -> aliveSeenBy(n2) == 1, DEADLINE, "the mesh forms");
        Thread.sleep(8_000); // time enough for the stranger's hellos to be tried and refused
        assertNull(stateSeenBy(lh, "x"));
        assertNull(stateSeenBy(n2, "x"));
        assertEquals(0, aliveSeenBy(stranger), "the stranger learned nothing");
        assertTrue(!stranger.host().canPing(n2.v4(), Duration.ofSeconds(3)), "and reaches nobody");
        stranger.process().stopAndCheckCleanup();
        for (Member m : mesh.members) {
            m.process().stopAndCheckCleanup();
        }
    }

    private static boolean sessionTo(Member m, String name) {
        for (JsonNode p : MeshLab.admin(m, "status").path("peers")) {
            if (name.equals(p.path("name").asText())) {
                return true;
            }
        }
        return false;
    }

    private static void write(SocketChannel ch, MessageDigest sha, SplittableRandom random, int bytes) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        for (int left = bytes; left > 0; left -= chunk.length) {
            random.nextBytes(chunk);
            int n = Math.min(left, chunk.length);
            sha.update(chunk, 0, n);
            ByteBuffer buf = ByteBuffer.wrap(chunk, 0, n);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
    }

    private static String receiveAll(ServerSocketChannel server) {
        try (SocketChannel c = server.accept()) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            while (c.read(buf) >= 0) {
                buf.flip();
                sha.update(buf);
                buf.clear();
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
