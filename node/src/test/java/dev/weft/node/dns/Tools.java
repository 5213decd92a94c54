package dev.weft.node.dns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Finding and running the real tools the tests use (dig, unbound). */
final class Tools {
    private Tools() {}

    static boolean present(String binary) {
        for (String dir : List.of("/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin", "/usr/local/sbin")) {
            if (Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }

    /** Runs {@code command}, returning its standard output (and error, merged); fails on a hang. */
    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("hung: " + String.join(" ", command));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** {@code dig @host -p port args...}, with short timeouts and no ~/.digrc. */
    static String dig(String host, int port, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("dig", "-r", "@" + host, "-p", Integer.toString(port), "+time=2", "+tries=1"));
        cmd.addAll(List.of(args));
        return run(cmd.toArray(String[]::new));
    }
}
