package chatsrv;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;

/**
 * The chat client: one thread and one Selector over two inputs, the server's socket and the
 * keyboard, like the select()/poll() client of the C course.
 *
 * <p>System.in cannot be registered with a Selector: it is not a SelectableChannel, and no
 * Java API makes it non-blocking. So one small thread does nothing but block on System.in and
 * copy what it reads into a Pipe; the pipe's other end is a selectable channel, and the loop
 * watches it next to the socket.
 */
public final class ChatClient {
    static final String HELP = """
            Usage: chat [OPTIONS]      (or: java -cp step12-tui.jar chatsrv.ChatClient [OPTIONS])
            Connects to chatsrv: prints what everyone says and sends what you type, line by line.

                  --host H   the server's address (default: 127.0.0.1)
              -p, --port N   the server's port (default: 3100)
              -h, --help     show this help and exit
            """;
    /** Cursor up one line, then erase it: the terminal already showed what was typed, the server will show it again. */
    private static final String ERASE_TYPED_LINE = "\033[1A\033[2K\r";

    private final String host;
    private final int port;
    private SocketChannel server;
    private Pipe.SourceChannel keyboard;
    private SelectionKey serverKey;
    private SelectionKey keyboardKey;
    private boolean terminal;
    private boolean lost;
    private final ByteBuffer incoming = ByteBuffer.allocate(64 * 1024);
    /** Typed bytes not yet taken by the socket. */
    private final ByteBuffer outgoing = ByteBuffer.allocate(64 * 1024).flip();

    private ChatClient(String host, int port) {
        this.host = host;
        this.port = port;
    }

    public static void main(String[] args) throws IOException {
        String host = "127.0.0.1";
        int port = 3100;
        try {
            Args a = new Args(args);
            while (a.hasNext()) {
                switch (a.next()) {
                    case "-h", "--help" -> {
                        System.out.print(HELP);
                        return;
                    }
                    case "--host" -> host = a.value();
                    case "-p", "--port" -> port = a.number(1, 65535);
                    default -> throw a.unknown();
                }
            }
        } catch (Args.UsageException e) {
            System.err.println("chat: " + e.getMessage() + " (try --help)");
            System.exit(2);
        }
        System.exit(new ChatClient(host, port).run());
    }

    private int run() throws IOException {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            System.err.printf("chat: cannot find the host '%s' (try --host 127.0.0.1)%n", host);
            return 1;
        }
        try {
            server = SocketChannel.open(address);
        } catch (ConnectException e) {
            System.err.printf("chat: cannot connect to %s:%d: %s. Is chatsrv running? Start it with ./chatsrv%n", host, port, e.getMessage());
            return 1;
        }
        Pipe pipe = Pipe.open();
        startCopying(System.in, pipe.sink());
        keyboard = pipe.source();

        Selector selector = Selector.open();
        server.configureBlocking(false);
        keyboard.configureBlocking(false);
        serverKey = server.register(selector, SelectionKey.OP_READ);
        keyboardKey = keyboard.register(selector, SelectionKey.OP_READ);
        terminal = System.console() != null;

        while (true) {
            selector.select(this::handle);
            if (!serverKey.isValid()) {
                return lost ? 1 : 0; // the server closed the connection, or it broke
            }
            // While typed bytes wait for the socket, stop reading the keyboard: we never hold more than one buffer.
            boolean waiting = outgoing.hasRemaining();
            serverKey.interestOps(SelectionKey.OP_READ | (waiting ? SelectionKey.OP_WRITE : 0));
            if (keyboardKey.isValid()) {
                keyboardKey.interestOps(waiting ? 0 : SelectionKey.OP_READ);
            }
        }
    }

    private void handle(SelectionKey key) {
        try {
            if (key == serverKey && key.isReadable()) {
                incoming.clear();
                if (server.read(incoming) < 0) {
                    serverKey.cancel(); // the server closed the connection: nothing more will come
                    return;
                }
                if (terminal) {
                    disarm(incoming);
                }
                System.out.write(incoming.array(), 0, incoming.position());
                System.out.flush();
            }
            if (key == serverKey && key.isValid() && key.isWritable()) {
                server.write(outgoing);
            }
            if (key == keyboardKey && key.isReadable()) {
                outgoing.clear();
                if (keyboard.read(outgoing) < 0) {
                    // End of input (Ctrl-D, or the end of a pipe): say so with FIN, and keep
                    // reading until the server, having sent what it owes us, closes.
                    keyboardKey.cancel();
                    outgoing.flip();
                    server.shutdownOutput();
                    return;
                }
                outgoing.flip();
                eraseTypedLines();
                server.write(outgoing);
            }
        } catch (IOException e) {
            System.err.println("chat: connection lost: " + e.getMessage());
            lost = true;
            serverKey.cancel();
        }
    }

    /**
     * The server passes on whatever bytes a client sends, escape sequences and carriage returns
     * included: printed as they are, they would let one user clear everyone's screen, or move
     * the cursor back over the sender's address and pose as someone else. In a terminal, each
     * control byte but '\n' and '\t' is shown as '?'.
     */
    static void disarm(ByteBuffer bytes) {
        for (int i = 0; i < bytes.position(); i++) {
            byte b = bytes.get(i);
            if (b >= 0 && b < 0x20 && b != '\n' && b != '\t' || b == 0x7f) {
                bytes.put(i, (byte) '?');
            }
        }
    }

    /** The terminal showed each line as it was typed; the server is about to show it again, with its sender. */
    private void eraseTypedLines() {
        if (!terminal) {
            return;
        }
        for (int i = outgoing.position(); i < outgoing.limit(); i++) {
            if (outgoing.get(i) == '\n') {
                System.out.print(ERASE_TYPED_LINE);
            }
        }
    }

    /** The one extra thread: copies stdin into the pipe, and closes the pipe at end of input. */
    private static void startCopying(InputStream in, Pipe.SinkChannel sink) {
        Thread copier = new Thread(() -> {
            try (WritableByteChannel to = sink) {
                in.transferTo(Channels.newOutputStream(to));
            } catch (IOException e) {
                // the pipe is gone (the process is exiting): nothing left to copy to
            }
        }, "stdin-to-pipe");
        copier.setDaemon(true);
        copier.start();
    }
}
