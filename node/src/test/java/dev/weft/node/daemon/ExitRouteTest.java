package dev.weft.node.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The commands of the exit-node default route (the lab test ExitNodeE2eTest runs them for real). */
class ExitRouteTest {
    private final List<String> ran = new ArrayList<>();

    private ExitRoute route(String failing) {
        return new ExitRoute("weft0", 4242, command -> {
            String line = String.join(" ", command);
            ran.add(line);
            return failing != null && line.contains(failing) ? new ExitRoute.Result(2, "RTNETLINK answers: nope\n")
                    : new ExitRoute.Result(0, "");
        });
    }

    @Test
    void theUnderlayPortStaysInTheMainTableAndTheRestGoesThroughTheTunnel() {
        assertNull(route(null).install(false));
        assertEquals(List.of(
                // an earlier run's leftovers first
                "ip rule del priority 30564", "ip rule del priority 30563", "ip rule del priority 30562",
                "ip rule del priority 30561", "ip route flush table 30565",
                "ip route replace default dev weft0 table 30565",
                "ip rule add priority 30561 ipproto udp sport 4242 lookup main",
                // weft's packets never fall through to the tunnel, even without an underlay route
                "ip rule add priority 30562 ipproto udp sport 4242 unreachable",
                "ip rule add priority 30563 lookup main suppress_prefixlength 0",
                "ip rule add priority 30564 lookup 30565"), ran);
    }

    @Test
    void ipv6UsesIp6AndRemoveTakesEverythingAway() {
        ExitRoute r = route(null);
        r.remove(true);
        assertEquals(List.of("ip -6 rule del priority 30564", "ip -6 rule del priority 30563", "ip -6 rule del priority 30562",
                "ip -6 rule del priority 30561", "ip -6 route flush table 30565"), ran);
    }

    @Test
    void aFailedStepIsReportedAndUndoneBeforeTheCatchAllRuleExists() {
        String failure = route("sport").install(false);
        assertEquals("ip rule add priority 30561 ipproto udp sport 4242 lookup main: RTNETLINK answers: nope", failure);
        assertTrue(ran.stream().noneMatch(l -> l.equals("ip rule add priority 30564 lookup 30565")),
                "nothing goes into the tunnel after a failure: " + ran);
        assertEquals("ip route flush table 30565", ran.get(ran.size() - 1), "undone");
    }
}
