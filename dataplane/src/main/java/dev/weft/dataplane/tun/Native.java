package dev.weft.dataplane.tun;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/**
 * The loaded libc binding and errno access, shared by the TUN device and the netlink socket.
 * Loading is lazy and happens once per JVM (the binding itself is stateless).
 */
public final class Native {
    private static final class Holder {
        static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    }

    private Native() {
    }

    /** The libc binding. */
    public static LibC libc() {
        return Holder.LIBC;
    }

    /** The jnr runtime of the binding (memory allocation). */
    public static Runtime runtime() {
        return Holder.RUNTIME;
    }

    /** errno of the calling thread's last call through the binding. */
    public static int errno() {
        return Holder.RUNTIME.getLastError();
    }

    /** A message such as {@code "ioctl(TUNSETIFF): EPERM (operation not permitted)"}. */
    public static String describe(String call, int errno) {
        return call + ": " + Errno.describe(errno);
    }
}
