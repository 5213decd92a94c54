package dev.weft.node.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.weft.ip.IpPrefix;
import dev.weft.node.config.NodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of {@code deploy/kubernetes/} without a cluster (no offline schema
 * validator exists in Debian or Maven Central): the documents' shape, the DaemonSet's privileges
 * and references, and that the ConfigMap's node.yml, rendered, is a valid weft configuration.
 */
class KubernetesManifestsTest {
    private static final Path DIR = Path.of(System.getProperty("user.dir")).getParent().resolve("deploy/kubernetes");

    @Test
    void everyDocumentHasApiVersionKindAndName() throws Exception {
        List<JsonNode> docs = documents();
        assertTrue(docs.size() >= 7, "documents: " + docs.size());
        for (JsonNode d : docs) {
            assertTrue(d.path("apiVersion").isTextual() && d.path("kind").isTextual(), d.toString());
            assertFalse(d.path("metadata").path("name").asText().isEmpty(), d.toString());
            if (!d.path("kind").asText().startsWith("Cluster") && !d.path("kind").asText().equals("Namespace")) {
                assertEquals("weft", d.path("metadata").path("namespace").asText(), d.path("kind") + " outside the namespace");
            }
        }
    }

    @Test
    void theDaemonSetRunsInTheHostNetworkWithTwoCapabilitiesAndMountsWhatExists() throws Exception {
        List<JsonNode> docs = documents();
        JsonNode ds = only(docs, "DaemonSet");
        assertEquals("apps/v1", ds.path("apiVersion").asText());
        JsonNode pod = ds.path("spec").path("template").path("spec");
        assertEquals(ds.path("spec").path("selector").path("matchLabels"), ds.path("spec").path("template").path("metadata").path("labels"));
        assertTrue(pod.path("hostNetwork").asBoolean());
        assertEquals(only(docs, "ServiceAccount").path("metadata").path("name").asText(), pod.path("serviceAccountName").asText());
        JsonNode weft = pod.path("containers").get(0);
        assertEquals(List.of("NET_ADMIN", "NET_BIND_SERVICE"), texts(weft.path("securityContext").path("capabilities").path("add")));
        assertEquals(List.of("ALL"), texts(weft.path("securityContext").path("capabilities").path("drop")));
        assertFalse(weft.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true));
        assertFalse(pod.path("containers").toString().contains("privileged\":true"));

        Set<String> volumes = new HashSet<>();
        for (JsonNode v : pod.path("volumes")) {
            volumes.add(v.path("name").asText());
            if (v.has("configMap")) {
                assertTrue(named(docs, "ConfigMap", v.path("configMap").path("name").asText()), v.toString());
            }
            if (v.has("secret")) {
                assertTrue(named(docs, "Secret", v.path("secret").path("secretName").asText()), v.toString());
            }
        }
        for (JsonNode c : concat(pod.path("initContainers"), pod.path("containers"))) {
            for (JsonNode m : c.path("volumeMounts")) {
                assertTrue(volumes.contains(m.path("name").asText()), c.path("name") + " mounts " + m.path("name"));
            }
        }
        JsonNode role = only(docs, "ClusterRole");
        assertEquals("[{\"apiGroups\":[\"\"],\"resources\":[\"nodes\"],\"verbs\":[\"get\"]}]", role.path("rules").toString(),
                "the pods may read nodes and nothing else");
    }

    @Test
    void theRenderedNodeConfigIsValidAndAdvertisesThePodCidr() throws Exception {
        JsonNode cm = only(documents(), "ConfigMap");
        String template = cm.path("data").path("node.yml").asText();
        assertTrue(template.contains("__POD_CIDR__"));
        NodeConfig c = NodeConfig.parse(template.replace("__POD_CIDR__", "198.51.100.0/24"), Path.of("/etc/weft"));
        assertEquals(List.of(IpPrefix.parse("198.51.100.0/24")), c.routes().advertise());
        assertTrue(c.routes().acceptAll());
        assertEquals("weft0", c.tunDev());
        assertEquals(Path.of("/etc/weft/node.crt"), c.certFile());
        String render = cm.path("data").path("render.sh").asText();
        assertTrue(render.contains("s|__POD_CIDR__|") && render.contains("/etc/weft/node.yml"), render);
        String probe = only(documents(), "DaemonSet").path("spec").path("template").path("spec").path("containers").get(0)
                .path("livenessProbe").toString();
        assertTrue(probe.contains(c.adminSocket().toString()), "the probe asks the configured admin socket: " + probe);
    }

    private static List<JsonNode> documents() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try (YAMLParser p = new YAMLFactory().createParser(f.toFile())) {
                    var it = yaml.readValues(p, JsonNode.class);
                    while (it.hasNext()) {
                        JsonNode d = it.next();
                        if (d != null && !d.isNull() && !d.isMissingNode()) {
                            out.add(d);
                        }
                    }
                }
            }
        }
        return out;
    }

    private static JsonNode only(List<JsonNode> docs, String kind) {
        List<JsonNode> found = docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
        assertEquals(1, found.size(), kind);
        return found.get(0);
    }

    private static boolean named(List<JsonNode> docs, String kind, String name) {
        return docs.stream().anyMatch(d -> d.path("kind").asText().equals(kind) && d.path("metadata").path("name").asText().equals(name));
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<JsonNode> concat(JsonNode a, JsonNode b) {
        List<JsonNode> out = new ArrayList<>();
        a.forEach(out::add);
        b.forEach(out::add);
        return out;
    }
}
