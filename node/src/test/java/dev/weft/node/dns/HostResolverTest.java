package dev.weft.node.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The resolvectl commands of dns.configure_host, their undoing, and the notice where resolved is
 * absent. systemd-resolved does not run in the lab's namespaces (no systemd, no D-Bus), so the
 * commands are recorded, not run; {@link #withoutResolvedTheNoticeIsOneLineAndNothingIsChanged}
 * also runs the real {@code resolvectl}-less path of this machine when it has none.
 */
class HostResolverTest {
    private final List<String> ran = new ArrayList<>();
    private final ByteArrayOutputStream notices = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(notices, true, StandardCharsets.UTF_8);
    private final List<InetSocketAddress> servers = List.of(new InetSocketAddress("100.64.0.12", 53),
            new InetSocketAddress("127.0.42.1", 5353), new InetSocketAddress("fd00::c", 5353));

    private HostResolver.Result record(List<String> command, int status) {
        ran.add(String.join(" ", command));
        return new HostResolver.Result(status, status == 0 ? "" : "Failed to get global data: Unit dbus.socket not found.\nmore");
    }

    @Test
    void theMeshDomainIsRoutedToTheServerOnTheLinkAndRevertedOnClose() {
        HostResolver r = HostResolver.configure("weft0", "mesh.internal", servers, c -> record(c, 0), out);
        assertTrue(r.configured());
        assertEquals(List.of("resolvectl status weft0",
                "resolvectl dns weft0 100.64.0.12 127.0.42.1:5353 [fd00:0:0:0:0:0:0:c]:5353",
                "resolvectl domain weft0 ~mesh.internal"), ran);
        r.close();
        r.close();
        assertEquals("resolvectl revert weft0", ran.get(ran.size() - 1));
        assertEquals(4, ran.size(), "reverted once");
        assertEquals("", notices.toString(StandardCharsets.UTF_8));
    }

    @Test
    void withoutResolvedTheNoticeIsOneLineAndNothingIsChanged() {
        HostResolver r = HostResolver.configure("weft0", "mesh.internal", servers, c -> record(c, 1), out);
        assertFalse(r.configured());
        assertEquals(List.of("resolvectl status weft0"), ran);
        String notice = notices.toString(StandardCharsets.UTF_8);
        assertEquals(1, notice.lines().count(), notice);
        assertTrue(notice.startsWith("weft node: dns.configure_host: systemd-resolved is not running here (resolvectl: "
                + "Failed to get global data: Unit dbus.socket not found.)"), notice);
        r.close();
        assertEquals(1, ran.size(), "nothing to undo");

        // This machine's own resolvectl (or its absence): never configured without a running resolved.
        ByteArrayOutputStream real = new ByteArrayOutputStream();
        HostResolver host = HostResolver.configure("weft-no-such-link", "mesh.internal", servers, HostResolver::exec,
                new PrintStream(real, true, StandardCharsets.UTF_8));
        assertFalse(host.configured());
        assertEquals(1, real.toString(StandardCharsets.UTF_8).lines().count());
    }

    @Test
    void aRefusedCommandIsUndoneAndReported() {
        HostResolver r = HostResolver.configure("weft0", "mesh.internal", servers,
                c -> record(c, c.get(1).equals("domain") ? 1 : 0), out);
        assertFalse(r.configured());
        assertEquals("resolvectl revert weft0", ran.get(ran.size() - 1));
        assertTrue(notices.toString(StandardCharsets.UTF_8).contains("the host is unchanged"));
    }
}
