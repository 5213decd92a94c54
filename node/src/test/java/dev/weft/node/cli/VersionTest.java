package dev.weft.node.cli;

import static dev.weft.node.cli.WeftCli.weft;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code weft version}, {@code weft --version} and every command's {@code --version} print the
 * version and the commit of the build.
 */
class VersionTest {
    @Test
    void bothFormsPrintTheVersionAndTheCommitOfThisCheckout() throws Exception {
        String head = gitHead();
        for (String[] args : List.of(new String[] {"version"}, new String[] {"--version"}, new String[] {"node", "--version"},
                new String[] {"cert", "sign", "-V"}, new String[] {"status", "--version"})) {
            WeftCli.Run r = weft(args);
            assertEquals(0, r.exit(), r.err());
            String first = r.out().lines().findFirst().orElseThrow();
            if (head == null) {
                assertEquals("weft 0.1.0-SNAPSHOT (unknown commit)", first);
            } else {
                assertTrue(first.matches("weft \\S+ \\(commit " + head + "(, modified)?\\)"),
                        () -> "expected the commit " + head + " in: " + first);
            }
            assertTrue(r.out().contains("Java " + Runtime.version()), r.out());
        }
    }

    @Test
    void aBuildOutsideGitSaysUnknownCommit() {
        Properties p = new Properties();
        p.setProperty("version", "1.2.3");
        p.setProperty("commit", "");
        p.setProperty("modified", "false");
        assertEquals("weft 1.2.3 (unknown commit)", BuildInfo.of(p).describe());
        p.setProperty("commit", "fatal: not a git repository");
        assertEquals("weft 1.2.3 (unknown commit)", BuildInfo.of(p).describe());
        p.setProperty("commit", "0123456789abcdef0123456789abcdef01234567");
        p.setProperty("modified", "true");
        assertEquals("weft 1.2.3 (commit 0123456789abcdef0123456789abcdef01234567, modified)", BuildInfo.of(p).describe());
        assertEquals("weft dev (unknown commit)", BuildInfo.of(new Properties()).describe());
    }

    /** HEAD of the checkout the tests run in (the build ran in the same Maven invocation), or null. */
    private static String gitHead() throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("git", "-C", Path.of("").toAbsolutePath().toString(), "rev-parse", "--verify", "-q", "HEAD")
                    .redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            return null; // no git: the build could not have found a commit either
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return p.exitValue() == 0 && out.matches("[0-9a-f]{40}") ? out : null;
    }
}
