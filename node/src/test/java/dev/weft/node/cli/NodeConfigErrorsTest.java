package dev.weft.node.cli;

import static dev.weft.node.cli.WeftCli.weft;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code weft node --config FILE} with a file that cannot be used: one line naming the file (and the place). */
class NodeConfigErrorsTest {
    @TempDir
    Path dir;

    @Test
    void aYamlSyntaxErrorIsOneLineWithFileLineAndColumn() throws Exception {
        Path file = dir.resolve("bad.yml");
        Files.writeString(file, "pki: {ca: ca.crt, cert: n.crt\nlisten: {port: 1}\n");
        WeftCli.Run r = weft("node", "--config", file.toString());
        assertEquals(1, r.exit());
        assertEquals(1, r.errLines().size(), r.err());
        assertEquals("weft node: " + file + ":2:7: not valid YAML: expected ',' or '}', but got : "
                + "(while parsing a flow mapping at 1:6)", r.errLines().get(0));
    }

    @Test
    void aTabIndentIsPlacedAtItsLine() throws Exception {
        Path file = dir.resolve("tab.yml");
        Files.writeString(file, "pki: {ca: a, cert: b, key: c}\nlisten:\n\tport: 1\n");
        WeftCli.Run r = weft("node", "--config", file.toString());
        assertEquals(1, r.exit());
        assertEquals(1, r.errLines().size(), r.err());
        String line = r.errLines().get(0);
        assertEquals("weft node: " + file + ":3:1: not valid YAML: ", line.substring(0, line.indexOf("YAML: ") + 6));
    }

    @Test
    void aKeyGivenTwiceIsRefusedWithItsPlace() throws Exception {
        Path file = dir.resolve("twice.yml");
        Files.writeString(file, "pki: {ca: a, cert: b, key: c}\nlisten: {port: 1}\nlisten: {port: 2}\n");
        WeftCli.Run r = weft("node", "--config", file.toString());
        assertEquals(1, r.exit());
        assertEquals(1, r.errLines().size(), r.err());
        String line = r.errLines().get(0);
        assertEquals(true, line.startsWith("weft node: " + file + ":3:") && line.contains("Duplicate field 'listen'"), line);
    }

    @Test
    void aMissingFileIsNamedOnce() {
        WeftCli.Run r = weft("node", "--config", dir.resolve("nope.yml").toString());
        assertEquals(1, r.exit());
        assertEquals(java.util.List.of("weft node: " + dir.resolve("nope.yml") + ": no such file"), r.errLines());
    }

    @Test
    void aDirectoryIsNamedOnce() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("conf.d"));
        WeftCli.Run r = weft("node", "--config", sub.toString());
        assertEquals(1, r.exit());
        assertEquals(1, r.errLines().size(), r.err());
        String line = r.errLines().get(0);
        assertEquals(1, line.split(java.util.regex.Pattern.quote(sub.toString()), -1).length - 1, line);
    }

    @Test
    void aBadValueNamesTheFileAndTheKey() throws Exception {
        Path file = dir.resolve("port.yml");
        Files.writeString(file, "pki: {ca: a, cert: b, key: c}\nlisten: {port: 70000}\n");
        WeftCli.Run r = weft("node", "--config", file.toString());
        assertEquals(1, r.exit());
        assertEquals(java.util.List.of("weft node: " + file + ": listen.port: 70000 out of range 0..65535"), r.errLines());
    }
}
