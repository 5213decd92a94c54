package dev.weft.node.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminSocketTest {
    @TempDir
    Path dir;

    @Test
    void answersRequestsWithOwnerOnlySocketAndRemovesItOnClose() throws Exception {
        Path socket = dir.resolve("run/weft/wt9.sock");
        try (AdminServer server = AdminServer.start(socket, command -> {
            if (!command.equals("status")) {
                throw new IllegalArgumentException("unknown command '" + command + "'");
            }
            return JsonNodeFactory.instance.objectNode().put("interface", "wt9");
        })) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
            assertEquals("wt9", AdminClient.request(socket, "status").get("interface").asText());
            JsonNode refused = AdminClient.request(socket, "reboot");
            assertEquals("unknown command 'reboot'", refused.get("error").asText());
            IOException busy = assertThrows(IOException.class, () -> AdminServer.start(socket, c -> null));
            assertTrue(busy.getMessage().contains("in use"), busy.getMessage());
        }
        assertFalse(Files.exists(socket));
    }

    @Test
    void replacesAStaleSocketFile() throws Exception {
        Path socket = dir.resolve("stale.sock");
        Files.createFile(socket);
        try (AdminServer server = AdminServer.start(socket, c -> JsonNodeFactory.instance.objectNode().put("ok", true))) {
            assertTrue(AdminClient.request(socket, "status").get("ok").asBoolean());
        }
    }

    @Test
    void choosesTheOnlySocketOrExplains() throws Exception {
        IOException none = assertThrows(IOException.class, () -> AdminClient.choose(null, null, dir));
        assertTrue(none.getMessage().startsWith("no running weft node"), none.getMessage());
        Files.createFile(dir.resolve("weft0.sock"));
        assertEquals(dir.resolve("weft0.sock"), AdminClient.choose(null, null, dir));
        Files.createFile(dir.resolve("weft1.sock"));
        IOException several = assertThrows(IOException.class, () -> AdminClient.choose(null, null, dir));
        assertTrue(several.getMessage().contains("(weft0, weft1)"), several.getMessage());
        assertEquals(dir.resolve("weft1.sock"), AdminClient.choose(null, "weft1", dir));
        assertEquals(Path.of("/x.sock"), AdminClient.choose(Path.of("/x.sock"), null, dir));
        IOException gone = assertThrows(IOException.class, () -> AdminClient.request(dir.resolve("absent.sock"), "status"));
        assertTrue(gone.getMessage().contains("no admin socket"), gone.getMessage());
    }
}
