package dev.weft.node.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin socket lives only in a directory of the running user's own, mode 0700. */
class AdminDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void aMissingDirectoryIsCreatedOwnerOnly() throws Exception {
        Path socket = dir.resolve("a/b/n.sock");
        try (AdminServer s = AdminServer.start(socket, c -> JsonNodeFactory.instance.objectNode())) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
        }
    }

    @Test
    void aDirectoryOthersCanEnterIsRefusedAndLeftAsItIs() throws Exception {
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        AdminDirectoryException e = assertThrows(AdminDirectoryException.class,
                () -> AdminServer.start(open.resolve("n.sock"), c -> JsonNodeFactory.instance.objectNode()));
        assertEquals("admin socket directory " + open + " has mode 0755 (group or others can enter it and reach the socket): "
                + "run chmod 700 " + open + ", or set admin.socket in a directory only its owner can enter", e.getMessage());
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(open)), "not silently changed");
        assertFalse(Files.exists(open.resolve("n.sock")));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwx--x---"));
        assertThrows(AdminDirectoryException.class, () -> AdminServer.prepareDirectory(open.resolve("n.sock")));
    }

    @Test
    void aDirectoryOfAnotherUserIsRefused() throws Exception {
        assumeTrue(isRoot(), "skipped: needs root (to give a directory to another user)");
        Path theirs = Files.createDirectory(dir.resolve("theirs"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Files.setAttribute(theirs, "unix:uid", 65534);
        AdminDirectoryException e = assertThrows(AdminDirectoryException.class,
                () -> AdminServer.prepareDirectory(theirs.resolve("n.sock")));
        assertEquals("admin socket directory " + theirs + " belongs to uid 65534, not to uid 0 that runs this node (another user "
                + "could replace the socket): run chown 0 " + theirs + ", or set admin.socket in a directory of your own", e.getMessage());
    }

    @Test
    void aFileInPlaceOfTheDirectoryIsRefused() throws Exception {
        Path file = Files.createFile(dir.resolve("file"));
        AdminDirectoryException e = assertThrows(AdminDirectoryException.class,
                () -> AdminServer.prepareDirectory(file.resolve("n.sock")));
        assertEquals("admin socket directory " + file + " is not a directory", e.getMessage());
    }

    private static boolean isRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
