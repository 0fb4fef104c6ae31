package chatbench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A server for StartupTest, started as a process of its own: waits {@code --delay} milliseconds
 * (a slow start, such as a JVM's), then listens on {@code --port} and greets every client with
 * one line, or with {@code --silent} never sends anything, like the early steps. It runs until
 * it is stopped.
 */
public final class ListenLater {
    private ListenLater() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        int port = 0;
        long delay = 0;
        boolean silent = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--delay" -> delay = Long.parseLong(args[++i]);
                case "--silent" -> silent = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Thread.sleep(delay);
        List<Socket> clients = new ArrayList<>();              // held open until the process ends
        try (ServerSocket listener = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            while (true) {
                Socket client = listener.accept();
                clients.add(client);
                if (!silent) {
                    client.getOutputStream().write("Welcome\n".getBytes(StandardCharsets.US_ASCII));
                }
            }
        }
    }
}
