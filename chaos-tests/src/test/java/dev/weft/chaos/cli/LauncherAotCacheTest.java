package dev.weft.chaos.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/weft} and the ahead-of-time caches beside the jar (made by {@code scripts/build}):
 * {@code weft node} uses a fitting {@code weft.aot}, with the Vector API it was made with; a
 * missing, stale, broken or foreign one never stops it ({@code weft node --version}); the other
 * commands go without the module and that cache, and take {@code weft-cli.aot} (a real process
 * each time, on a copy of the built jar).
 */
class LauncherAotCacheTest {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final Path WEFT = ROOT.resolve("bin/weft");
  private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

  @TempDir Path dir;
  Path jar;
  Path cache;

  record Run(int exit, String out, String err) {}

  @BeforeEach
  void copyJar() throws IOException {
    Path built = ROOT.resolve("node/target/weft.jar");
    assumeTrue(Files.exists(built), "node/target/weft.jar is not built: run scripts/build");
    assumeTrue(Runtime.version().feature() >= 25, "the AOT cache needs Java 25+");
    jar = dir.resolve("weft.jar");
    Files.copy(built, jar);
    cache = dir.resolve("weft.aot");
  }

  private Run weft(Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(WEFT.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().remove("WEFT_AOT_CACHE");
    pb.environment().remove("WEFT_JAVA_OPTS");
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("WEFT_JAR", jar.toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    return new Run(p.exitValue(), out, err);
  }

  private static final String[] NODE = {"node", "--version"};
  private static final String INCUBATOR_WARNING = "WARNING: Using incubator modules: jdk.incubator.vector";

  /** Standard error holds nothing but the JVM's one line about the Vector API's module. */
  private static void assertOnlyTheIncubatorWarning(Run r, String why) {
    assertEquals(INCUBATOR_WARNING, r.err().strip(), why);
  }

  private static void assertVersion(Run r) {
    assertEquals(0, r.exit(), r.err());
    // the JVM's own [aot] lines (asked for with -Xlog, or its warnings) come before weft's
    assertTrue(r.out().lines().anyMatch(l -> l.matches("weft \\d.*")), r.out());
  }

  /**
   * Trains a cache on {@code weft node --version} for the copied jar, as scripts/build does for the
   * node (with the Vector API, as scripts/aot-train trains), and records which JVM it is for.
   */
  private void makeCache() throws Exception {
    Process p = new ProcessBuilder(JAVA.toString(), "-XX:AOTCacheOutput=" + cache, "-Xlog:aot=error,cds=error",
        "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-XX:+UseSerialGC",
        "--add-modules=jdk.incubator.vector", "-jar", jar.toString(), "node", "--version")
        .redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(300, TimeUnit.SECONDS));
    assertTrue(Files.size(cache) > 0, "no cache written");
    Files.writeString(dir.resolve("weft.aot.java"), jvmIdentity(jvmBuild()));
  }

  /** What scripts/build writes to weft.aot.java for this JVM, as if it were of build {@code build}. */
  private static String jvmIdentity(String build) throws IOException {
    return JAVA.toRealPath() + "\n" + build + "\n";
  }

  /** This JVM's build, e.g. {@code 25.0.3+9-LTS}: what the launcher's probe of it reads. */
  private static String jvmBuild() {
    return System.getProperty("java.runtime.version");
  }

  @Test
  void aFittingCacheIsUsed() throws Exception {
    makeCache();
    Run r = weft(Map.of("WEFT_JAVA_OPTS", "-Xlog:aot=info -XX:+PrintCommandLineFlags"), NODE);
    assertVersion(r);
    assertTrue(r.out().contains("Opened AOT cache " + cache), r.out());
    // the cache made with an incubator module links no class ahead of time: C2 alone started slower
    // with it than the tiers (bin/weft, scripts/find-java.sh), so the node keeps them
    assertFalse(r.out().contains("-XX:-TieredCompilation"), r.out());
    assertOnlyTheIncubatorWarning(r, "the node runs with the Vector API and the JVM takes the cache without a word");
    Run off = weft(Map.of("WEFT_JAVA_OPTS", "-Xlog:aot=info -XX:+PrintCommandLineFlags", "WEFT_AOT_CACHE", ""),
        NODE);
    assertVersion(off);
    assertFalse(off.out().contains("Opened AOT cache"), off.out());
  }

  @Test
  void theOtherCommandsGoWithoutTheNodesCacheAndTheIncubatorModule() throws Exception {
    makeCache();
    Run r = weft(Map.of("WEFT_JAVA_OPTS", "-Xlog:aot=info -XX:+PrintCommandLineFlags"), "version");
    assertVersion(r);
    assertFalse(r.out().contains("Opened AOT cache"), r.out());
    assertFalse(r.out().contains("jdk.incubator.vector"), r.out());
    assertEquals("", r.err());
  }

  @Test
  void theShortCommandsHaveACacheOfTheirOwn() throws Exception {
    // made by the script scripts/build runs for it (the launcher's options, no Vector API)
    Path cli = dir.resolve("weft-cli.aot");
    Process p = new ProcessBuilder(ROOT.resolve("scripts/aot-train-cli").toString(), JAVA.toString(), jar.toString(),
        cli.toString()).redirectErrorStream(true).start();
    String training = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), training);
    assertTrue(Files.size(cli) > 0, "no cache written: " + training);
    Files.writeString(dir.resolve("weft-cli.aot.java"), jvmIdentity(jvmBuild()));
    Run r = weft(Map.of("WEFT_JAVA_OPTS", "-Xlog:aot=info"), "version");
    assertVersion(r);
    assertTrue(r.out().contains("Opened AOT cache " + cli), r.out());
    assertEquals("", r.err(), "the JVM takes the short commands' cache without a word");
    Run node = weft(Map.of("WEFT_JAVA_OPTS", "-Xlog:aot=info"), NODE);
    assertVersion(node);
    assertFalse(node.out().contains("Opened AOT cache"), "weft node has no cache of its own here: " + node.out());
    Run off = weft(Map.of("WEFT_JAVA_OPTS", "-Xlog:aot=info", "WEFT_AOT_CACHE", ""), "version");
    assertVersion(off);
    assertFalse(off.out().contains("Opened AOT cache"), off.out());
  }

  @Test
  void noCacheStartsAsBefore() throws Exception {
    Run r = weft(Map.of(), NODE);
    assertVersion(r);
    assertOnlyTheIncubatorWarning(r, "no cache, no word about one");
    Run cli = weft(Map.of(), "version");
    assertVersion(cli);
    assertEquals("", cli.err());
  }

  @Test
  void aCacheOlderThanTheJarIsLeftAlone() throws Exception {
    makeCache();
    Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));
    Run r = weft(Map.of(), NODE);
    assertVersion(r);
    assertOnlyTheIncubatorWarning(r, "the launcher does not hand the JVM a cache older than the jar");
  }

  @Test
  void aStaleCacheTheLauncherCannotTellIsRefusedByTheJvmWhichGoesOn() throws Exception {
    makeCache();
    // the jar is replaced after training (here: only its time changes), but the cache looks newer:
    // only the JVM can tell
    Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(30)));
    Files.setLastModifiedTime(cache, FileTime.from(Instant.now().plusSeconds(60)));
    Run r = weft(Map.of(), NODE);
    assertVersion(r);
    assertTrue(r.out().contains("[aot]") || r.err().contains("[aot]"), "the JVM says why: " + r.out() + r.err());
  }

  @Test
  void aBrokenCacheDoesNotStopTheStart() throws Exception {
    Files.writeString(cache, "not a cache");
    Files.writeString(dir.resolve("weft.aot.java"), jvmIdentity(jvmBuild()));
    Files.setLastModifiedTime(cache, FileTime.from(Instant.now().plusSeconds(60)));
    assertVersion(weft(Map.of(), NODE));
  }

  @Test
  void aCacheOfAnotherBuildAtTheSamePathIsLeftAlone() throws Exception {
    makeCache();
    // the JDK was upgraded in place: same path, another build (the JVM would refuse the cache)
    Files.writeString(dir.resolve("weft.aot.java"), jvmIdentity("25.0.0+1"));
    Run r = weft(Map.of("WEFT_JAVA_OPTS", "-Xlog:aot=info -XX:+PrintCommandLineFlags"), NODE);
    assertVersion(r);
    assertFalse(r.out().contains("Opened AOT cache"), r.out());
  }

  @Test
  void aCacheOfAnotherJvmIsLeftAlone() throws Exception {
    makeCache();
    Files.writeString(dir.resolve("weft.aot.java"), "/opt/another/jdk/bin/java\n");
    Run r = weft(Map.of("WEFT_JAVA_OPTS", "-Xlog:aot=info"), NODE);
    assertVersion(r);
    assertFalse(r.out().contains("Opened AOT cache"), r.out());
  }
}
