#!/usr/bin/env python3
"""Cuts the output of `strace -f` on a JVM down to what a server does with its sockets.

usage: notes/trace-filter.py [--probes] [--also CALLS] [--thread NAMES] [--verbatim] RAW_STRACE_FILE

notes/trace-step runs it for you; run it by hand on any file written by `strace -f -o FILE`
(with or without -tt). It keeps:

  - the calls that create sockets, epoll instances and eventfds (socket, socketpair, accept,
    accept4, epoll_create1, eventfd2) and remembers the descriptors they return;
  - every call on a remembered descriptor (setsockopt, bind, listen, read, write, close,
    epoll_ctl, epoll_wait, fcntl, shutdown, ...); a close() makes the number free again, so a
    later open() of a jar or of /proc that gets the same number is not shown;
  - read(0, ...) and write(1, ...) / write(2, ...): the keyboard and the server's log;
  - SIGTERM / SIGINT / SIGPIPE / SIGHUP and the exit of the process;
  - every call named with --also (no fd check), e.g. --also openat,readlink.
With --thread main (or a comma-separated list of thread names) only those threads' lines are
kept, and the process's signals and exit.

It drops everything else: class loading, mmap, futex, the JVM's own threads.

The JDK and glibc open a few short-lived sockets at start-up to find out what the system can
do (is there IPv6? SO_REUSEPORT? TCP_KEEPIDLE?; glibc asks nscd over an AF_UNIX socket). A
socket closed again before the program used it (no bind, connect, accept, read, write,
epoll_ctl) and before the program wrote a log line is such a probe: it is hidden, and
counted on stderr. --probes shows them.

Lines are compacted: the thread is a name instead of a number ("main" is the thread that runs
Java's main(); other names are the ones the JVM gave its threads with prctl(PR_SET_NAME)),
strace's column padding is removed, "<unfinished ...>" and "<... resumed>" are joined into
one line placed where the call returned, and an epoll event's data is shown as its u32 only
(the JDK stores the fd there and leaves the upper half of the u64 undefined). --verbatim keeps
strace's text of each call as it was.
"""
import re
import sys

CREATE = {"socket", "socketpair", "accept", "accept4", "epoll_create", "epoll_create1",
          "eventfd", "eventfd2"}
# calls whose first argument is a descriptor
FD_FIRST = {"setsockopt", "getsockopt", "bind", "listen", "connect", "getsockname", "getpeername",
            "read", "write", "readv", "writev", "pread64", "pwrite64", "recvfrom", "sendto",
            "recvmsg", "sendmsg", "recvmmsg", "sendmmsg", "close", "shutdown", "fcntl", "ioctl",
            "epoll_ctl", "epoll_wait", "epoll_pwait", "epoll_pwait2", "dup", "dup2", "dup3",
            "accept", "accept4", "sendfile"}
POLL = {"poll", "ppoll"}
# what counts as the program using a socket (anything else on it, a probe may do too)
USE = {"bind", "listen", "connect", "accept", "accept4", "read", "write", "readv", "writev",
       "recvfrom", "sendto", "recvmsg", "sendmsg", "shutdown", "epoll_ctl", "poll", "ppoll"}
SIGNALS = {"SIGTERM", "SIGINT", "SIGPIPE", "SIGHUP", "SIGKILL", "SIGQUIT"}

LINE = re.compile(r"^(\d+)\s+(?:(\d\d:\d\d:\d\d(?:\.\d+)?)\s+)?(.*)$")
CALL = re.compile(r"^(\w+)\((.*)\)\s+= (.*)$", re.S)
UNFINISHED = re.compile(r"^(.*?) ?<unfinished \.\.\.>$")
RESUMED = re.compile(r"^<\.\.\. (\w+) resumed>(.*)$")
FD_ARG = re.compile(r"^(-?\d+)(?:<[^>]*?(?:\[[^\]]*\])?>)?")  # 5 or, with strace -y, 5<socket:[123]>
EPOLL_DATA = re.compile(r"data=\{u32=(\d+), u64=\d+\}")


class Event:
    __slots__ = ("tid", "time", "name", "args", "result", "text", "kind", "fds", "inst")

    def __init__(self, tid, time, kind, text, name=None, args="", result=""):
        self.tid, self.time, self.kind, self.text = tid, time, kind, text
        self.name, self.args, self.result = name, args, result
        self.fds = []     # descriptors this call works on
        self.inst = None  # the socket instance (for probe hiding) this event belongs to


def first_fd(args):
    m = FD_ARG.match(args)
    return int(m.group(1)) if m else None


def ret_int(result):
    m = re.match(r"^(-?\d+)", result)
    return int(m.group(1)) if m else None


def parse(path):
    """Reads strace -f output, joins unfinished/resumed pairs, returns events in completion order."""
    pending = {}
    events = []
    with open(path, errors="replace") as f:
        for raw in f:
            raw = raw.rstrip("\n")
            m = LINE.match(raw)
            if not m:
                continue
            tid, time, rest = int(m.group(1)), m.group(2), m.group(3)
            if rest.startswith("---"):
                events.append(Event(tid, time, "signal", rest))
                continue
            if rest.startswith("+++"):
                events.append(Event(tid, time, "exit", rest))
                continue
            u = UNFINISHED.match(rest)
            if u:
                pending[tid] = (time, u.group(1))
                continue
            r = RESUMED.match(rest)
            if r:
                start = pending.pop(tid, None)
                if start is None:
                    continue
                tail = r.group(2)
                if tail.startswith(" <unfinished ...>"):  # the process ended during the call
                    tail = "<unfinished ...>" + tail[len(" <unfinished ...>"):]
                time, rest = start[0], start[1] + tail
            c = CALL.match(rest)
            if c:
                events.append(Event(tid, time, "call", rest, c.group(1), c.group(2), c.group(3)))
            elif rest.endswith("= ?"):  # killed in the middle of a call
                name = rest.split("(", 1)[0]
                events.append(Event(tid, time, "call", rest, name, rest[len(name) + 1:], "?"))
    return events


def thread_names(events):
    names = {}
    leader = events[0].tid if events else None
    main_found = False
    for e in events:
        if e.kind != "call":
            continue
        if not main_found and e.tid == leader and e.name in ("clone", "clone3"):
            child = ret_int(e.result)
            if child and child > 0:
                names[child] = "main"
                main_found = True
        elif e.name == "prctl" and "PR_SET_NAME" in e.args and e.tid not in names:
            m = re.search(r'PR_SET_NAME, "([^"]*)"', e.args)
            if m:
                names[e.tid] = m.group(1)
    return leader, names


def track(events, also):
    """Marks each event with the descriptors it concerns, and whether it is to be shown."""
    tracked = {}      # fd -> (kind, instance id)
    instances = {}    # id -> {"family", "used", "closed", "events"}
    shown = []
    next_id = 0

    def new_instance(kind, family):
        nonlocal next_id
        next_id += 1
        instances[next_id] = {"kind": kind, "family": family, "used": False, "closed": 0, "n": 0}
        return next_id

    for e in events:
        if e.kind == "signal":
            sig = e.text.split()[1] if len(e.text.split()) > 1 else ""
            if sig in SIGNALS:
                shown.append(e)
            continue
        if e.kind == "exit":
            shown.append(e)
            continue
        name, args = e.name, e.args
        if name in also:
            shown.append(e)
            continue
        fd = first_fd(args) if name in FD_FIRST else None
        show = False

        if name in ("read",) and fd == 0 or name in ("write", "writev") and fd in (1, 2):
            show = True
            # the program wrote a log line (or read the keyboard): every socket open now is a real one
            for kind, inst in tracked.values():
                instances[inst]["used"] = True
        elif name in POLL:
            polled = [int(x) for x in re.findall(r"fd=(\d+)", args)]
            hit = [tracked[p][1] for p in polled if p in tracked]
            if hit:
                show = True
                for inst in hit:
                    instances[inst]["used"] = True
                e.inst = hit[0]
        elif fd is not None and fd in tracked:
            kind, inst = tracked[fd]
            show = True
            e.inst = inst
            if name in USE and not (name == "connect" and e.result.startswith("-1") and "EINPROGRESS" not in e.result):
                instances[inst]["used"] = True
            if name == "epoll_ctl":
                target = re.match(r"^\S+, \w+, (\d+)", args)
                if target and int(target.group(1)) in tracked:
                    instances[tracked[int(target.group(1))][1]]["used"] = True
            if name == "close":
                del tracked[fd]
                instances[inst]["closed"] += 1
            elif name in ("dup", "dup2", "dup3") or name == "fcntl" and "F_DUPFD" in args:
                new = ret_int(e.result)
                if new is not None and new >= 0:
                    tracked[new] = (kind, inst)
        elif fd is not None and name in ("dup2", "dup3"):
            new = ret_int(e.result)
            tracked.pop(new, None)  # now a copy of something we do not follow

        if name in CREATE:
            ret = ret_int(e.result)
            if name == "socketpair":
                pair = re.search(r"\[(\d+), (\d+)\]", args)
                if pair and e.result.startswith("0"):
                    inst = new_instance("socket", args.split(",")[0])
                    for p in pair.groups():
                        tracked[int(p)] = ("socket", inst)
                    instances[inst]["fds"] = 2
                    e.inst = inst
                show = True
            elif name in ("accept", "accept4"):
                if ret is not None and ret >= 0:
                    inst = new_instance("socket", "accepted")
                    tracked[ret] = ("socket", inst)
                    instances[inst]["used"] = True
            else:
                kind = "socket" if name == "socket" else "epoll" if name.startswith("epoll") else "eventfd"
                show = True
                if ret is not None and ret >= 0:
                    inst = new_instance(kind, args.split(",")[0])
                    tracked[ret] = (kind, inst)
                    if kind != "socket":
                        instances[inst]["used"] = True
                    e.inst = inst
        if show:
            shown.append(e)

    # a socket that is still open at the end is a real one
    for kind, inst in tracked.values():
        instances[inst]["used"] = True
    return shown, instances


def compact(e, verbatim):
    text = e.text
    if e.kind != "call" or verbatim:
        return re.sub(r"\)\s{2,}= ", ") = ", text)
    text = re.sub(r"\)\s+= ", ") = ", text)
    text = EPOLL_DATA.sub(r"data={u32=\1}", text)
    return text


def main(argv):
    probes = verbatim = False
    also = set()
    threads = set()
    files = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--probes":
            probes = True
        elif a == "--verbatim":
            verbatim = True
        elif a == "--thread":
            i += 1
            threads |= {s for s in argv[i].split(",") if s}
        elif a == "--also":
            i += 1
            also |= {s for s in argv[i].split(",") if s}
        elif a in ("-h", "--help"):
            print(__doc__.strip())
            return 0
        else:
            files.append(a)
        i += 1
    if len(files) != 1:
        print("usage: trace-filter.py [--probes] [--also CALLS] [--thread NAMES] [--verbatim] RAW_STRACE_FILE", file=sys.stderr)
        return 2

    events = parse(files[0])
    leader, names = thread_names(events)
    shown, instances = track(events, also)

    hidden = {i for i, v in instances.items() if not v["used"]} if not probes else set()
    out = [e for e in shown if e.inst not in hidden
           and not (e.kind == "exit" and e.tid != leader)
           and (not threads or e.tid == leader or names.get(e.tid, str(e.tid)) in threads)]
    width = max([len(names.get(e.tid, str(e.tid))) for e in out] + [4])
    for e in out:
        who = names.get(e.tid, str(e.tid))
        time = (e.time + " ") if e.time else ""
        print(f"{who:<{width}} {time}{compact(e, verbatim)}")

    sys.stdout.flush()
    if hidden:
        fams = {}
        for i in hidden:
            fams[instances[i]["family"]] = fams.get(instances[i]["family"], 0) + 1
        what = ", ".join(f"{n} {f}" for f, n in sorted(fams.items()))
        print(f"# hidden: {len(hidden)} probe sockets opened and closed unused at start-up ({what}); --probes shows them",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
