"""Reads and writes each path given as KIND:PATH (KIND d for a directory, f for a file) and
prints one JSON object per path: {"path", "read", "write"}.

read is "ok:" and the content (of the file; of the file `secret` in the directory, after
listing the directory), or the name of the errno that stopped it. write is "ok", or the errno's
name: a line appended to the file, or a file `planted` created in the directory."""
import errno
import json
import os
import sys


def attempt(action):
    try:
        return action()
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))


def read(kind, path):
    if kind == "d":
        os.listdir(path)
        path = os.path.join(path, "secret")
    with open(path) as f:
        return "ok:" + f.read()


def write(kind, path):
    if kind == "d":
        path = os.path.join(path, "planted")
    with open(path, "a") as f:
        f.write("planted\n")
    return "ok"


for arg in sys.argv[1:]:
    kind, path = arg.split(":", 1)
    result = {
        "path": path,
        "read": attempt(lambda: read(kind, path)),
        "write": attempt(lambda: write(kind, path)),
    }
    print(json.dumps(result))
