#!/usr/bin/env python3
"""Peak memory of a command: runs it, samples its VmRSS/VmHWM every 20 ms from /proc, and takes the wait4 maximum
resident size (which covers children, e.g. Brian2's generated binary). Writes the samples and output to OUT.json and
prints rc, wall_s, peak_hwm_mb (the process itself) and maxrss_incl_children_mb, all in MiB.

usage: peak-rss.py OUT.json -- command [args...]
"""
import json
import os
import subprocess
import sys
import threading
import time

out = sys.argv[1]
cmd = sys.argv[sys.argv.index('--') + 1:]
t0 = time.time()
p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
samples = []


def read(pid):
    try:
        with open(f'/proc/{pid}/status') as f:
            d = {}
            for line in f:
                if line.startswith(('VmRSS', 'VmHWM')):
                    k, v = line.split(':')
                    d[k] = int(v.split()[0]) / 1024
            return d
    except OSError:
        return None


chunks = []
reader = threading.Thread(target=lambda: chunks.append(p.stdout.read()))
reader.start()
while True:
    pid, status, ru = os.wait4(p.pid, os.WNOHANG)
    if pid == p.pid:
        break
    d = read(p.pid)
    if d and 'VmRSS' in d:
        samples.append((round(time.time() - t0, 3), round(d['VmRSS'], 1), round(d['VmHWM'], 1)))
    time.sleep(0.02)
reader.join()
res = {'cmd': cmd, 'rc': os.waitstatus_to_exitcode(status), 'wall_s': round(time.time() - t0, 2),
       'peak_hwm_mb': max((s[2] for s in samples), default=None), 'maxrss_incl_children_mb': round(ru.ru_maxrss / 1024, 1),
       'samples': samples, 'output_tail': b''.join(chunks).decode(errors='replace')[-2000:]}
with open(out, 'w') as f:
    json.dump(res, f)
print(json.dumps({k: res[k] for k in ('rc', 'wall_s', 'peak_hwm_mb', 'maxrss_incl_children_mb')}))
