"""
Runs PyNN's system-test scenarios (test/system/scenarios of PyNN 0.10.1) against pyNN.meta and reports, per scenario,
pass, fail (an assertion of the scenario) or error (an exception), with the reason.

    python3 pynn_scenarios.py PYNN_TEST_SYSTEM_DIR [--only NAME ...] [--skip NAME ...] [--timeout S] [--json FILE]

PyNN drives them with nose and testconfig, which Debian does not package; the few names the scenarios import from
them (nose.tools.assert_*, nose.plugins.skip.SkipTest, testconfig.config) are provided here over unittest.
"""

import argparse
import json
import os
import signal
import sys
import time
import traceback
import types
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pynn_meta_hook  # noqa: E402,F401  (makes pyNN.meta importable)


def _install_nose_stand_ins():
    case = unittest.TestCase()
    case.maxDiff = None
    tools = types.ModuleType("nose.tools")
    for name in ("assert_equal", "assert_not_equal", "assert_true", "assert_false", "assert_almost_equal",
                 "assert_less", "assert_greater", "assert_less_equal", "assert_greater_equal", "assert_raises",
                 "assert_is_instance", "assert_in", "assert_not_in", "assert_is", "assert_is_none"):
        camel = "assert" + "".join(part.capitalize() for part in name.split("_")[1:])
        setattr(tools, name, getattr(case, camel.replace("Is_none", "IsNone")))
    skip = types.ModuleType("nose.plugins.skip")
    skip.SkipTest = unittest.SkipTest
    nose = types.ModuleType("nose")
    nose.tools = tools
    plugins = types.ModuleType("nose.plugins")
    plugins.skip = skip
    sys.modules.update({"nose": nose, "nose.tools": tools, "nose.plugins": plugins, "nose.plugins.skip": skip})
    testconfig = types.ModuleType("testconfig")
    testconfig.config = {}
    sys.modules["testconfig"] = testconfig


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("system_dir", help="PyNN's test/system folder (holding scenarios/)")
    parser.add_argument("--only", nargs="*", default=[], help="run only these scenarios")
    parser.add_argument("--skip", nargs="*", default=[], help="leave these scenarios out")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per scenario")
    parser.add_argument("--json", help="write the results to this file")
    args = parser.parse_args()

    _install_nose_stand_ins()
    sys.path.insert(0, os.path.abspath(args.system_dir))
    from scenarios.registry import registry  # noqa: E402
    import scenarios  # noqa: E402,F401  (registers them all)
    import pyNN.meta as sim

    results = []
    signal.signal(signal.SIGALRM, _alarm)
    for scenario in registry:
        name = scenario.__name__
        if (args.only and name not in args.only) or name in args.skip:
            continue
        start = time.time()
        signal.setitimer(signal.ITIMER_REAL, args.timeout)
        try:
            scenario(sim)
            outcome, reason = "pass", ""
        except unittest.SkipTest as e:
            outcome, reason = "skip", str(e)
        except AssertionError as e:
            outcome, reason = "fail", "%s: %s" % (_where(e), str(e).splitlines()[0] if str(e) else "assertion")
        except Timeout:
            outcome, reason = "timeout", "longer than %g s" % args.timeout
        except Exception as e:  # noqa: BLE001  (every error of a scenario is a result)
            outcome, reason = "error", "%s: %s: %s" % (_where(e), type(e).__name__, str(e).splitlines()[0] if str(e) else "")
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        results.append({"scenario": name, "module": scenario.__module__.split(".")[-1], "outcome": outcome,
                        "reason": reason[:400], "seconds": round(time.time() - start, 2)})
        print("%-7s %-50s %6.1fs %s" % (outcome, name, time.time() - start, reason[:200]), flush=True)
    counts = {k: sum(r["outcome"] == k for r in results) for k in ("pass", "fail", "error", "skip", "timeout")}
    print("summary: " + ", ".join("%d %s" % (v, k) for k, v in counts.items()))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"results": results, "counts": counts}, f, indent=1)


def _where(e):
    frames = [f for f in traceback.extract_tb(e.__traceback__) if "scenarios" in f.filename]
    f = frames[-1] if frames else traceback.extract_tb(e.__traceback__)[-1]
    return "%s:%d" % (os.path.basename(f.filename), f.lineno)


if __name__ == "__main__":
    main()
