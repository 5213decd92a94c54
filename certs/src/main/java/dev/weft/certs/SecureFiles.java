package dev.weft.certs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/** Writes certificates and keys: never overwriting by accident, private keys 0600 from birth. */
public final class SecureFiles {
  private static final Set<PosixFilePermission> SECRET = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");
  /** Inputs larger than this are not certificates or keys; refusing them bounds memory. */
  static final long MAX_INPUT = 1 << 20;

  private SecureFiles() {}

  /**
   * Writes {@code content} to {@code path}. Without {@code force} an existing file is refused. A
   * secret is created with mode 0600 before any byte is written, so that it is never readable by
   * others, not even for a moment; with {@code force} it replaces the old file atomically.
   */
  public static void write(Path path, byte[] content, boolean secret, boolean force)
      throws CertsException {
    FileAttribute<Set<PosixFilePermission>> mode =
        PosixFilePermissions.asFileAttribute(secret ? SECRET : PUBLIC);
    try {
      if (!force) {
        writeNew(path, content, mode);
        return;
      }
      Path dir = path.toAbsolutePath().getParent();
      Path tmp = Files.createTempFile(dir, "." + path.getFileName() + ".", ".tmp", mode);
      try {
        Files.write(tmp, content, StandardOpenOption.TRUNCATE_EXISTING);
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (FileAlreadyExistsException e) {
      throw new CertsException(path + ": file exists (use --force to overwrite)");
    } catch (NoSuchFileException e) {
      throw new CertsException(path + ": no such directory");
    } catch (IOException e) {
      throw new CertsException(path + ": cannot write (" + e.getMessage() + ")");
    }
  }

  private static void writeNew(Path path, byte[] content, FileAttribute<?> mode) throws IOException {
    try (SeekableByteChannel ch =
        Files.newByteChannel(
            path, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), mode)) {
      ByteBuffer b = ByteBuffer.wrap(content);
      while (b.hasRemaining()) {
        ch.write(b);
      }
    }
  }

  /** Reads a small input file, with a one-line error naming it when it cannot. */
  public static byte[] read(Path path) throws CertsException {
    try {
      if (Files.size(path) > MAX_INPUT) {
        throw new CertsException(path + ": too large for a certificate or key file");
      }
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new CertsException(path + ": no such file");
    } catch (IOException e) {
      throw new CertsException(path + ": cannot read (" + e.getMessage() + ")");
    }
  }

  /** Refuses {@code path} if it exists and {@code force} is not given; checked before any work. */
  public static void checkWritable(Path path, boolean force) throws CertsException {
    if (Files.isDirectory(path)) {
      throw new CertsException(path + ": is a directory");
    }
    if (!force && Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new CertsException(path + ": file exists (use --force to overwrite)");
    }
    Path dir = path.toAbsolutePath().getParent();
    if (dir != null && !Files.isDirectory(dir)) {
      throw new CertsException(path + ": no such directory");
    }
  }

  /**
   * Checks every output of one command before any is written: each writable, no two the same
   * file. A command that writes several files then fails only in the rare case of an I/O error.
   */
  public static void checkOutputs(boolean force, Path... paths) throws CertsException {
    for (int i = 0; i < paths.length; i++) {
      checkWritable(paths[i], force);
      for (int j = 0; j < i; j++) {
        if (paths[i].toAbsolutePath().normalize().equals(paths[j].toAbsolutePath().normalize())) {
          throw new CertsException(paths[i] + ": given for two outputs");
        }
      }
    }
  }

  /** Removes a file this command wrote, after a later step failed (best effort: the error that matters is that one). */
  public static void removeAfterFailure(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // the original failure is reported; a leftover file is refused, never silently reused
    }
  }
}
