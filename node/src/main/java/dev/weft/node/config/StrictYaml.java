package dev.weft.node.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Reads YAML into {@link ConfigFile} with nothing guessed: a key given twice, an unknown key,
 * and a value of the wrong type ({@code port: "80"}, {@code port: 1.5}, {@code dev: 5},
 * {@code am_lighthouse: 1}) are refused, where Jackson by default would take the last, skip,
 * or convert them. Refusals name the key path as the user writes it ({@code wireguard.peers[1].endpoint}).
 */
final class StrictYaml {
    private final ObjectMapper mapper;

    StrictYaml() {
        mapper = YAMLMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .build();
        for (LogicalType t : List.of(LogicalType.Textual, LogicalType.Integer, LogicalType.Float, LogicalType.Boolean,
                LogicalType.Collection, LogicalType.POJO, LogicalType.Map)) {
            for (CoercionInputShape s : CoercionInputShape.values()) {
                mapper.coercionConfigFor(t).setCoercion(s, CoercionAction.Fail);
            }
        }
    }

    /** The tree of the text: syntax errors and duplicate keys are refused with their line and column. */
    JsonNode tree(String yaml) throws NodeConfigException {
        try {
            return mapper.readTree(yaml);
        } catch (JacksonException e) {
            throw YamlSyntax.refusal(e);
        }
    }

    /** The tree as the schema's records; shape errors are refused with the key path. */
    ConfigFile file(JsonNode root) throws NodeConfigException {
        if (!root.isObject()) {
            throw new NodeConfigException("the configuration: must be a mapping");
        }
        try {
            return mapper.treeToValue(root, ConfigFile.class);
        } catch (UnrecognizedPropertyException e) {
            throw new NodeConfigException(path(e) + ": unknown key (expected one of " + known(e.getKnownPropertyIds()) + ")");
        } catch (MismatchedInputException e) {
            throw new NodeConfigException(path(e) + ": " + expected(e.getTargetType()) + quoteHint(e));
        } catch (JsonMappingException e) {
            throw new NodeConfigException(path(e) + ": " + oneLine(e.getOriginalMessage()));
        } catch (InputCoercionException e) { // a number too large for its type
            throw new NodeConfigException(oneLine(e.getOriginalMessage()));
        } catch (JacksonException e) {
            throw new NodeConfigException("not a valid configuration: " + oneLine(e.getOriginalMessage()));
        }
    }

    /** {@code a.b[2].c}, as the user writes it. */
    static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "the configuration" : sb.toString();
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "wrong type";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "must be a whole number";
        }
        if (type == String.class) {
            return "must be a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "must be true or false";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "must be a list";
        }
        return "must be a mapping";
    }

    /** The Norway problem: {@code dev: no} is a boolean to YAML, and the user meant a string. */
    private static String quoteHint(MismatchedInputException e) {
        boolean wasBoolean = e.getProcessor() instanceof com.fasterxml.jackson.core.JsonParser p
                && p.currentToken() != null && p.currentToken().isBoolean();
        return e.getTargetType() == String.class && wasBoolean
                ? " (quote it: YAML reads a bare yes, no, on, off, true or false as a boolean)" : "";
    }

    private static TreeSet<String> known(Collection<Object> ids) {
        TreeSet<String> names = new TreeSet<>();
        if (ids != null) {
            ids.forEach(id -> names.add(String.valueOf(id)));
        }
        return names;
    }

    private static String oneLine(String s) {
        return s == null ? "(no details)" : s.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
