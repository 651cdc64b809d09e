"""Run a command on a pseudo-terminal and play a script against it, as a person would type.

    pty_drive.py SCRIPT_JSON -- COMMAND [ARGS...]

SCRIPT_JSON is a list of steps:
  ["expect", TEXT]   wait (up to 60 s) until TEXT appears in the output after the last match
  ["send", TEXT]     type TEXT ("\\u0003" is Ctrl-C: the terminal sends SIGINT to the command)
  ["sleep", SECONDS]

Prints the whole transcript on stdout and exits with the command's exit code (128 + N when a
signal N ended it), or 99 when an expected text did not come (the transcript tells why).
Standard library only, so it runs with any Python 3.
"""

import json
import os
import pty
import select
import sys
import time


def main() -> int:
    script = json.loads(sys.argv[1])
    command = sys.argv[sys.argv.index("--") + 1 :]
    pid, master = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    transcript = b""
    searched_from = 0

    def read(timeout: float) -> bool:
        """Reads what is there; False at the end of output."""
        nonlocal transcript
        ready, _, _ = select.select([master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the command closed the terminal
            return False
        transcript += chunk
        return bool(chunk)

    open_ = True
    for step, argument in script:
        if step == "expect":
            deadline = time.monotonic() + 60
            needle = argument.encode()
            while open_ and needle not in transcript[searched_from:]:
                if time.monotonic() > deadline:
                    break
                open_ = read(0.1)
            found = transcript.find(needle, searched_from)
            if found < 0:
                sys.stdout.write(transcript.decode(errors="replace"))
                sys.stdout.write(f"\n[pty_drive: {argument!r} did not appear]\n")
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                return 99
            searched_from = found + len(needle)
        elif step == "send":
            try:
                os.write(master, argument.encode())
            except OSError:
                pass  # the command has ended; its exit code tells
        elif step == "sleep":
            end = time.monotonic() + argument
            while open_ and time.monotonic() < end:
                open_ = read(0.05)
    deadline = time.monotonic() + 120
    while open_ and time.monotonic() < deadline:
        open_ = read(0.1)
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(transcript.decode(errors="replace"))
    if os.WIFSIGNALED(status):
        sys.stdout.write(f"\n[pty_drive: ended by signal {os.WTERMSIG(status)}]\n")
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


if __name__ == "__main__":
    sys.exit(main())
