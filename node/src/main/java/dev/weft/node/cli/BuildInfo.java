package dev.weft.node.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * What the build baked into {@code build.properties} (node/pom.xml writes it): the version, the
 * git commit, and whether the checkout had uncommitted changes.
 *
 * @param version the Maven version, or "dev" when the classes were not built by Maven
 * @param commit the full commit hash, or null when the build was not from a git checkout
 * @param modified whether tracked files differed from that commit
 */
record BuildInfo(String version, String commit, boolean modified) {
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{40}([0-9a-f]{24})?");

    /** The build of the running classes. */
    static BuildInfo current() {
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in == null) {
                return new BuildInfo("dev", null, false);
            }
            Properties p = new Properties();
            p.load(in);
            return of(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read build.properties from the weft jar", e);
        }
    }

    static BuildInfo of(Properties p) {
        String version = p.getProperty("version", "").strip();
        String commit = p.getProperty("commit", "").strip();
        return new BuildInfo(version.isEmpty() ? "dev" : version, HASH.matcher(commit).matches() ? commit : null,
                Boolean.parseBoolean(p.getProperty("modified", "false").strip()));
    }

    /** {@code weft 0.1.0 (commit 0123…, modified)} or {@code weft 0.1.0 (unknown commit)}. */
    String describe() {
        String where = commit == null ? "unknown commit" : "commit " + commit + (modified ? ", modified" : "");
        return "weft " + version + " (" + where + ")";
    }
}
