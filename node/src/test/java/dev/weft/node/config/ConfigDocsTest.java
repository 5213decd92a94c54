package dev.weft.node.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code docs/config.md} documents exactly the keys the parser takes, and its complete example parses. */
class ConfigDocsTest {
    static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Pattern ROW = Pattern.compile("(?m)^\\| `([a-z_.\\[\\]]+)` \\|");
    private static final Pattern EXAMPLE = Pattern.compile("## Complete example\\R(?:.*\\R)*?```yaml\\R((?:.*\\R)*?)```");

    @Test
    void everyKeyIsDocumentedAndNoOther() throws Exception {
        String doc = Files.readString(ROOT.resolve("docs/config.md"));
        Set<String> documented = new TreeSet<>();
        Matcher m = ROW.matcher(doc);
        while (m.find()) {
            documented.add(m.group(1));
        }
        Set<String> keys = new TreeSet<>();
        collect(ConfigFile.class, "", keys);
        assertEquals(keys, documented);
    }

    @Test
    void theCompleteExampleParses() throws Exception {
        String doc = Files.readString(ROOT.resolve("docs/config.md"));
        Matcher m = EXAMPLE.matcher(doc);
        assertTrue(m.find(), "no yaml block after '## Complete example'");
        NodeConfig c = NodeConfig.parse(m.group(1), Path.of("/etc/weft"));
        assertEquals(NodeConfig.parse(NodeConfigTest.PKI, Path.of("/etc/weft")).tunMtu(), c.tunMtu());
        assertEquals(1, c.peers().size());
        assertEquals(2, c.lighthouse().hosts().size());
        assertEquals(9642, c.metrics().listen().getPort());
    }

    @Test
    void theReadmesLinkIt() throws Exception {
        assertTrue(Files.readString(ROOT.resolve("README.md")).contains("(docs/config.md)"));
        assertTrue(Files.readString(ROOT.resolve("node/README.md")).contains("(../docs/config.md)"));
    }

    /** The key paths as docs/config.md writes them: sections dotted, list items as {@code []}. */
    private static void collect(Class<?> record, String prefix, Set<String> out) {
        for (RecordComponent c : record.getRecordComponents()) {
            String key = prefix + new PropertyNamingStrategies.SnakeCaseStrategy().translate(c.getName());
            if (c.getType().isRecord()) {
                collect(c.getType(), key + ".", out);
                continue;
            }
            out.add(key);
            Type t = c.getGenericType();
            if (t instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof Class<?> item && item.isRecord()) {
                collect(item, key + "[].", out);
            }
        }
    }
}
