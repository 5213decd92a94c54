package dev.weft.dataplane.tun;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.SaveError;

/**
 * A test network namespace ({@code ip netns add}) and one thread moved into it with
 * {@code setns}: TUN devices and netlink sockets opened on that thread live in the namespace,
 * the rest of the JVM stays where it is.
 */
public final class NetnsThread implements AutoCloseable {
    /** setns(2), only needed by tests. */
    public interface Setns {
        @SaveError
        int setns(int fd, int nstype);
    }

    private static final int CLONE_NEWNET = 0x40000000;
    private final String name;
    private final ExecutorService thread;

    private NetnsThread(String name, ExecutorService thread) {
        this.name = name;
        this.thread = thread;
    }

    /** True when the JVM runs as root (namespaces, TUN and netlink changes need it). */
    public static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Creates namespace {@code name} (lo up) and a thread inside it. */
    public static NetnsThread create(String name) throws Exception {
        run("ip", "netns", "add", name);
        run("ip", "-n", name, "link", "set", "lo", "up");
        ExecutorService t = Executors.newSingleThreadExecutor(r -> new Thread(r, "netns-" + name));
        NetnsThread ns = new NetnsThread(name, t);
        try {
            ns.call(() -> {
                Setns lib = LibraryLoader.create(Setns.class).load("c");
                int fd = Native.libc().open("/var/run/netns/" + name, 0);
                if (fd < 0 || lib.setns(fd, CLONE_NEWNET) != 0) {
                    throw new IllegalStateException("setns " + name + " failed");
                }
                Native.libc().close(fd);
                return null;
            });
        } catch (Exception e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** The namespace name. */
    public String name() {
        return name;
    }

    /** Runs {@code task} on the thread inside the namespace. */
    public <T> T call(Callable<T> task) throws Exception {
        Future<T> f = thread.submit(task);
        try {
            return f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    /** Runs a command, returning its exit code and output. */
    public static Result run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        return new Result(p.waitFor(), out);
    }

    /** Exit code and combined output of a command. */
    public record Result(int exit, String output) {}

    @Override
    public void close() throws Exception {
        thread.shutdownNow();
        run("ip", "netns", "del", name);
    }
}
