#!/usr/bin/python3
"""Sign-in storm for bench/run.sh (step `login`): keeps N sign-ins in flight at once.

Run with Debian's /usr/bin/python3 (stdlib only). Each of N asyncio clients loops:
open a TCP connection to 127.0.0.1:PORT, send one `POST /api/v1/session` with
{"email", "password"} (Connection: close), read the whole answer, record the
latency and the status, and start again at once. So N requests are in flight at
every moment except the few microseconds between an answer and the next send.

Bounded: stops starting new sign-ins when STOP_FILE appears, when --max-secs
have passed, or after --max-requests; then waits at most --drain-secs for the
ones in flight (those still open are counted as `unfinished`).

Stdout: one line "STORM <n>" once all N clients have sent their first request
(the caller starts its measurement then), and at the end one line of JSON with
the figures. The password is read from --password-file, never from argv.
"""

import argparse
import asyncio
import json
import os
import sys
import time


def pct(sorted_vals, p):
    if not sorted_vals:
        return None
    k = max(0, min(len(sorted_vals) - 1, int(round(p / 100 * len(sorted_vals) + 0.5)) - 1))
    return sorted_vals[k]


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--email", required=True)
    ap.add_argument("--password-file", required=True)
    ap.add_argument("--concurrency", type=int, default=200)
    ap.add_argument("--stop-file", required=True)
    ap.add_argument("--max-secs", type=float, default=120)
    ap.add_argument("--max-requests", type=int, default=20000)
    ap.add_argument("--drain-secs", type=float, default=90)
    ap.add_argument("--timeout", type=float, default=120, help="per sign-in")
    ap.add_argument("--wrong-every", type=int, default=0,
                    help="every Nth sign-in: a wrong password for an address without an account")
    ap.add_argument("--probe-source", default="",
                    help="also sign in with the right password from this loopback address, one at a time")
    ap.add_argument("--probe-email", default="",
                    help="the probe's account (default: --email); its password is the same file's")
    args = ap.parse_args()

    with open(args.password_file) as f:
        password = f.read().rstrip("\n")
    def make_req(email, pw):
        body = json.dumps({"email": email, "password": pw}).encode()
        return (
            f"POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1:{args.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            f"User-Agent: huisclos-bench-login-storm\r\nConnection: close\r\n\r\n"
        ).encode() + body

    req = make_req(args.email, password)
    probe_req = make_req(args.probe_email or args.email, password)

    t_start = time.monotonic()
    stop = asyncio.Event()
    state = {"inflight": 0, "started": 0, "first_sent": 0}
    results = []          # (t_sent_rel, latency_s, status)
    errors = {}
    all_sent = asyncio.Event()

    def want_more():
        return (not stop.is_set() and state["started"] < args.max_requests
                and time.monotonic() - t_start < args.max_secs)

    async def one(first):
        t0 = time.monotonic()
        state["started"] += 1
        writer = None
        wrong = args.wrong_every > 0 and state["started"] % args.wrong_every == 0
        this_req = make_req(f"storm{state['started']}@unknown.example", "not the password 1") if wrong else req
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", args.port)
            writer.write(this_req)
            await writer.drain()
            state["inflight"] += 1
            if first:
                state["first_sent"] += 1
                if state["first_sent"] == args.concurrency:
                    all_sent.set()
            try:
                head = await asyncio.wait_for(reader.readline(), args.timeout)
                rest = await asyncio.wait_for(reader.read(), args.timeout)
            finally:
                state["inflight"] -= 1
            parts = head.split()
            status = int(parts[1]) if len(parts) >= 2 and parts[1].isdigit() else 0
            if status == 200 and b'"token"' not in rest:
                status = -200  # a 200 without a token: should never happen
            if wrong:
                status = f"wrong:{status}"
            results.append((t0 - t_start, time.monotonic() - t0, status))
        except Exception as e:  # noqa: BLE001 (counted and reported)
            name = type(e).__name__
            errors[name] = errors.get(name, 0) + 1
            if first and not all_sent.is_set():
                state["first_sent"] += 1
                if state["first_sent"] == args.concurrency:
                    all_sent.set()
        finally:
            if writer is not None:
                writer.close()

    async def client():
        first = True
        while want_more() or first:
            await one(first)
            first = False

    async def watch_stop():
        while not stop.is_set():
            if os.path.exists(args.stop_file) or time.monotonic() - t_start >= args.max_secs:
                stop.set()
                break
            await asyncio.sleep(0.05)

    samples = []          # in flight, every 50 ms between "STORM" and stop

    async def sampler():
        await all_sent.wait()
        while not stop.is_set():
            samples.append(state["inflight"])
            await asyncio.sleep(0.05)

    probes = []           # (latency_s, status) of the right sign-ins from --probe-source

    async def prober():
        await all_sent.wait()
        while not stop.is_set():
            t0 = time.monotonic()
            status = 0
            writer = None
            try:
                reader, writer = await asyncio.open_connection(
                    "127.0.0.1", args.port, local_addr=(args.probe_source, 0))
                writer.write(probe_req)
                await writer.drain()
                head = await asyncio.wait_for(reader.readline(), args.timeout)
                await asyncio.wait_for(reader.read(), args.timeout)
                parts = head.split()
                status = int(parts[1]) if len(parts) >= 2 and parts[1].isdigit() else 0
            except Exception:  # noqa: BLE001 (counted as status 0)
                status = 0
            finally:
                if writer is not None:
                    writer.close()
            probes.append((time.monotonic() - t0, status))
            await asyncio.sleep(0.25)

    tasks = [asyncio.ensure_future(client()) for _ in range(args.concurrency)]
    prob = asyncio.ensure_future(prober()) if args.probe_source else None
    watcher = asyncio.ensure_future(watch_stop())
    samp = asyncio.ensure_future(sampler())
    waiter = asyncio.ensure_future(all_sent.wait())
    await asyncio.wait([waiter, watcher], return_when=asyncio.FIRST_COMPLETED)
    t_storm = time.monotonic()
    print(f"STORM {state['inflight']}", flush=True)
    await watcher
    t_stop = time.monotonic()
    done, pending = await asyncio.wait(tasks, timeout=args.drain_secs)
    unfinished = state["inflight"]
    for t in pending:
        t.cancel()
    samp.cancel()
    if prob is not None:
        await asyncio.wait([prob], timeout=args.timeout)

    lat = sorted(r[1] * 1000 for r in results if r[2] == 200)
    statuses = {}
    for r in results:
        statuses[str(r[2])] = statuses.get(str(r[2]), 0) + 1
    # Sign-ins started and answered inside the storm window (between STORM and stop).
    inside = [r for r in results if t_storm - t_start <= r[0] and r[0] + r[1] <= t_stop - t_start]
    s = sorted(samples)
    plat = sorted(p[0] * 1000 for p in probes if p[1] == 200)
    pstat = {}
    for p in probes:
        pstat[str(p[1])] = pstat.get(str(p[1]), 0) + 1
    out = {
        "concurrency": args.concurrency,
        "ramp_s": round(t_storm - t_start, 2),
        "storm_s": round(t_stop - t_storm, 2),
        "drain_s": round(time.monotonic() - t_stop, 2),
        "started": state["started"],
        "answered": len(results),
        "ok": len(lat),
        "statuses": statuses,
        "errors": errors,
        "unfinished": unfinished,
        "ok_per_s_in_storm": round(sum(1 for r in inside if r[2] == 200) / max(t_stop - t_storm, 1e-9), 1),
        "lat_ms": {k: (round(v, 1) if v is not None else None) for k, v in {
            "min": lat[0] if lat else None, "p50": pct(lat, 50), "p90": pct(lat, 90),
            "p99": pct(lat, 99), "max": lat[-1] if lat else None}.items()},
        "inflight": {"samples": len(s), "min": s[0] if s else None, "p50": pct(s, 50),
                     "max": s[-1] if s else None},
        "wrong_every": args.wrong_every,
        "probe": {"source": args.probe_source, "n": len(probes), "statuses": pstat,
                  "lat_ms": {k: (round(v, 1) if v is not None else None) for k, v in {
                      "p50": pct(plat, 50), "p99": pct(plat, 99),
                      "max": plat[-1] if plat else None}.items()}},
    }
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(130)
