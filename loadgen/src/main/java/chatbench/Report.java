package chatbench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** A run's result, as a table for people and as JSON for scripts. */
record Report(Main.Plan plan, String target, Clients.Probe probe, Result result, Conns conns, Logins logins) {

    /** What only the conns scenario finds; a memory figure of -1 is unknown, and memoryNote says why. */
    record Conns(Round measured, boolean gaveUp, long pid, String memoryNote, int warmUps, Round first) {
        int greeted() {
            return measured.greeted();
        }
    }

    /** What only the logins scenario finds: its storm of {@code users}, their registrations, then their logins. */
    record Logins(int users, Storm.Wave registrations, Storm.Wave logins) {}

    /** One round of conns: how many were greeted, in how long, and the server's VmRSS around it (-1: unknown). */
    record Round(int greeted, long connectNanos, long rssBeforeKb, long rssAfterKb) {
        double kbPerConnection() {
            return (rssAfterKb - rssBeforeKb) / (double) Math.max(1, greeted);
        }
    }

    /** What the probe line showed. With one connection, echo and broadcast look the same. */
    String server() {
        return !probe.echoed() ? "silent" : result.greeted() == 1 ? "echo or broadcast"
                : probe.broadcast() ? "broadcast" : "echo";
    }

    /** The first failed connect, as the report quotes it, or null. */
    String failure() {
        return result.connectError() == null ? null : result.connectError().toString();
    }

    /** Per second of sending; what arrives while draining counts for loss, not for rates. */
    double rate(long count) {
        return result.seconds() > 0 ? count / result.seconds() : 0;
    }

    /** A fixed rate has a schedule to measure from; the window does not. */
    boolean corrected() {
        return plan.rate() > 0;
    }

    String table() {
        Result r = result;
        StringBuilder t = new StringBuilder();
        if (conns != null) {
            t.append(f("%s: %,d idle connections to %s (%s server)%n%n",
                    plan.scenario(), plan.connections(), target, server()));
            Round m = conns.measured();
            if (conns.first() != null) {
                Round c = conns.first();
                t.append(f("  first round            %,d connected and greeted in %.3f s%s%n", c.greeted(),
                        c.connectNanos() / 1e9, conns.memoryNote() != null ? ""
                        : f(", VmRSS %,d kB before, %,d kB after: %.1f kB per connection",
                            c.rssBeforeKb(), c.rssAfterKb(), c.kbPerConnection())));
                t.append(f("                         (a server's first connections also pay for compiling its code and%n"
                        + "                         touching its memory for the first time)%n"));
                t.append(f("  then, after %d warm-up round%s:%n", conns.warmUps(), conns.warmUps() == 1 ? "" : "s"));
            }
            t.append(f("  connected and greeted  %,d in %.3f s (%,.0f/s)%s%n", m.greeted(),
                    m.connectNanos() / 1e9, m.greeted() / (m.connectNanos() / 1e9),
                    conns.gaveUp() ? ", then gave up waiting for the rest" : ""));
            t.append("  server memory          ").append(conns.memoryNote() != null ? conns.memoryNote()
                    : f("pid %d: VmRSS %,d kB before, %,d kB after: %.1f kB per connection", conns.pid(),
                        m.rssBeforeKb(), m.rssAfterKb(), m.kbPerConnection()));
            t.append('\n');
            t.append("  one line to all        ").append(!probe.echoed() ? "never came back to its sender"
                    : !probe.broadcast() ? "an echo server: it came back to its sender only"
                    : f("%,d of %,d had it %s after it was sent", probe.arrived(), probe.receivers(),
                        Stats.millis(probe.lastArrivalNanos())));
            t.append('\n');
        } else {
            String pace = plan.rate() > 0 ? f("at %,d lines/s each", plan.rate()) : f("with a window of %,d", plan.window());
            t.append(f("%s: %,d connections%s, %d sending %s, %d-byte lines, %.1f s, to %s (%s server)%n%n",
                    plan.scenario(), plan.connections(),
                    plan.accounts() ? " with accounts (REGISTER, then MSG * <line>)" : "", plan.senders(), pace, plan.size(), r.seconds(), target, server()));
            t.append(f("  sends/s       %,14.0f%n", rate(r.sent())));
            t.append(f("  deliveries/s  %,14.0f%n", rate(r.delivered())));
            t.append(f("  bytes/s in    %,14.0f%n", rate(r.bytesIn())));
            t.append(f("  bytes/s out   %,14.0f%n", rate(r.bytesOut())));
            t.append("  latency       ").append(percentiles(r.latency()));
            t.append(f("                over %,d deliveries, from each line's %s%n", r.latency().count(), corrected()
                    ? "intended send time (corrected for coordinated omission)"
                    : "actual send time (no schedule, so nothing to correct)"));
            if (corrected()) {
                t.append("  sent late by  ").append(percentiles(r.sendLag()));
                t.append("                the bench's own delay behind its schedule, part of the latency above\n");
            }
            t.append(f("%n  %6s %12s %14s %14s %10s %10s%n", "sender", "sent", "expected", "delivered", "lost",
                    "reordered"));
            String row = "  %6s %,12d %,14d %,14d %,10d %,10d%n";
            for (Stats.SenderTotals s : r.senders()) {
                t.append(f(row, s.sender(), s.sent(), s.expected(), s.delivered(), s.lost(), s.reordered()));
            }
            if (r.senders().size() > 1) {
                t.append(f(row, "all", r.senders().stream().mapToLong(Stats.SenderTotals::sent).sum(),
                        r.senders().stream().mapToLong(Stats.SenderTotals::expected).sum(),
                        r.senders().stream().mapToLong(Stats.SenderTotals::delivered).sum(), r.lost(), r.reordered()));
            }
        }
        if (logins != null) {
            storm(t);
        }
        t.append(f("%n  connections: %,d greeted, %,d refused%s, %,d failed%s, %,d closed by the server%s;"
                        + " %,d other lines%n", r.greeted(), r.refused(), why(r.refusal() == null ? null : '"' + r.refusal() + '"'),
                r.failed(), why(failure()), r.closed(), why(r.closeReason()), r.otherLines()));
        if (r.rosterLines() > 0) {
            t.append(f("  roster: %,d lines, each acknowledged; %,d violations%n", r.rosterLines(), r.rosterViolations()));
        }
        return t.toString();
    }

    /** logins: the two waves, then the chat's latency in each window of time. */
    private void storm(StringBuilder t) {
        t.append(f("%n  the storm: %,d users, after %.0f s of warm-up and %.1f s of chat; each asks once welcomed,%n"
                + "  and quits once answered%n", logins.users(), Storm.WARM_UP / 1e9, plan.seconds()));
        for (Storm.Wave w : List.of(logins.registrations(), logins.logins())) {
            String name = w.verb().equals("REGISTER") ? "registrations" : "logins";
            t.append(f("  %-14s %,d OK of %,d", name, w.ok(), w.users()));
            t.append(w.allOkNanos() < 0 ? "\n" : f(", %,.1f/s: the last OK %.3f s after the first %s was sent%n",
                    w.perSecond(), w.allOkNanos() / 1e9, w.verb()));
            if (w.answers().count() > 0) {
                t.append("                 answered in  ").append(percentiles(w.answers()));
            }
            if (w.ok() < w.users()) {
                t.append("                 not OK: ").append(notOk(w)).append('\n');
            }
        }
        t.append(f("%n  chat latency by when each line was due: before the storm (after the warm-up), during the%n"
                + "  registrations, between the waves (their connections quit, the chat catches up), during%n"
                + "  the logins (corrected for coordinated omission)%n"));
        for (Stats.Windows.Of w : result.windows()) {
            t.append(f("    %-14s %7.3f s  ", w.window(), w.nanos() / 1e9));
            t.append(w.latency().count() == 0 ? "no line was due in it\n"
                    : percentiles(w.latency()).stripTrailing() + f("  (%,d deliveries)%n", w.latency().count()));
        }
    }

    /** The answers that were not OK: ERR reasons, then what the bench saw instead of an answer. */
    private static String notOk(Storm.Wave w) {
        List<String> parts = new ArrayList<>();
        w.errors().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> parts.add(f("ERR %s %,d", e.getKey(), e.getValue())));
        if (w.closed() > 0) {
            parts.add(f("closed before the answer %,d%s", w.closed(), why(w.closeReason())));
        }
        if (w.unanswered() > 0) {
            parts.add(f("no answer %,d", w.unanswered()));
        }
        return String.join(", ", parts);
    }

    static String percentiles(Stats.Latency l) {
        return f("p50 %s  p90 %s  p99 %s  max %s%n", Stats.millis(l.p50()), Stats.millis(l.p90()),
                Stats.millis(l.p99()), Stats.millis(l.max()));
    }

    private static String why(String reason) {
        return reason == null ? "" : " (" + reason + ")";
    }

    String json() {
        Result r = result;
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("scenario", plan.scenario().name());
        j.put("target", target);
        j.put("server", server());
        j.put("connections", plan.connections());
        j.put("size", plan.size());
        j.put("greeted", r.greeted());
        j.put("refused", r.refused());
        j.put("refusal", r.refusal());
        j.put("failed", r.failed());
        j.put("failure", failure());
        j.put("closed_by_server", r.closed());
        j.put("close_reason", r.closeReason());
        j.put("other_lines", r.otherLines());
        j.put("accounts", plan.accounts());
        j.put("roster_lines", r.rosterLines());
        j.put("roster_violations", r.rosterViolations());
        if (conns != null) {
            Round m = conns.measured();
            j.put("connect_greeted", m.greeted());
            j.put("connect_s", m.connectNanos() / 1e9);
            j.put("connect_gave_up", conns.gaveUp());
            j.put("server_pid", conns.pid() < 0 ? null : conns.pid());
            j.put("rss_before_kb", m.rssBeforeKb() < 0 ? null : m.rssBeforeKb());
            j.put("rss_after_kb", m.rssAfterKb() < 0 ? null : m.rssAfterKb());
            j.put("memory_note", conns.memoryNote());
            j.put("warm_up_rounds", conns.warmUps());
            Round c = conns.first();
            j.put("first_round_greeted", c == null ? null : c.greeted());
            j.put("first_round_connect_s", c == null ? null : c.connectNanos() / 1e9);
            j.put("first_round_rss_before_kb", c == null || c.rssBeforeKb() < 0 ? null : c.rssBeforeKb());
            j.put("first_round_rss_after_kb", c == null || c.rssAfterKb() < 0 ? null : c.rssAfterKb());
            j.put("broadcast_arrived", probe.arrived());
            j.put("broadcast_receivers", probe.receivers());
            j.put("broadcast_s", probe.broadcast() && probe.lastArrivalNanos() >= 0 ? probe.lastArrivalNanos() / 1e9 : null);
            return json(j) + "\n";
        }
        j.put("senders", plan.senders());
        j.put("rate", corrected() ? plan.rate() : null);
        j.put("window", corrected() ? null : plan.window());
        j.put("seconds", r.seconds());
        j.put("sends_per_s", rate(r.sent()));
        j.put("deliveries_per_s", rate(r.delivered()));
        j.put("bytes_in_per_s", rate(r.bytesIn()));
        j.put("bytes_out_per_s", rate(r.bytesOut()));
        j.put("latency_corrected", corrected());
        j.put("latency_ns", r.latency());
        j.put("send_lag_ns", corrected() ? r.sendLag() : null);
        j.put("lost", r.lost());
        j.put("reordered", r.reordered());
        j.put("per_sender", r.senders());
        if (logins != null) {
            j.put("storm_users", logins.users());
            j.put("registrations", wave(logins.registrations()));
            j.put("logins", wave(logins.logins()));
            Map<String, Object> windows = new LinkedHashMap<>();
            for (Stats.Windows.Of w : r.windows()) {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("seconds", w.nanos() / 1e9);
                one.put("latency_ns", w.latency());
                windows.put(w.window(), one);
            }
            j.put("windows", windows);
        }
        return json(j) + "\n";
    }

    private static Map<String, Object> wave(Storm.Wave w) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("ok", w.ok());
        j.put("per_s", w.perSecond());
        j.put("all_ok_s", w.allOkNanos() < 0 ? null : w.allOkNanos() / 1e9);
        j.put("errors", new TreeMap<>(w.errors()));
        j.put("closed", w.closed());
        j.put("close_reason", w.closeReason());
        j.put("unanswered", w.unanswered());
        j.put("answer_ns", w.answers());
        return j;
    }

    /** Just enough JSON for this report: maps, lists, records, numbers, strings, booleans, null. */
    static String json(Object value) {
        if (value == null || value instanceof Number || value instanceof Boolean) {
            return String.valueOf(value);
        }
        if (value instanceof Map<?, ?> map) {
            StringBuilder b = new StringBuilder("{");
            map.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append(json(k.toString())).append(':').append(json(v)));
            return b.append('}').toString();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(Report::json).reduce((a, b) -> a + "," + b).map(s -> "[" + s + "]").orElse("[]");
        }
        if (value instanceof Record record) {
            Map<String, Object> fields = new LinkedHashMap<>();
            for (var component : record.getClass().getRecordComponents()) {
                try {
                    fields.put(component.getName(), component.getAccessor().invoke(record));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            return json(fields);
        }
        StringBuilder b = new StringBuilder("\"");                 // a string: it may come from the server
        for (char c : value.toString().toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> b.append(c < 0x20 ? f("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return b.append('"').toString();
    }

    /** Numbers with a dot and digit groups with commas, whatever the machine's locale. */
    static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
