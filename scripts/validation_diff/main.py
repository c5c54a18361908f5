"""The differential harness: bilag's validation against the official rules on single mutations of valid invoices.

See `scripts/validation-diff --help` and docs/validation.md ("Differential test").
"""
import argparse
import atexit
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

DYNAMIC_ERROR = "SCHEMATRON-DYNAMIC-ERROR"
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))

BASE_FOLDERS = ["en16931-ubl/examples", "en16931-ubl/testfiles", "en16931-cii/examples", "peppol-bis3/examples",
                "oioubl/parse", "oioubl/generated"]


def syntax_of(text):
    if "CrossIndustryInvoice" in text[:3000]:
        return "cii"
    m = re.search(r"<(?:[\w.-]+:)?CustomizationID[^>]*>([^<]*)<", text)
    if m and "oioubl" in m.group(1).lower():
        return "oioubl"
    return "ubl"


def validators_for(text):
    """The official validators that apply to a document: by its root and its CustomizationID, as bilag picks its profile."""
    head = text[:4000]
    if "CrossIndustryInvoice" in head:
        m = re.search(r"<ram:GuidelineSpecifiedDocumentContextParameter>\s*<ram:ID>([^<]*)<", text)
        cid = (m.group(1) if m else "").strip().lower()
        return ["cen-cii"] + (["peppol-cii"] if ("peppol.eu" in cid or "ehf" in cid) else [])
    m = re.search(r"<(?:[\w.-]+:)?CustomizationID[^>]*>([^<]*)<", text)
    cid = (m.group(1) if m else "").strip().lower()
    credit = re.search(r"<(?:[\w.-]+:)?CreditNote[\s>]", head) is not None
    if "oioubl" in cid:
        return ["oioubl-creditnote" if credit else "oioubl-invoice"]
    return ["cen-ubl"] + (["peppol-ubl"] if ("peppol.eu" in cid or "ehf" in cid) else [])


class OfficialCache:
    """Official results by (validators, sha256 of the document): the Schematron costs milliseconds a document."""

    def __init__(self, path):
        self.path = path
        self.data = {}
        if path and os.path.exists(path):
            try:
                with open(path) as f:
                    self.data = json.load(f)
            except Exception:  # noqa: BLE001
                self.data = {}
        self.official = None
        self.corpus = None
        self.seconds = 0.0
        self.runs = 0

    def get(self, text, path):
        keys = validators_for(text)
        h = hashlib.sha256(("|".join(keys) + "\n" + text).encode()).hexdigest()
        if h in self.data:
            return self.data[h]
        if self.official is None:
            from official import Official
            self.official = Official(self.corpus)
        t = time.perf_counter()
        result = []
        for k in keys:
            r = self.official.run(k, path)
            if r is None:
                result = None
                break
            result += r
        self.seconds += time.perf_counter() - t
        self.runs += 1
        self.data[h] = result
        return result

    def save(self):
        if self.path:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            # Merged with what another run saved meanwhile, and replaced in one rename: two runs lose nothing.
            try:
                with open(self.path) as f:
                    self.data = {**json.load(f), **self.data}
            except Exception:  # noqa: BLE001
                pass
            tmp = f"{self.path}.{os.getpid()}.tmp"
            with open(tmp, "w") as f:
                json.dump(self.data, f)
            os.replace(tmp, self.path)


def run_bilag(binary, folder):
    p = subprocess.run([binary, "bench", "--validation", folder, "--json"], capture_output=True, text=True)
    if p.returncode != 0:
        sys.stderr.write(p.stderr)
        raise SystemExit(f"bilag bench --validation failed ({p.returncode})")
    return json.loads(p.stdout)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="scripts/validation-diff", description=__doc__)
    ap.add_argument("--corpus", default=os.environ.get("BILAG_CORPUS") or os.path.join(REPO, "..", "shared", "corpus"))
    ap.add_argument("--bilag", default=os.environ.get("BILAG_BINARY") or os.path.join(REPO, ".build", "debug", "bilag"))
    ap.add_argument("--sample", type=int, default=0, help="validate this many mutants per syntax, drawn by --seed (default: all)")
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--set", choices=["tuned", "holdout", "fresh", "both", "all"], default="tuned",
                    help="tuned: the mutants bilag's rules were fixed on; holdout: other places and other mutations of the same classes; "
                         "fresh: new operators of every class and yet other places, measured before and after a round of fixes, never tuned on; "
                         "both: tuned + holdout; all: the three")
    ap.add_argument("--syntax", default="ubl,cii,oioubl,cii-peppol", help="comma list of ubl, cii, oioubl, cii-peppol (PEPPOL CII documents derived from the CII examples)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--keep", help="write the mutants into this folder and keep them")
    ap.add_argument("--cache", default=os.path.join(REPO, ".build", "validation-diff", "official.json"))
    ap.add_argument("--list", type=int, default=15, help="how many disagreeing mutants to list per syntax")
    ap.add_argument("--official-only", action="store_true", help="only run the official rules (fills the cache)")
    ap.add_argument("--only", help="comma list of syntaxes to judge and compare after sampling all of --syntax (the same sample, "
                                   "fewer official runs), e.g. --only oioubl")
    ap.add_argument("--write-only", action="store_true", help="only write the mutants into --keep (no official rules, no bilag): "
                                                              "to compare two bilag builds on them")
    ap.add_argument("--min-verdict", type=float, default=None, help="exit 1 when the overall verdict agreement (%%) is lower")
    a = ap.parse_args(argv)
    try:
        import saxonche  # noqa: F401
    except ImportError:
        print("saxonche is not installed (pip install saxonche): the official rules cannot run", file=sys.stderr)
        return 77
    if a.write_only and not a.keep:
        print("--write-only needs --keep FOLDER", file=sys.stderr)
        return 2
    if not a.official_only and not a.write_only and not os.path.exists(a.bilag):
        print(f"no bilag binary at {a.bilag} (swift build first, or --bilag)", file=sys.stderr)
        return 2
    sys.path.insert(0, HERE)
    from mutations import mutants, fresh_mutants
    from peppol_cii import derive
    global DYNAMIC_ERROR
    from official import DYNAMIC_ERROR
    cache = OfficialCache(a.cache)
    cache.corpus = a.corpus
    wanted = set(a.syntax.split(","))
    work = a.keep or tempfile.mkdtemp(prefix="validation-diff-")
    os.makedirs(work, exist_ok=True)
    if not a.keep:
        # Some 150 MB of mutants (800 MB for the full set): gone when the run ends, however it ends short of a kill.
        atexit.register(shutil.rmtree, work, True)

    # 1. Bases: the corpus documents the official rules accept (no fatal rule) under their own profile.
    bases = []
    for folder in BASE_FOLDERS:
        d = os.path.join(a.corpus, folder)
        for name in sorted(os.listdir(d)):
            if not name.endswith(".xml"):
                continue
            path = os.path.join(d, name)
            with open(path, encoding="utf-8-sig") as f:
                text = f.read()
            syn = syntax_of(text)
            if syn not in wanted and not (syn == "cii" and "cii-peppol" in wanted):
                continue
            res = cache.get(text, path)
            if res is None or any(flag == "fatal" for _, flag in res):
                continue
            if syn in wanted:
                bases.append((f"{folder}/{name}", syn, text))
            # PEPPOL CII (`--syntax …,cii-peppol`): the CII examples declared PEPPOL, parties in DK or in NO.
            if syn == "cii" and "cii-peppol" in wanted:
                for country in ("DK", "NO"):
                    derived = derive(text, country)
                    if derived is None:
                        continue
                    derived_path = os.path.join(work, f"base-peppol-{country}-{name}")
                    with open(derived_path, "w", encoding="utf-8") as f:
                        f.write(derived)
                    res = cache.get(derived, derived_path)
                    if res is not None and not any(flag == "fatal" for _, flag in res):
                        bases.append((f"{folder}/{name} as PEPPOL {country}", "cii-peppol", derived))

    # 2. Mutants, sampled per syntax.
    rng = random.Random(a.seed)
    by_syntax = {}
    for base, syn, text in bases:
        if a.set in ("tuned", "both", "all"):
            for label, new in mutants(text, "cii" if syn == "cii-peppol" else syn):
                by_syntax.setdefault(syn, []).append((base, label, new))
            by_syntax.setdefault(syn, []).append((base, "unchanged", text))
        if a.set in ("holdout", "both", "all"):
            for label, new in mutants(text, "cii" if syn == "cii-peppol" else syn, holdout=True):
                by_syntax.setdefault(syn, []).append((base, label, new))
        if a.set in ("fresh", "all"):
            for label, new in fresh_mutants(text, "cii" if syn == "cii-peppol" else syn):
                by_syntax.setdefault(syn, []).append((base, label, new))
    chosen = []
    # cii-peppol last, so that the other syntaxes' samples stay what they were before it was added.
    for syn in sorted(by_syntax, key=lambda s: (s == "cii-peppol", s)):
        items = by_syntax[syn]
        if a.sample and len(items) > a.sample:
            items = rng.sample(items, a.sample)
        chosen += [(syn,) + it for it in items]
    if a.only:
        judged = set(a.only.split(","))
        chosen = [c for c in chosen if c[0] in judged]
    files = []
    for i, (syn, base, label, text) in enumerate(chosen):
        name = f"{i:05d}-{syn}.xml"
        path = os.path.join(work, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        files.append((name, syn, base, label, text, path))

    if a.write_only:
        print(f"{len(files)} mutants written to {work}")
        return 0

    # 3. Official verdicts.
    official = {}
    for name, syn, base, label, text, path in files:
        official[name] = cache.get(text, path)
    cache.save()
    if a.official_only:
        print(f"{len(files)} mutants judged by the official rules ({cache.runs} runs, {cache.seconds:.1f} s)")
        return 0

    # 4. bilag's verdicts (one process, every file) and its time per document.
    bilag = run_bilag(a.bilag, work)
    mine = {d["file"]: d for d in bilag["documents"]}

    # 5. Agreement.
    stats = {}
    disagreements = {}
    for name, syn, base, label, text, path in files:
        off = official[name]
        s = stats.setdefault(syn, {"documents": 0, "verdict": 0, "ruleSet": 0, "officialInvalid": 0, "skipped": 0,
                                   "falseAccept": 0, "falseReject": 0, "officialStopped": 0,
                                   "ruleSetDocuments": 0})
        if off is None:  # not well-formed for Saxon: not comparable
            s["skipped"] += 1
            continue
        b = mine.get(name)
        off_fatal = sorted({r for r, f in off if f == "fatal"})
        if b is None:
            b_fatal, b_valid = ["(not parsed)"], False
        else:
            b_fatal, b_valid = sorted(set(b["fatal"])), b["valid"]
        off_valid = not off_fatal
        s["documents"] += 1
        s["officialInvalid"] += 0 if off_valid else 1
        if off_valid == b_valid:
            s["verdict"] += 1
        elif off_valid:
            s["falseReject"] += 1
        else:
            s["falseAccept"] += 1
        # A document on which the official rules stop with a dynamic error has no official rule set to compare.
        if DYNAMIC_ERROR in off_fatal:
            s["officialStopped"] += 1
        else:
            s["ruleSetDocuments"] += 1
            if off_fatal == b_fatal:
                s["ruleSet"] += 1
        if off_valid != b_valid or off_fatal != b_fatal:
            disagreements.setdefault(syn, []).append({
                "file": name, "base": base, "mutation": label, "verdictAgrees": off_valid == b_valid,
                "official": off_fatal, "bilag": b_fatal})
    total = {k: sum(s[k] for s in stats.values()) for k in ("documents", "verdict", "ruleSet", "officialInvalid", "skipped", "falseAccept", "falseReject", "officialStopped", "ruleSetDocuments")}

    def pct(n, d):
        return round(100.0 * n / d, 2) if d else 0.0

    report = {
        "bases": len(bases),
        "set": a.set,
        "seed": a.seed,
        "perSyntax": {syn: dict(s, verdictAgreement=pct(s["verdict"], s["documents"]), ruleSetAgreement=pct(s["ruleSet"], s["ruleSetDocuments"]))
                      for syn, s in sorted(stats.items())},
        "overall": dict(total, verdictAgreement=pct(total["verdict"], total["documents"]), ruleSetAgreement=pct(total["ruleSet"], total["ruleSetDocuments"])),
        "bilagMicrosPerDocument": bilag.get("validateMicros"),
        "bilagParseMicrosPerDocument": bilag.get("parseMicros"),
        "bilagMicrosPerDocumentBySyntax": bilag.get("validateMicrosBySyntax"),
        "bilagCPUMicrosPerDocumentBySyntax": bilag.get("validateCPUMicrosBySyntax"),
        "officialMillisPerDocument": round(1000 * cache.seconds / cache.runs, 2) if cache.runs else None,
        "disagreements": {syn: ds for syn, ds in disagreements.items()},
        "folder": work if a.keep else None,
    }
    if a.json:
        print(json.dumps(report, indent=1))
    else:
        print(f"{len(bases)} valid corpus documents as bases; set {a.set}; {total['documents']} mutants compared; the official rules stopped with a dynamic error on {total['officialStopped']} (counted as rejected; no rule set)")
        print(f"{'syntax':8} {'docs':>6} {'off.invalid':>11} {'verdict':>9} {'rule set':>9} {'false acc.':>10} {'false rej.':>10}")
        for syn, s in report["perSyntax"].items():
            print(f"{syn:8} {s['documents']:6d} {s['officialInvalid']:11d} {s['verdictAgreement']:8.2f}% {s['ruleSetAgreement']:8.2f}% {s['falseAccept']:10d} {s['falseReject']:10d}")
        o = report["overall"]
        print(f"{'all':8} {o['documents']:6d} {o['officialInvalid']:11d} {o['verdictAgreement']:8.2f}% {o['ruleSetAgreement']:8.2f}% {o['falseAccept']:10d} {o['falseReject']:10d}")
        print(f"bilag: {report['bilagMicrosPerDocument']} µs a document to validate ({report['bilagParseMicrosPerDocument']} µs to parse); "
              f"official Schematron: {report['officialMillisPerDocument']} ms a document (uncached runs only)")
        by = report["bilagMicrosPerDocumentBySyntax"] or {}
        cpu = report["bilagCPUMicrosPerDocumentBySyntax"] or {}
        print("bilag µs a document to validate, per syntax (wall / CPU): " + ", ".join(f"{k} {v} / {cpu.get(k)}" for k, v in sorted(by.items())))
        # The rules behind the disagreements, most frequent first.
        for syn, ds in sorted(disagreements.items()):
            only_off, only_mine = {}, {}
            for d in ds:
                for r in set(d["official"]) - set(d["bilag"]):
                    only_off[r] = only_off.get(r, 0) + 1
                for r in set(d["bilag"]) - set(d["official"]):
                    only_mine[r] = only_mine.get(r, 0) + 1
            top = lambda m: ", ".join(f"{k} {v}" for k, v in sorted(m.items(), key=lambda kv: -kv[1])[:12])
            print(f"\n{syn}: official only: {top(only_off)}")
            print(f"{syn}: bilag only:    {top(only_mine)}")
            for d in [d for d in ds if not d["verdictAgrees"]][: a.list]:
                print(f"  {d['file']} {d['base']} [{d['mutation']}]: official {d['official']} bilag {d['bilag']}")
    if a.min_verdict is not None and report["overall"]["verdictAgreement"] < a.min_verdict:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
