package chatbench;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One connection to the server. The event loop owns its socket side; Clients owns the rest:
 * what this connection has seen and sent as one client of the scenario. Every connection
 * receives; a few also send.
 */
final class Connection {
    enum State { CONNECTING, OPEN, CLOSED }

    // The event loop's part.
    final SocketChannel channel;
    /** Who hears of this connection's lines and its end: Clients, the logins scenario's Storm, Churn or Lag. */
    final EventLoop.Handler handler;
    SelectionKey key;
    State state = State.CONNECTING;
    final Codec.Lines lines = new Codec.Lines();
    /** A sender's lines not yet taken by the socket (null for a connection that only receives). */
    ByteBuffer out;
    /** Bytes the socket has taken from {@code out}. */
    long written;
    /** The rest of a short line of the client's own (EventLoop.writeLine) that the socket has not taken yet; null if none. */
    ByteBuffer control;

    // Clients' part.
    /** Welcomed (with accounts: and registered), so it is one of the scenario's clients. */
    boolean greeted;
    /** With accounts: welcomed, its REGISTER sent, the answer not yet here. */
    boolean registering;
    /** With accounts: registered, its PING sent, waiting for the PONG (and any roster snapshot before it). */
    boolean registered;
    /** What the server told this client of its roster (step11 on); null for a client that does not follow it. */
    Roster roster;
    long probeArrived = -1;
    /** As a receiver: what arrived from each sender, by sender id (1..n; 0 is the probe). */
    Stats.SeqTracker[] from;
    /** As a sender (id 0 = not one): its schedule (null: the window sets the pace) and its next seq. */
    int senderId;
    Stats.Schedule schedule;
    long seq;

    Connection(SocketChannel channel, EventLoop.Handler handler) {
        this.channel = channel;
        this.handler = handler;
    }

    /** Greeted and still open: one that sends and receives the scenario's lines. */
    boolean ready() {
        return greeted && state == State.OPEN;
    }
}
