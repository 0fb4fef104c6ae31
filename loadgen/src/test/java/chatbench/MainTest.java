package chatbench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MainTest {

    private static Main.Plan plan(String... args) {
        Main main = new Main();
        Main.command(main).parseArgs(args);
        return main.plan();
    }

    @Test
    void fanoutsDefaultWindowIsLargeButBoundedInBytes() {
        assertThat(plan("fanout").window()).isEqualTo(Main.WINDOW);
        assertThat(plan("fanout", "--size", "80").window()).isEqualTo(Main.WINDOW);
        int longLines = plan("fanout", "--size", "1024").window();
        assertThat(longLines).isEqualTo(320);
        // with a prefix like step08's, still far below the 1 MiB after which step08 cuts a client off
        assertThat(longLines * (1024 + 24)).isLessThan(512 * 1024);
        assertThat(plan("fanout", "--size", "1024", "--window", "5000").window()).isEqualTo(5000);
    }
}
