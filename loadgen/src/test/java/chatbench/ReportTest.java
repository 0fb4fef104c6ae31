package chatbench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {

    @Test
    void jsonOfTheValuesAReportHolds() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", 3);
        m.put("rate", 2.5);
        m.put("ok", true);
        m.put("none", null);
        m.put("totals", List.of(new Stats.SenderTotals(1, 10, 20, 19, 1, 0)));
        assertThat(Report.json(m)).isEqualTo("{\"n\":3,\"rate\":2.5,\"ok\":true,\"none\":null,"
                + "\"totals\":[{\"sender\":1,\"sent\":10,\"expected\":20,\"delivered\":19,\"lost\":1,\"reordered\":0}]}");
    }

    @Test
    void aServersTextIsQuotedSafely() {
        assertThat(Report.json("full \"now\"\\\n")).isEqualTo("\"full \\\"now\\\"\\\\\\u000a\"");
    }
}
