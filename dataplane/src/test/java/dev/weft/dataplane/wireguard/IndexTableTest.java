package dev.weft.dataplane.wireguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IndexTableTest {

    private record Entry(int id) implements IndexTable.Entry {
        @Override
        public Peer peer() {
            return null;
        }
    }

    @Test
    void registerLookupReplaceRemove() {
        IndexTable table = new IndexTable(new SecureRandom());
        List<Integer> indices = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Entry e = new Entry(i);
            entries.add(e);
            indices.add(table.register(e));
        }
        assertEquals(1000, table.size());
        for (int i = 0; i < 1000; i++) {
            assertSame(entries.get(i), table.lookup(indices.get(i)));
        }
        Entry replacement = new Entry(-1);
        table.replace(indices.get(5), replacement);
        assertSame(replacement, table.lookup(indices.get(5)));
        table.remove(indices.get(5), entries.get(5));
        assertSame(replacement, table.lookup(indices.get(5)), "remove only if it still points at the entry");
        for (int i = 0; i < 1000; i += 2) {
            table.remove(indices.get(i), i == 5 ? replacement : entries.get(i));
        }
        for (int i = 0; i < 1000; i++) {
            if (i % 2 == 0) {
                assertNull(table.lookup(indices.get(i)));
            } else if (i != 5) {
                assertSame(entries.get(i), table.lookup(indices.get(i)));
            }
        }
    }
}
