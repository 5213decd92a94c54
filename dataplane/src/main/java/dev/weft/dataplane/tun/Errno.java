package dev.weft.dataplane.tun;

/** Names of the Linux errno values our system calls can report, for readable errors. */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int EBUSY = 16;
    public static final int EINVAL = 22;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;

    private Errno() {
    }

    /** {@code "EEXIST (file exists)"}, or {@code "errno 123"} for values not in the table. */
    public static String describe(int errno) {
        String text = switch (errno) {
            case 1 -> "EPERM (operation not permitted)";
            case 2 -> "ENOENT (no such file or directory)";
            case 3 -> "ESRCH (no such process)";
            case 4 -> "EINTR (interrupted system call)";
            case 5 -> "EIO (input/output error)";
            case 6 -> "ENXIO (no such device or address)";
            case 9 -> "EBADF (bad file descriptor)";
            case 11 -> "EAGAIN (resource temporarily unavailable)";
            case 12 -> "ENOMEM (out of memory)";
            case 13 -> "EACCES (permission denied)";
            case 14 -> "EFAULT (bad address)";
            case 16 -> "EBUSY (device or resource busy)";
            case 17 -> "EEXIST (file exists)";
            case 19 -> "ENODEV (no such device)";
            case 22 -> "EINVAL (invalid argument)";
            case 24 -> "EMFILE (too many open files)";
            case 34 -> "ERANGE (numerical result out of range)";
            case 71 -> "EPROTO (protocol error)";
            case 90 -> "EMSGSIZE (message too long)";
            case 93 -> "EPROTONOSUPPORT (protocol not supported)";
            case 95 -> "EOPNOTSUPP (operation not supported)";
            case 97 -> "EAFNOSUPPORT (address family not supported)";
            case 98 -> "EADDRINUSE (address already in use)";
            case 99 -> "EADDRNOTAVAIL (cannot assign requested address)";
            case 100 -> "ENETDOWN (network is down)";
            case 101 -> "ENETUNREACH (network is unreachable)";
            case 105 -> "ENOBUFS (no buffer space available)";
            case 113 -> "EHOSTUNREACH (no route to host)";
            default -> null;
        };
        return text != null ? text : "errno " + errno;
    }
}
