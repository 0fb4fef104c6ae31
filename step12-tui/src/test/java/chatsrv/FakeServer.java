package chatsrv;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A server a test writes itself, byte for byte: a listening socket on 127.0.0.1, port 0, and
 * the one client it accepts. For what the real server never does but a client must survive:
 * a line cut in two by TCP, "\r\n" line ends, a line longer than any the protocol allows, an
 * answer that comes late. Blocking sockets with timeouts: a client that never connects or
 * never writes fails the test in seconds instead of hanging it.
 */
final class FakeServer implements AutoCloseable {
    /** How long accept() and a read wait before the test fails. */
    static final int TIMEOUT_MILLIS = 15_000;

    private final ServerSocket listener;
    private Socket client;
    private InputStream in;
    private OutputStream out;

    FakeServer() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        listener.setSoTimeout(TIMEOUT_MILLIS);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Waits for the client to connect. */
    FakeServer accept() throws IOException {
        client = listener.accept();
        // Each write leaves as a segment of its own: a line written in two writes arrives in two.
        client.setTcpNoDelay(true);
        client.setSoTimeout(TIMEOUT_MILLIS);
        in = client.getInputStream();
        out = client.getOutputStream();
        return this;
    }

    /** Writes these bytes (UTF-8) at once, in one write: nothing is added, not even a '\n'. */
    FakeServer write(String text) throws IOException {
        return write(text.getBytes(StandardCharsets.UTF_8));
    }

    FakeServer write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** The next line from the client, without its '\n'; null at end of stream. */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /** Reads lines until this one; fails if the client closes or goes quiet for TIMEOUT_MILLIS first. */
    String expect(String expected) throws IOException {
        StringBuilder seen = new StringBuilder();
        try {
            for (String line; (line = readLine()) != null; ) {
                if (line.equals(expected)) {
                    return line;
                }
                seen.append(line).append('\n');
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the client never sent \"" + expected + "\"; it sent:\n" + seen, e);
        }
        throw new AssertionError("the client closed without sending \"" + expected + "\"; it sent:\n" + seen);
    }

    /**
     * Answers a LOGIN as the real server would, with a roster of just this user: what ChatUi
     * needs to show the chat screen.
     */
    FakeServer logIn(String name) throws IOException {
        readLine(); // LOGIN name password
        return write("Welcome to a fake chatsrv\nOK LOGIN " + name + "\nROSTER BEGIN 1\nROSTER USER " + name
                + "\nROSTER END 1 1\n");
    }

    @Override
    public void close() throws IOException {
        if (client != null) {
            client.close();
        }
        listener.close();
    }
}
