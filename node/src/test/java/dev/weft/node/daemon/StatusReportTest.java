package dev.weft.node.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatusReportTest {
    @ParameterizedTest
    @CsvSource({
        "fd00:77:0:0:0:0:0:1, fd00:77::1",
        "0:0:0:0:0:0:0:0, ::",
        "0:0:0:0:0:0:0:1, ::1",
        "2001:db8:0:1:0:0:0:1, 2001:db8:0:1::1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "fd00:1:2:3:4:5:6:7, fd00:1:2:3:4:5:6:7",
        "fd00:0:2:3:4:5:6:7, fd00:0:2:3:4:5:6:7",
        "fd00:1:2:3:4:5:6:0, fd00:1:2:3:4:5:6:0",
        "100.64.0.1, 100.64.0.1",
    })
    void formatsAddressesAsRfc5952(String in, String expected) throws Exception {
        assertEquals(expected, StatusReport.address(InetAddress.getByName(in)));
    }
}
