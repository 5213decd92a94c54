package dev.weft.dataplane.tun;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.SaveError;

/**
 * The few libc calls the TUN device needs. Buffers are passed as raw addresses ({@code long})
 * so that a packet read or write allocates nothing on the Java side.
 */
public interface LibC {
    @SaveError
    int open(String path, int flags);

    @SaveError
    int close(int fd);

    @SaveError
    int ioctl(int fd, long request, byte[] arg);

    /** An ioctl whose argument is a value, not a pointer (TUNSETOFFLOAD). */
    @SaveError
    int ioctl(int fd, long request, long arg);

    @SaveError
    long read(int fd, long address, long count);

    @SaveError
    long write(int fd, long address, long count);

    @SaveError
    long write(int fd, byte[] data, long count);

    @SaveError
    int poll(Pointer fds, long nfds, int timeoutMillis);

    @SaveError
    int eventfd(int initval, int flags);

    @SaveError
    int socket(int domain, int type, int protocol);

    @SaveError
    int bind(int fd, byte[] address, int length);

    @SaveError
    long send(int fd, byte[] data, long length, int flags);

    @SaveError
    long recv(int fd, byte[] data, long length, int flags);

    @SaveError
    int setsockopt(int fd, int level, int option, byte[] value, int length);

    /** The calling thread's id (glibc 2.30+), for {@link #setpriority} on one thread. */
    int gettid();

    /** With {@code which} 0 (PRIO_PROCESS) and a thread id, that thread's nice value (Linux). */
    @SaveError
    int setpriority(int which, int who, int prio);
}
