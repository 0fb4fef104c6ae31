package chatsrv;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A test's client: a plain blocking socket, as nc would be. By default it reads past the
 * roster's lines (ROSTER ..., which come after every login and logout of anyone), so that a test
 * of something else reads the lines it is about; they are kept in {@code rosterLines}. A test of
 * the roster asks for every line (seeingRoster).
 */
final class Client implements AutoCloseable {
    static final int READ_TIMEOUT_MILLIS = 2000;
    static final int SLOW_ANSWER_MILLIS = 15_000;

    final SocketChannel channel;
    private final InputStream in;
    /** The roster's lines readLine has read past, in order (unless seeingRoster). */
    final List<String> rosterLines = new ArrayList<>();
    private boolean seeingRoster;

    private Client(SocketChannel channel) throws IOException {
        this.channel = channel;
        channel.socket().setSoTimeout(READ_TIMEOUT_MILLIS);
        this.in = new BufferedInputStream(channel.socket().getInputStream());
    }

    static Client connect(int port) throws IOException {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        // Small writes leave at once, so a test that sends a line in pieces really sends pieces.
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        return new Client(channel);
    }

    /** A client that has read the server's greeting. */
    static Client welcomed(int port) throws IOException {
        Client c = connect(port);
        String welcome = c.readLine();
        if (!welcome.startsWith("Welcome")) {
            throw new AssertionError("expected the greeting, got: " + welcome);
        }
        return c;
    }

    /** A client registered (and so logged in) as {@code name}, with the password passwordOf(name). */
    static Client registered(int port, String name) throws IOException {
        Client c = welcomed(port);
        c.send("REGISTER " + name + " " + passwordOf(name) + "\n").expectSlow("OK REGISTER " + name);
        return c;
    }

    /** A client logged in as {@code name}, whose account exists, with the password passwordOf(name). */
    static Client loggedIn(int port, String name) throws IOException {
        Client c = welcomed(port);
        c.send("LOGIN " + name + " " + passwordOf(name) + "\n").expectSlow("OK LOGIN " + name);
        return c;
    }

    /**
     * expect, for an answer that waits for a hash and, for a REGISTER, two fsyncs: on a cold
     * server on a busy machine that can take seconds, and only a server that never answers
     * should fail the test.
     */
    Client expectSlow(String expected) throws IOException {
        channel.socket().setSoTimeout(SLOW_ANSWER_MILLIS);
        try {
            return expect(expected);
        } finally {
            channel.socket().setSoTimeout(READ_TIMEOUT_MILLIS);
        }
    }

    /** The tests' password for a user: one that shows in no other text of the test, so a search for it finds only leaks. */
    static String passwordOf(String name) {
        return "pw of " + name + " 7f3a";
    }

    /** From now on, readLine returns the roster's lines too. */
    Client seeingRoster() {
        seeingRoster = true;
        return this;
    }

    /** Reads the next line and fails unless it is {@code expected}. */
    Client expect(String expected) throws IOException {
        String line = readLine();
        if (!line.equals(expected)) {
            throw new AssertionError("expected '" + expected + "', got '" + line + "'");
        }
        return this;
    }

    /** This client as the server's log names it: 127.0.0.1:PORT. */
    String address() throws IOException {
        return "127.0.0.1:" + localPort();
    }

    /** Every line the server sends until it closes the connection; fails after two seconds of silence, or on half a line at the end. */
    List<String> readUntilEndOfStream() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b; (b = in.read()) != '\n'; ) {
                if (b < 0) {
                    if (line.size() > 0) {
                        throw new EOFException("end of stream after '" + line + "', which has no '\\n'");
                    }
                    return lines;
                }
                line.write(b);
            }
            if (isRoster(line.toByteArray())) {
                rosterLines.add(line.toString(StandardCharsets.UTF_8));
            } else {
                lines.add(line.toString(StandardCharsets.UTF_8));
            }
        }
    }

    int localPort() throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    /** Sends the text in one write (the kernel may still cut it into several segments). */
    Client send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    Client send(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            channel.write(b);
        }
        return this;
    }

    /**
     * The next line the server sent, without its '\n'; fails after two seconds of silence and at
     * end of stream.
     */
    String readLine() throws IOException {
        return new String(readLineBytes(), StandardCharsets.UTF_8);
    }

    /** The next line the server sent, as the bytes that came, without its '\n'. */
    byte[] readLineBytes() throws IOException {
        while (true) {
            byte[] line = readAnyLine();
            if (line == null) {
                throw new EOFException("end of stream");
            }
            if (!isRoster(line)) {
                return line;
            }
            rosterLines.add(new String(line, StandardCharsets.UTF_8));
        }
    }

    private boolean isRoster(byte[] line) {
        return !seeingRoster && new String(line, 0, Math.min(7, line.length), StandardCharsets.US_ASCII).equals("ROSTER ");
    }

    /** The next line, whatever it is; null at the end of the stream, if no byte of a line came before it. */
    private byte[] readAnyLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0 && line.size() == 0) {
                return null;
            }
            if (b < 0) {
                throw new EOFException("end of stream after '" + line + "'");
            }
            line.write(b);
        }
        return line.toByteArray();
    }

    /** Half-close: no more from us (FIN), but we can still read. */
    void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    /** True once the server has closed the connection; fails after two seconds of silence. */
    boolean atEndOfStream() throws IOException {
        if (seeingRoster) {
            return in.read() < 0;
        }
        while (true) {
            byte[] line = readAnyLine(); // past the roster's lines: any other line is not the end
            if (line == null || !isRoster(line)) {
                return line == null;
            }
            rosterLines.add(new String(line, StandardCharsets.UTF_8));
        }
    }

    /** Closes with SO_LINGER 0: the kernel drops what is unsent and sends RST instead of FIN. */
    void reset() throws IOException {
        channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        channel.close();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
