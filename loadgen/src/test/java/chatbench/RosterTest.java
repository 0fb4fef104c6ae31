package chatbench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** One client's roster: the lines it parses, what it applies, and the sequences no server may send. */
class RosterTest {
    private final Roster roster = new Roster();

    /** Applies each line; returns whether the last one asks for an ACK. */
    private boolean apply(String... lines) {
        boolean ack = false;
        for (String line : lines) {
            byte[] b = ("x" + line).getBytes(StandardCharsets.UTF_8);     // not at 0: parse takes a range
            Roster.Line l = Roster.parse(b, 1, b.length);
            assertThat(l).as(line).isNotNull();
            ack = roster.apply(l);
        }
        return ack;
    }

    private static Roster.Line parse(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return Roster.parse(b, 0, b.length);
    }

    @Test
    void parsesTheFiveLinesAndNothingElse() {
        assertThat(parse("ROSTER BEGIN 7")).isEqualTo(new Roster.Line(Roster.Kind.BEGIN, 7, null, -1));
        assertThat(parse("ROSTER USER alice")).isEqualTo(new Roster.Line(Roster.Kind.USER, -1, "alice", -1));
        assertThat(parse("ROSTER END 7 2")).isEqualTo(new Roster.Line(Roster.Kind.END, 7, null, 2));
        assertThat(parse("ROSTER + 8 bob")).isEqualTo(new Roster.Line(Roster.Kind.ADD, 8, "bob", -1));
        assertThat(parse("ROSTER - 9 bob")).isEqualTo(new Roster.Line(Roster.Kind.REMOVE, 9, "bob", -1));
        assertThat(parse("FROM alice * ROSTER + 1 x")).isNull();
        assertThat(parse("OK LOGIN alice")).isNull();
        assertThat(parse("ROSTER")).isNull();
        assertThat(parse("ROSTER + x bob")).isSameAs(Roster.BAD);
        assertThat(parse("ROSTER ? 1")).isSameAs(Roster.BAD);
    }

    @Test
    void aSnapshotThenChangesOneAfterAnother() {
        assertThat(apply("ROSTER BEGIN 5", "ROSTER USER alice")).isFalse();
        assertThat(roster.inSnapshot()).isTrue();
        assertThat(apply("ROSTER USER bob", "ROSTER END 5 2")).as("the END asks for an ACK").isTrue();
        assertThat(apply("ROSTER + 6 carol", "ROSTER - 7 alice")).isTrue();
        assertThat(roster.names()).containsExactlyInAnyOrder("bob", "carol");
        assertThat(roster.version()).isEqualTo(7);
        // a fresh snapshot at its own version lists what the changes built: compared, and fine
        apply("ROSTER BEGIN 7", "ROSTER USER carol", "ROSTER USER bob", "ROSTER END 7 2");
        assertThat(roster.compared()).isEqualTo(1);
        // one at a later version (it had fallen behind) replaces it
        apply("ROSTER BEGIN 20", "ROSTER USER dave", "ROSTER END 20 1", "ROSTER + 21 erin");
        assertThat(roster.names()).containsExactlyInAnyOrder("dave", "erin");
        assertThat(roster.snapshots()).isEqualTo(3);
        assertThat(roster.changes()).isEqualTo(3);
        assertThat(roster.violations()).as(roster.firstViolation()).isZero();
    }

    @Test
    void aGapInTheVersionsIsAViolation() {
        apply("ROSTER BEGIN 1", "ROSTER USER a", "ROSTER END 1 1", "ROSTER + 3 b");
        assertThat(roster.violations()).isEqualTo(1);
        assertThat(roster.firstViolation()).isEqualTo("ROSTER + 3 after version 1");
    }

    @Test
    void addingOneOnlineOrRemovingOneOfflineIsAViolation() {
        apply("ROSTER BEGIN 1", "ROSTER USER a", "ROSTER END 1 1", "ROSTER + 2 a", "ROSTER - 3 b");
        assertThat(roster.violations()).isEqualTo(2);
        assertThat(roster.firstViolation()).isEqualTo("ROSTER + of a, who was online already");
    }

    @Test
    void aSnapshotThatDisagreesWithTheChangesIsAViolation() {
        apply("ROSTER BEGIN 1", "ROSTER END 1 0", "ROSTER + 2 a",
                "ROSTER BEGIN 2", "ROSTER USER b", "ROSTER END 2 1");
        assertThat(roster.violations()).isEqualTo(1);
        assertThat(roster.firstViolation()).isEqualTo("the snapshot at 2 lists other users than the changes up to it left"
                + " (1 in the snapshot, 1 from the changes)");
    }

    @Test
    void anOlderSnapshotAChangeBeforeAnyAndABadEndAreViolations() {
        apply("ROSTER + 1 a");
        apply("ROSTER BEGIN 5", "ROSTER USER a", "ROSTER END 5 2");
        apply("ROSTER BEGIN 4", "ROSTER END 4 0");
        assertThat(roster.violations()).isEqualTo(3);
        assertThat(roster.firstViolation()).isEqualTo("ROSTER + before any snapshot");
    }
}
