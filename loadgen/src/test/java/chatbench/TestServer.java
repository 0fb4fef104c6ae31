package chatbench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny chat server for the end-to-end tests, on 127.0.0.1 and a free port: greets each client,
 * then sends every line to every client (or, as an echo server, back to its sender only), with
 * the sender's address in front as step08 does. A thread per client and one lock around all
 * writes: easy to trust, which is what a test's server needs to be. It stops when closed, and
 * its threads are daemons, so a test that fails cannot leave it running.
 */
final class TestServer implements AutoCloseable {
    private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final boolean echo;
    private final int maxClients;
    private final List<Socket> clients = new ArrayList<>();   // guarded by itself

    TestServer(boolean echo) throws IOException {
        this(echo, Integer.MAX_VALUE);
    }

    /** One that tells client number maxClients + 1 that it is full, and closes. */
    TestServer(boolean echo, int maxClients) throws IOException {
        this.echo = echo;
        this.maxClients = maxClients;
        daemon(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                daemon(() -> serve(client));
            } catch (IOException e) {
                return;                 // closed
            }
        }
    }

    private void serve(Socket client) {
        String prefix = client.getInetAddress().getHostAddress() + ":" + client.getPort() + ": ";
        try (client; BufferedReader in = new BufferedReader(
                new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
            synchronized (clients) {
                if (clients.size() >= maxClients) {
                    write(client, "Server full, try again later\n");
                    return;
                }
                write(client, "Welcome to the test server\n");
                clients.add(client);
            }
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String delivered = prefix + line + "\n";
                synchronized (clients) {           // one line reaches everyone before the next starts
                    for (Socket to : echo ? List.of(client) : clients) {
                        write(to, delivered);
                    }
                }
            }
        } catch (IOException e) {
            // the client went away
        } finally {
            synchronized (clients) {
                clients.remove(client);
            }
        }
    }

    private static void write(Socket to, String line) {
        try {
            OutputStream out = to.getOutputStream();
            out.write(line.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // that client is gone; its own thread cleans up
        }
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "test-server");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        synchronized (clients) {
            for (Socket c : clients) {
                c.close();
            }
        }
    }
}
