package dev.weft.chaos.lab;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;
import jnr.ffi.types.u_int64_t;

/**
 * The few libc calls the lab needs (setns for per-thread namespaces, TAP devices for the delayer).
 * Public only because jnr-ffi generates its implementation; not part of the lab's API.
 */
public interface NativeLibC {
  /** open(2). */
  @SaveError
  int open(String path, int flags);

  /** close(2). */
  @SaveError
  int close(int fd);

  /** setns(2). */
  @SaveError
  int setns(int fd, int nstype);

  /** ioctl(2) with a pointer argument. */
  @SaveError
  int ioctl(int fd, @u_int64_t long request, Pointer arg);

  /** read(2). */
  @SaveError
  @ssize_t
  long read(int fd, Pointer buf, @size_t long count);

  /** write(2). */
  @SaveError
  @ssize_t
  long write(int fd, Pointer buf, @size_t long count);

  /** poll(2). */
  @SaveError
  int poll(Pointer fds, @u_int64_t long nfds, int timeoutMillis);

  /** strerror(3). */
  String strerror(int errnum);
}
