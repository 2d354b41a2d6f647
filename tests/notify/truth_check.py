#!/usr/bin/env python3
"""Compares `vigie notify --dry-run --json` with the generator's truth
(`vigie gen --truth`, clean leak: every row holds every field).

Expected: one email per person (their canonical email), no SMS; for each
category, the people whose rows (in any source) hold it; for each source,
the people in it; special = the people in Cap Emploi.
Usage: truth_check.py TRUTH.jsonl DRYRUN.json
"""
import json
import sys

SRC = {"france_travail": "France Travail", "cap_emploi": "Cap Emploi"}
people, emails = 0, set()
cats, srcs = {}, {}
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o.get("type") != "person":
        continue
    people += 1
    emails.add(o["email"])
    union = set()
    for s, cl in o["sources"].items():
        srcs[SRC[s]] = srcs.get(SRC[s], 0) + 1
        union |= set(cl)
    for c in union:
        cats[c] = cats.get(c, 0) + 1
d = json.load(open(sys.argv[2]))
errors = []


def eq(what, got, want):
    if got != want:
        errors.append(f"{what}: notify says {got}, the truth {want}")


eq("messages", d["messages"], len(emails))
eq("emails", d["channels"]["email"], len(emails))
eq("sms", d["channels"]["sms"], 0)
for c, n in d["categories"].items():
    eq(f"category {c}", n["email"], cats.get(c, 0))
for s, n in d["sources"].items():
    eq(f"source {s}", n["email"], srcs.get(s, 0))
eq("special", d["special"]["email"], srcs.get("Cap Emploi", 0))
eq("rows not exposed", d["not_exposed"], 0)
if errors:
    sys.exit("\n".join(errors))
print(f"ok: {people} people, {len(emails)} emails, categories and sources as the truth says")
