package dev.weft.node.admin;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The directory the admin socket lives in. Whoever can enter it can connect to the socket and
 * whoever can write it can replace the socket, so it must be the running user's own, mode 0700:
 * created so when missing, refused (never silently fixed) when it exists with looser rights.
 */
final class AdminDirectory {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OTHERS = EnumSet.complementOf(EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));

    private AdminDirectory() {
    }

    /** Creates the socket's directory (0700) or checks the existing one; the message says what to change. */
    static void prepare(Path socket) throws IOException {
        Path dir = socket.toAbsolutePath().getParent();
        if (dir == null) {
            throw new AdminDirectoryException("admin socket " + socket + " has no directory");
        }
        if (!Files.exists(dir)) {
            try {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (IOException e) {
                throw new AdminDirectoryException("cannot create admin socket directory " + dir + ": " + e.getMessage());
            }
        }
        PosixFileAttributes attrs;
        try {
            attrs = Files.readAttributes(dir, PosixFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new AdminDirectoryException("admin socket directory " + dir + " disappeared while it was set up");
        }
        if (!attrs.isDirectory()) {
            throw new AdminDirectoryException("admin socket directory " + dir + " is not a directory");
        }
        long owner = ((Number) Files.getAttribute(dir, "unix:uid")).longValue();
        long self = new UnixSystem().getUid();
        if (owner != self) {
            throw new AdminDirectoryException("admin socket directory " + dir + " belongs to uid " + owner + ", not to uid " + self
                    + " that runs this node (another user could replace the socket): run chown " + self + " " + dir
                    + ", or set admin.socket in a directory of your own");
        }
        Set<PosixFilePermission> loose = EnumSet.noneOf(PosixFilePermission.class);
        loose.addAll(attrs.permissions());
        loose.retainAll(OTHERS);
        if (!loose.isEmpty()) {
            throw new AdminDirectoryException("admin socket directory " + dir + " has mode "
                    + dev.weft.node.config.OwnerOnly.octal(attrs.permissions())
                    + " (group or others can enter it and reach the socket): run chmod 700 " + dir
                    + ", or set admin.socket in a directory only its owner can enter");
        }
    }
}
