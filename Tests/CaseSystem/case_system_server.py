#!/usr/bin/env python3
"""A municipality's case systems over HTTP(S), for bilag's `http` connector tests.

Its API is deliberately *not* shaped like bilag's `files` case data, so the connector's mapping is exercised:

  health (referrals):
    GET  /api/v2/citizens/{cpr}/referrals?clinic=CVR  -> {"data": {"referrals": [ {referralNo, patient:{cpr},
                                                          clinic:{cvr}, certificate:{code}, state, journal:{caseRef},
                                                          orderedOn} ]}}; 404 {"message"} for an unknown citizen
    POST /api/v2/referrals/{id}/invoicing  {"invoice": {"number", "amount"}}  (Idempotency-Key) -> 201, 404 unknown
  benefits (housing benefit):
    POST /rest/housing-benefit/search  {"person": CPR, "lease": TENANCY} -> {"hits": [ {sag:{nr}, borger, lejemaal,
                                                          udlejer:{cvr}, tilstand, huslejeAdministreret} ]}
    POST /rest/housing-benefit/cases/{nr}/deductions  {...}  (X-Request-Id) -> 200
    POST /rest/housing-benefit/cases/{nr}/deductions/reversal  {...}  (X-Request-Id, Compensates-Key) -> 200 (also
                                                          when there was nothing to reverse: a Compensates-Key never
                                                          applied reverses nothing)
    POST /rest/housing-benefit/cases/{nr}/notes  {...}  (X-Request-Id) -> 200

Data comes from a bilag `casedata/` folder (health/orders.json, benefits/rent-cases.json), translated.
Writes are applied once per idempotency key (a repeat answers 409). Control, for the tests:
    POST /__faults  ["500", "503:2", "429:1", "hang:5", "reset", "truncate", "drop", "missing:FIELD", "wrong:FIELD",
                     "empty", "404"]  -> the next requests (one fault each, in order) misbehave so;
                     a fault written "write:FAULT" waits for the next write (a lookup asked ahead passes it by)
    GET  /__stats   -> {"requests": n, "applied": {key: times}, "writes": n, "paths": [...], "bodies": [the writes' JSON bodies], "in_flight": n,
                        "peak_in_flight": n (the most requests open at once since the last reset), "lookups": n,
                        "connections": n (TCP connections accepted), "peak_writes_in_flight": n (the most writes open at once),
                        "deducted": {invoice number: deductions in force}, "order": [keys in the order applied],
                        "reversals": [{"key", "compensates", "body"}]}
    POST /__delay   {"seconds": s, "after_write": w, "writes": true}  -> every answer (with "writes": false, every
                     lookup's) waits s first; a write, once applied, waits w more before its answer
    POST /__reset_peak  -> peak_in_flight starts again from the requests open now
    fault "refuse[:MESSAGE]": the next request is answered 422 {"message"} and not applied
    fault "status:NNN": the next request is handled (a write applied) and answered with status NNN instead
    fault "echo:NNN": the next request is answered NNN {"message": "token rejected: <its Authorization header>"}, not handled
    fault "html:NNN": the next request is answered NNN with a web server's HTML page (a 3xx with a Location), not handled
Prints "PORT <n>" on stdout once listening on 127.0.0.1.
"""
import argparse, json, os, socket, ssl, struct, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs, unquote

lock = threading.Lock()
faults = []
write_faults = []
stats = {"requests": 0, "applied": {}, "writes": 0, "paths": [], "bodies": [], "in_flight": 0, "peak_in_flight": 0, "lookups": 0, "deducted": {}, "reversals": [], "order": [],
         "connections": 0, "writes_in_flight": 0, "peak_writes_in_flight": 0}
delay = [0.0]
delay_writes = [True]
write_delay = [0.0]
orders = []
cases = []
# The lookups' indexes (the same dicts as `orders` and `cases`): a lookup costs a dict probe, not a scan of the month.
orders_by_cpr = {}
cases_by_person_lease = {}


def referral(o):
    return {"referralNo": o["id"], "patient": {"cpr": o["cpr"]}, "clinic": {"cvr": o["clinic_cvr"]},
            "certificate": {"code": o["certificate_type"]}, "state": o["status"],
            "journal": {"caseRef": o["case_id"]}, "orderedOn": o["ordered_at"]}


def hit(c):
    return {"sag": {"nr": c["case_id"]}, "borger": c["cpr"], "lejemaal": c["tenancy_id"],
            "udlejer": {"cvr": c["housing_cvr"]}, "tilstand": c["status"],
            "huslejeAdministreret": c["rent_administered"] in (True, "true")}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        # Headers and body go out in two writes: without this, Nagle holds the body until the client's delayed ACK
        # of the headers (40 ms a request on loopback).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with lock:
            stats["connections"] += 1

    def answer(self, status, obj, headers=None):
        # Status line, headers and body in one write (one segment on loopback, no Nagle wait).
        body = json.dumps(obj).encode()
        head = ["HTTP/1.1 %d %s" % (status, self.responses.get(status, ("",))[0]), "Content-Type: application/json", "Content-Length: %d" % len(body)]
        head += ["%s: %s" % kv for kv in (headers or {}).items()]
        if self.close_connection:
            head.append("Connection: close")
        self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        return json.loads(raw) if raw else None

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def handle_any(self, method):
        url = urlparse(self.path)
        if url.path == "/__stats":
            with lock:
                return self.answer(200, stats)
        if url.path == "/__faults":
            with lock:
                for f in self.body():
                    (write_faults if f.startswith("write:") else faults).append(f.removeprefix("write:"))
            return self.answer(200, {"queued": len(faults) + len(write_faults)})
        if url.path == "/__delay":
            b = self.body()
            delay[0] = float(b.get("seconds", 0))
            write_delay[0] = float(b.get("after_write", 0))
            delay_writes[0] = bool(b.get("writes", True))
            return self.answer(200, {})
        if url.path == "/__reset_peak":
            with lock:
                stats["peak_in_flight"] = stats["in_flight"]
            return self.answer(200, {})
        with lock:
            stats["in_flight"] += 1
            stats["peak_in_flight"] = max(stats["peak_in_flight"], stats["in_flight"])
        try:
            self.handle_case_system(method, url)
        finally:
            with lock:
                stats["in_flight"] -= 1

    def handle_case_system(self, method, url):
        body = self.body() if method == "POST" else None
        write = method == "POST" and url.path.rstrip("/").rsplit("/", 1)[-1] in ("invoicing", "deductions", "reversal", "notify", "notes")
        with lock:
            stats["requests"] += 1
            if not write:
                stats["lookups"] += 1
            else:
                stats["writes_in_flight"] += 1
                stats["peak_writes_in_flight"] = max(stats["peak_writes_in_flight"], stats["writes_in_flight"])
        try:
            self.handle_request(method, url, body, write)
        finally:
            if write:
                with lock:
                    stats["writes_in_flight"] -= 1

    def handle_request(self, method, url, body, write):
        with lock:
            if len(stats["paths"]) < 10000:
                stats["paths"].append(method + " " + self.path)
            if write and len(stats["bodies"]) < 10000:
                stats["bodies"].append(body)
            fault = write_faults.pop(0) if write and write_faults else faults.pop(0) if faults else None
        if delay[0] and (delay_writes[0] or not write):
            time.sleep(delay[0])
        kind, _, arg = (fault or "").partition(":")
        if kind in ("500", "503", "429"):
            headers = {"Retry-After": arg} if arg else {}
            return self.answer(int(kind), {"message": "temporarily unavailable"}, headers)
        if kind == "hang":
            time.sleep(float(arg or 30))
        if kind == "404":
            return self.answer(404, {"message": "not found"})
        if kind == "refuse":
            return self.answer(422, {"message": arg or "refused by the case system"})
        if kind == "echo":
            # A gateway that quotes the credentials it refused back to the caller.
            return self.answer(int(arg or 401), {"message": "token rejected: %s" % self.headers.get("Authorization", "")})
        if kind == "html":
            status = int(arg)
            page = ("<html><head><title>%d</title></head><body><center><h1>%d</h1></center><hr><center>nginx</center></body></html>" % (status, status)).encode()
            head = ["HTTP/1.1 %d %s" % (status, self.responses.get(status, ("",))[0]), "Content-Type: text/html", "Content-Length: %d" % len(page)]
            if 300 <= status < 400:
                head.append("Location: https://elsewhere.example/api/v3/")
            self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + page)
            return
        if kind == "reset":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b'{"data": {"referrals": [')
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        status, obj = self.route(method, url, body, kind)
        if kind == "status":
            status = int(arg)
        if write_delay[0] and write:
            time.sleep(write_delay[0])   # applied, not yet answered: the window a crash makes a client resend in
        if kind == "missing" or kind == "wrong":
            for record in obj.get("data", {}).get("referrals", []) + obj.get("hits", []):
                if kind == "missing":
                    record.pop(arg, None)
                else:
                    record[arg] = 42
        if kind == "truncate":
            raw = json.dumps(obj).encode()[:-7]
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)
            return
        if kind == "drop":
            # The write was applied (route did it); the answer is lost.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        self.answer(status, obj)

    def route(self, method, url, body, kind):
        parts = [unquote(p) for p in url.path.strip("/").split("/")]
        if method == "GET" and parts[:3] == ["api", "v2", "citizens"] and len(parts) == 5 and parts[4] == "referrals":
            cpr = parts[3]
            clinic = parse_qs(url.query).get("clinic", [None])[0]
            mine = orders_by_cpr.get(cpr, [])
            if not mine:
                return 404, {"message": "no such citizen"}
            found = [referral(o) for o in mine if clinic is None or o["clinic_cvr"] == clinic]
            return 200, {"data": {"referrals": [] if kind == "empty" else found}, "total": len(found)}
        if method == "POST" and parts[:3] == ["api", "v2", "referrals"] and len(parts) == 5 and parts[4] == "invoicing":
            return self.write(self.headers.get("Idempotency-Key"), lambda: self.invoice_referral(parts[3], body))
        if method == "POST" and parts == ["rest", "housing-benefit", "search"]:
            found = [hit(c) for c in cases_by_person_lease.get((body.get("person"), body.get("lease")), [])]
            return 200, {"hits": [] if kind == "empty" else found}
        if method == "POST" and parts[:3] == ["rest", "housing-benefit", "cases"] and len(parts) == 5 and parts[4] == "deductions":
            return self.write(self.headers.get("X-Request-Id"), lambda: self.deduct(body, 1))
        if method == "POST" and parts[:3] == ["rest", "housing-benefit", "cases"] and parts[4:] == ["deductions", "reversal"]:
            reverses = self.headers.get("Compensates-Key")
            with lock:
                stats["reversals"].append({"key": self.headers.get("X-Request-Id"), "compensates": reverses, "body": body})
            if reverses and reverses not in stats["applied"]:
                # It names what it reverses, and that never arrived: nothing to reverse (a later deduction stays).
                return self.write(self.headers.get("X-Request-Id"), lambda: (200, {"reversed": None, "nothing_to_reverse": reverses}))
            return self.write(self.headers.get("X-Request-Id"), lambda: self.deduct(body, -1))
        if method == "POST" and parts[:3] == ["rest", "housing-benefit", "cases"] and parts[4:] == ["notes"]:
            return self.write(self.headers.get("X-Request-Id"), lambda: (200, {"noted": body}))
        if method == "GET" and parts == ["health"]:
            return 200, {"status": "up"}
        return 404, {"message": "no route " + url.path}

    def deduct(self, body, sign):
        # Called under the lock. A reversal of a deduction not in force changes nothing (and still answers 200).
        number = str(body.get("invoice"))
        now = stats["deducted"].get(number, 0)
        stats["deducted"][number] = max(0, now + sign)
        return 200, {"deducted" if sign > 0 else "reversed": body, "in_force": stats["deducted"][number]}

    def invoice_referral(self, ref, body):
        for o in orders:
            if o["id"] == ref:
                if o["status"] == "cancelled":
                    return 422, {"message": "referral %s is cancelled and cannot be invoiced" % ref}
                o["status"] = "invoiced"
                o["invoice_number"] = body["invoice"]["number"]
                return 201, {"referralNo": ref, "state": "invoiced"}
        return 404, {"message": "no referral " + ref}

    def write(self, key, apply):
        with lock:
            stats["writes"] += 1
            if key and key in stats["applied"]:
                stats["applied"][key] += 0
                return 409, {"message": "already applied"}
            status, obj = apply()
            if status < 300 and key:
                stats["applied"][key] = 1
                stats["order"].append(key)
            return status, obj


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--client-ca")
    a = p.parse_args()
    global orders, cases
    with open(os.path.join(a.data, "health", "orders.json")) as f:
        orders = json.load(f)
    with open(os.path.join(a.data, "benefits", "rent-cases.json")) as f:
        cases = json.load(f)
    for o in orders:
        orders_by_cpr.setdefault(o["cpr"], []).append(o)
    for c in cases:
        cases_by_person_lease.setdefault((c["cpr"], c["tenancy_id"]), []).append(c)
    class Server(ThreadingHTTPServer):
        request_queue_size = 256   # many clients connect at once (max_in_flight); the default backlog is 5
        daemon_threads = True

    server = Server(("127.0.0.1", 0), Handler)
    if a.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.cert, a.key)
        if a.client_ca:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(a.client_ca)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    parent = os.getppid()

    def orphaned():
        # The test that started this server is gone (crashed or killed): stop too.
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=orphaned, daemon=True).start()
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
