package dev.weft.node.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServicesTest {
    @Test
    void closesInReverseOrderAndPastAFailure() {
        List<String> closed = new ArrayList<>();
        Services s = new Services();
        s.add(() -> closed.add("dataplane"));
        s.add(() -> {
            closed.add("gossip");
            throw new IllegalStateException("stuck");
        });
        s.add(() -> closed.add("admin"));
        s.close();
        assertEquals(List.of("admin", "gossip", "dataplane"), closed);
        s.close();
        assertEquals(3, closed.size(), "closed once");
    }

    @Test
    void aServiceAddedWhileStoppingIsClosedAtOnce() {
        List<String> closed = new ArrayList<>();
        Services s = new Services();
        s.close();
        assertThrows(IllegalStateException.class, () -> s.add(() -> closed.add("late")));
        assertEquals(List.of("late"), closed);
    }
}
