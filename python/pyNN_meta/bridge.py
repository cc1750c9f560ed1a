"""
The client side of ``meta serve``: starts one Meta process per Python process, sends JSON-lines requests and reads
the responses. NumPy arrays travel as .npy files in the server's private folder. Errors come back as PyNN's exception
types carrying Meta's message (``meta_type`` holds Meta's exception type).
"""

import atexit
import itertools
import json
import os
import shutil
import subprocess

import numpy as np
from pyNN import errors

_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class MetaError(RuntimeError):
    """An error of Meta that PyNN has no type for."""


class NotSupportedByBackendError(NotImplementedError):
    """A feature the chosen Meta backend does not provide."""


class SimulationDivergedError(ArithmeticError):
    """A state of the simulation became NaN, infinite or ran away."""


class ProtocolError(RuntimeError):
    """A request the server did not understand (a bug of this package)."""


def _nonexistent(message, detail):
    detail = detail or {}
    valid = message.split("are: ", 1)[1].rstrip(")").split(", ") if "are: " in message else ["unknown"]
    return errors.NonExistentParameterError(detail.get("name", message), detail.get("model", "?"), valid)


def _plain(cls):
    return lambda message, detail: cls(message)


def _WithMessage(cls, message):
    """An instance of PyNN's ``cls`` whose text is Meta's message, whatever ``cls``'s constructor expects."""
    sub = type(cls.__name__, (cls,), {"__init__": lambda self, m: Exception.__init__(self, m),
                                      "__str__": lambda self: self.args[0]})
    sub.__module__ = cls.__module__
    sub.__qualname__ = cls.__qualname__
    return sub(message)


_ERRORS = {
    "NonExistentParameterException": _nonexistent,
    "InvalidParameterValueException": _plain(errors.InvalidParameterValueError),
    "InvalidDimensionsException": _plain(errors.InvalidDimensionsError),
    "ConnectionException": _plain(errors.ConnectionError),
    "RecordingException": lambda m, d: _WithMessage(errors.RecordingError, m),
    "InvalidModelException": _plain(errors.InvalidModelError),
    "NoModelAvailableException": _plain(errors.NoModelAvailableError),
    "NotSupportedByBackendException": _plain(NotSupportedByBackendError),
    "BackendNotFoundException": _plain(errors.InvalidParameterValueError),
    "SimulationDivergedException": _plain(SimulationDivergedError),
    "IndexOutOfRangeException": _plain(IndexError),
    "ArgumentException": _plain(ValueError),
    "ArgumentOutOfRangeException": _plain(ValueError),
    "KeyNotFoundException": _plain(KeyError),
    "ServeProtocolException": _plain(ProtocolError),
}


def to_exception(error):
    """PyNN's exception for a server error ``{"type", "message"}``."""
    make = _ERRORS.get(error["type"], _plain(MetaError))
    e = make(error["message"], error.get("detail"))
    e.meta_type = error["type"]
    return e


def find_cli():
    """The command that starts Meta: META_CLI (a Meta.Cli.dll or an executable), else this repository's build."""
    given = os.environ.get("META_CLI")
    candidates = [given] if given else [
        os.path.join(_REPO, "Cli", "bin", config, "net10.0", "Meta.Cli.dll") for config in ("Release", "Debug")]
    for path in candidates:
        if path and os.path.exists(path):
            return ["dotnet", path] if path.endswith(".dll") else [path]
    raise MetaError("Meta's command line was not found (looked for %s); build it with 'dotnet build Cli -c Release' "
                    "in the repository or set META_CLI to Meta.Cli.dll." % ", ".join(c for c in candidates if c))


class Server(object):
    """One ``meta serve`` process."""

    def __init__(self):
        self._ids = itertools.count(1)
        self._files = itertools.count(1)
        self.process = subprocess.Popen(find_cli() + ["serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        universal_newlines=True, bufsize=1)
        line = self.process.stdout.readline()
        if not line:
            raise MetaError("'meta serve' exited before it was ready (exit code %s)" % self.process.wait())
        hello = json.loads(line)
        self.workdir = hello["workdir"]
        self.backends = hello["backends"]
        self.version = hello["meta"]

    def call(self, cmd, **fields):
        """Sends one request and returns its result, arrays as NumPy arrays; raises PyNN's exception on an error."""
        request = {"id": next(self._ids), "cmd": cmd}
        written = []
        for key, value in fields.items():
            request[key] = self._encode(value, written)
        try:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
            line = self.process.stdout.readline()
            while line and json.loads(line).get("id") != request["id"]:
                line = self.process.stdout.readline()  # the answer to a request that was interrupted
        except BaseException:
            self.kill()  # interrupted half-way (Ctrl-C, a timeout): the next call starts a fresh server
            raise
        finally:
            for path in written:
                if os.path.exists(path):
                    os.remove(path)
        if not line:
            raise MetaError("'meta serve' stopped (exit code %s) while handling '%s'" % (self.process.wait(), cmd))
        response = json.loads(line)
        if not response["ok"]:
            raise to_exception(response["error"])
        return self._decode(response["result"])

    def _encode(self, value, written):
        if isinstance(value, np.ndarray):
            path = os.path.join(self.workdir, "in-%d.npy" % next(self._files))
            array = np.ascontiguousarray(value, dtype=np.int64 if value.dtype.kind in "iub" else np.float64)
            np.save(path, array.ravel())
            written.append(path)
            return {"npy": path}
        if isinstance(value, dict):
            return {k: self._encode(v, written) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self._encode(v, written) for v in value]
        if isinstance(value, (np.floating, np.integer)):
            return value.item()
        if isinstance(value, float) and not np.isfinite(value):
            return "nan" if np.isnan(value) else ("inf" if value > 0 else "-inf")
        return value

    def _decode(self, value):
        if isinstance(value, dict):
            if set(value) == {"npy"}:
                array = np.load(value["npy"])
                os.remove(value["npy"])
                return array
            return {k: self._decode(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._decode(v) for v in value]
        return value

    def kill(self):
        self.process.kill()
        self.process.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def close(self):
        if self.process.poll() is None:
            try:
                self.process.stdin.write(json.dumps({"id": 0, "cmd": "quit"}) + "\n")
                self.process.stdin.close()
                self.process.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
        shutil.rmtree(self.workdir, ignore_errors=True)


_server = None


def server():
    """The process's Meta server, started at first use."""
    global _server
    if _server is None or _server.process.poll() is not None:
        _server = Server()
    return _server


@atexit.register
def _close():
    if _server is not None:
        _server.close()
