package dev.weft.chaos.lab;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/** Thin, checked wrappers around {@link NativeLibC}. */
final class Native {
  static final int O_RDONLY = 0;
  static final int O_RDWR = 2;
  static final int O_NONBLOCK = 04000;
  static final int O_CLOEXEC = 02000000;
  static final int CLONE_NEWNET = 0x40000000;
  static final long TUNSETIFF = 0x400454caL;
  static final short IFF_TAP = 0x0002;
  static final short IFF_NO_PI = 0x1000;
  static final int EAGAIN = 11;
  static final int EINTR = 4;
  static final short POLLIN = 0x1;

  private static final class Holder {
    static final NativeLibC LIBC = LibraryLoader.create(NativeLibC.class).load("c");
    static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
  }

  private Native() {}

  static NativeLibC libc() {
    return Holder.LIBC;
  }

  static Runtime runtime() {
    return Holder.RUNTIME;
  }

  static int errno() {
    return LastError.getLastError(runtime());
  }

  static LabException error(String what) {
    int e = errno();
    return new LabException(what + ": " + libc().strerror(e) + " (errno " + e + ")");
  }

  /** Moves the calling thread (only it) into the network namespace bound at {@code path}. */
  static void enterNetns(String path) {
    int fd = libc().open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      throw error("open " + path);
    }
    try {
      if (libc().setns(fd, CLONE_NEWNET) != 0) {
        throw error("setns " + path);
      }
    } finally {
      libc().close(fd);
    }
  }

  /** Creates a TAP device named {@code name} in the calling thread's namespace; returns its non-blocking fd. */
  static int openTap(String name) {
    int fd = libc().open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
      throw error("open /dev/net/tun");
    }
    Pointer ifr = Memory.allocateDirect(runtime(), 40, true);
    byte[] bytes = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    ifr.put(0, bytes, 0, bytes.length);
    ifr.putShort(16, (short) (IFF_TAP | IFF_NO_PI));
    if (libc().ioctl(fd, TUNSETIFF, ifr) != 0) {
      LabException e = error("TUNSETIFF " + name);
      libc().close(fd);
      throw e;
    }
    return fd;
  }
}
