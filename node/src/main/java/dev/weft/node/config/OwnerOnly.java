package dev.weft.node.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * Refuses a secret file (the node's key, a CA key, the config file with its preshared keys) that
 * group or others may access, as ssh does for private keys. The keys weft writes are 0600 from
 * birth ({@code SecureFiles}); a file copied with {@code cp} or edited under a loose umask is not,
 * and a key others could read is no longer a secret.
 */
public final class OwnerOnly {
    private static final Set<PosixFilePermission> READ = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
    private static final Set<PosixFilePermission> ANY = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_EXECUTE);

    private OwnerOnly() {
    }

    /**
     * Null when only the owner may access {@code file}, or when it does not exist (the reader of
     * the file reports that); else one line naming the file, its mode and the fix.
     */
    public static String problem(Path file) {
        Set<PosixFilePermission> mode;
        try {
            mode = Files.getPosixFilePermissions(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (UnsupportedOperationException e) {
            return null; // not a POSIX file system: nothing to check
        } catch (IOException e) {
            return file + ": cannot read its mode: " + e.getMessage();
        }
        if (mode.stream().noneMatch(ANY::contains)) {
            return null;
        }
        String who = mode.stream().anyMatch(READ::contains) ? "group or others can read it" : "group or others can change it";
        return file + " has mode " + octal(mode) + " (" + who + "): run chmod 600 " + file;
    }

    /** The mode as chmod takes it: {@code 0644}. */
    public static String octal(Set<PosixFilePermission> mode) {
        int bits = 0;
        for (PosixFilePermission p : mode) {
            bits |= 1 << (8 - p.ordinal()); // OWNER_READ is ordinal 0 and bit 0400
        }
        return String.format("0%03o", bits);
    }
}
