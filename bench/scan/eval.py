#!/usr/bin/env python3
"""Evaluation helpers for `vigie scan` (used by bench/scan/run.sh).

  eval.py prepare DATA_DIR OUT_DIR [SA_DIR]
      Writes the test sets, one message per line for SMS (OUT/<set>.txt) and
      one file per message for email (OUT/<set>/NNNNN.eml), and their labels
      (OUT/<set>.labels, 1 = spam/phishing). Also the training split of each
      corpus for the peers that learn (OUT/train_sms_{ham,spam}.txt).
  eval.py wrap SMS.txt DIR         one SMS per line -> DIR/NNNNN.eml (peers' input)
  eval.py mbox DIR OUT.mbox        the files of DIR -> one mbox
  eval.py sa-scores OUT.mbox NAMES spamassassin --mbox output -> scores in NAMES order
  eval.py name-scores bogofilter|rspamd OUTPUT NAMES   -> scores in NAMES order
  eval.py metrics NAME LABELS SCORES [SECONDS]
      SCORES: one line per message, "score<TAB>flag" (flag 1 = flagged by the
      tool at its own threshold). Prints one result line (see HEADER).

Splits (the same as `vigie scan train` uses):
  UCI SMS: first 30 % train, last 70 % test.
  Mendeley: every row whose text (lowercased, blanks squeezed) is not in the
    UCI training 30 % (the two sets share most texts); labels ham / spam +
    smishing. Used for testing only.
  SPAM-Hunter FR: first 70 % train (vigie), last 30 % test (all spam).
  Hand-written French (data/scan/sms_fr_test.tsv): test only.
  SpamAssassin: spam-1 + easy-ham-1 train/tune; spam-2 vs easy-ham-2 +
    hard-ham-1 test.
"""
import csv
import json
import math
import os
import sys

HEADER = ("corpus", "n", "pos", "tool_prec", "tool_recall", "tool_fpr", "tool_acc", "tool_mcc",
          "recall@fpr0.3%", "recall@fpr0.5%", "recall@fpr1%", "msg/s")


def norm(t):
    return " ".join(t.lower().split())


def one_line(t):
    return " ".join(t.replace("\r", " ").replace("\n", " ").split())


def write_set(out, name, rows):
    with open(os.path.join(out, name + ".txt"), "w", encoding="utf-8") as f, \
         open(os.path.join(out, name + ".labels"), "w") as g:
        for y, t in rows:
            f.write(one_line(t) + "\n")
            g.write(f"{y}\n")


def prepare(data, out, sa=None):
    os.makedirs(out, exist_ok=True)
    sms = os.path.join(data, "corpora", "sms")
    with open(os.path.join(sms, "uci_sms_spam_collection.tsv"), encoding="utf-8") as f:
        uci = [l.rstrip("\n").split("\t", 1) for l in f if "\t" in l]
    cut = math.floor(0.3 * len(uci))
    train = uci[:cut]
    write_set(out, "uci_test", [(1 if l == "spam" else 0, t) for l, t in uci[cut:]])
    seen = {norm(t) for _, t in train}
    # the SMS training data of `vigie scan train`, for the peers that learn
    with open(os.path.join(sms, "spamhunter_fr_dev.txt"), encoding="utf-8") as f:
        sh = [l.rstrip("\n") for l in f]
    acks = ("Merci de votre aide Pour compl", "procédure de signalement", "désinscription")
    sh_train = [("spam", t) for t in sh[:math.floor(0.7 * len(sh))]
                if t.strip() and not any(a in t for a in acks)]
    with open(os.path.join(data, "scan", "sms_fr_train.tsv"), encoding="utf-8") as f:
        fr_train = [tuple(l.rstrip("\n").split("\t", 1)) for l in f
                    if "\t" in l and not l.startswith("#")]
    with open(os.path.join(out, "train_sms_ham.txt"), "w", encoding="utf-8") as h, \
         open(os.path.join(out, "train_sms_spam.txt"), "w", encoding="utf-8") as s:
        for l, t in train + sh_train + fr_train:
            (s if l == "spam" else h).write(one_line(t) + "\n")
    rows = []
    with open(os.path.join(sms, "mendeley_smishing_5971.csv"), encoding="utf-8",
              errors="replace", newline="") as f:
        for r in csv.DictReader(f):
            t = r["TEXT"]
            if norm(t) in seen or not t.strip():
                continue
            rows.append((0 if r["LABEL"].strip().lower() == "ham" else 1, t))
    write_set(out, "mendeley_test", rows)
    with open(os.path.join(sms, "spamhunter_fr_dev.txt"), encoding="utf-8") as f:
        sh = [l.rstrip("\n") for l in f]
    cut = math.floor(0.7 * len(sh))
    write_set(out, "spamhunter_test", [(1, t) for t in sh[cut:] if t.strip()])
    with open(os.path.join(data, "scan", "sms_fr_test.tsv"), encoding="utf-8") as f:
        fr = [l.rstrip("\n").split("\t", 1) for l in f if "\t" in l and not l.startswith("#")]
    write_set(out, "fr_test", [(1 if l == "spam" else 0, t) for l, t in fr])
    if sa:
        for name, parts in (("sa_test", (("spam-2", 1), ("easy-ham-2", 0), ("hard-ham-1", 0))),
                            ("sa_tune", (("spam-1", 1), ("easy-ham-1", 0)))):
            d = os.path.join(out, name)
            os.makedirs(d, exist_ok=True)
            labels = []
            k = 0
            for sub, y in parts:
                for fn in sorted(os.listdir(os.path.join(sa, sub))):
                    if not fn.endswith(".txt"):
                        continue
                    with open(os.path.join(sa, sub, fn), "rb") as f:
                        raw = f.read()
                    k += 1
                    with open(os.path.join(d, f"{k:05d}.eml"), "wb") as g:
                        g.write(raw)
                    labels.append((y, sub))
            with open(os.path.join(out, name + ".labels"), "w") as g:
                for y, sub in labels:
                    g.write(f"{y}\t{sub}\n")


def mcc(tp, fp, tn, fn):
    d = math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    return (tp * tn - fp * fn) / d if d else 0.0


def recall_at(scores, labels, max_fpr):
    """Best recall over thresholds whose false-positive rate is <= max_fpr."""
    neg = sum(1 for y in labels if not y)
    pos = len(labels) - neg
    if not pos:
        return float("nan")
    pairs = sorted(zip(scores, labels), key=lambda p: -p[0])
    tp = fp = 0
    best = 0.0
    i = 0
    while i < len(pairs):
        s = pairs[i][0]
        while i < len(pairs) and pairs[i][0] == s:
            if pairs[i][1]:
                tp += 1
            else:
                fp += 1
            i += 1
        if neg == 0 or fp / neg <= max_fpr:
            best = max(best, tp / pos)
    return best


def metrics(name, labels_path, scores_path, seconds=None):
    with open(labels_path) as f:
        labels = [int(l.split("\t")[0]) for l in f if l.strip()]
    scores, flags = [], []
    with open(scores_path) as f:
        for l in f:
            if not l.strip():
                continue
            p = l.split("\t")
            scores.append(float(p[0]))
            flags.append(int(p[1]) if len(p) > 1 else 0)
    if len(scores) != len(labels):
        sys.exit(f"{name}: {len(scores)} scores for {len(labels)} labels")
    tp = sum(1 for y, f in zip(labels, flags) if y and f)
    fp = sum(1 for y, f in zip(labels, flags) if not y and f)
    fn = sum(1 for y, f in zip(labels, flags) if y and not f)
    tn = len(labels) - tp - fp - fn
    pos, neg = tp + fn, tn + fp

    def pct(x):
        return "-" if x != x else f"{100 * x:.1f}%"
    row = (name, str(len(labels)), str(pos),
           pct(tp / (tp + fp)) if tp + fp else "-",
           pct(tp / pos) if pos else "-",
           pct(fp / neg) if neg else "-",
           pct((tp + tn) / len(labels)) if labels else "-",
           f"{mcc(tp, fp, tn, fn):.3f}" if pos and neg else "-",
           pct(recall_at(scores, labels, 0.003)) if neg else "-",
           pct(recall_at(scores, labels, 0.005)) if neg else "-",
           pct(recall_at(scores, labels, 0.01)) if neg else "-",
           f"{len(labels) / float(seconds):.0f}" if seconds and float(seconds) > 0 else "-")
    print("  ".join(f"{c:>14}" if i else f"{c:<26}" for i, c in enumerate(row)))


SMS_WRAPPER = ("From: sender@sms.invalid\nTo: you@sms.invalid\nSubject: SMS\n"
               "Date: Mon, 01 Jan 2024 00:00:00 +0000\nMessage-ID: <{n}@sms.invalid>\n"
               "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
               "Content-Transfer-Encoding: 8bit\n\n{text}\n")


def wrap(txt, outdir):
    """One SMS per line -> one minimal email per file (the same wrapper for
    every peer, for training and for testing)."""
    os.makedirs(outdir, exist_ok=True)
    with open(txt, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            with open(os.path.join(outdir, f"{n:05d}.eml"), "w", encoding="utf-8") as g:
                g.write(SMS_WRAPPER.format(n=n, text=line.rstrip("\n")))


def to_mbox(emldir, out):
    """Files of a directory (name order) -> one mbox (mboxrd escaping)."""
    with open(out, "wb") as g:
        for fn in sorted(os.listdir(emldir)):
            with open(os.path.join(emldir, fn), "rb") as f:
                raw = f.read()
            lines = raw.split(b"\n")
            if lines and lines[0].startswith(b"From "):
                lines = lines[1:]
            g.write(b"From bench@vigie.invalid Mon Jan  1 00:00:00 2024\n")
            g.write(b"X-Bench-Id: " + fn.encode() + b"\n")
            for l in lines:
                if l.lstrip(b">").startswith(b"From "):
                    l = b">" + l
                g.write(l + b"\n")
            g.write(b"\n")


def sa_scores(out_mbox, names):
    """`spamassassin --mbox` output -> "score<TAB>flag" per message, in the
    order of NAMES (SpamAssassin does not keep the input order; each
    message carries its X-Bench-Id)."""
    import re
    rx = re.compile(rb"^X-Spam-Status: (Yes|No), score=(-?[0-9.]+)", re.M)
    rid = re.compile(rb"^X-Bench-Id: (\S+)", re.M)
    with open(out_mbox, "rb") as f:
        data = f.read()
    got = {}
    for m in re.split(rb"^From bench@vigie\.invalid .*$", data, flags=re.M)[1:]:
        head = m.split(b"\n\n", 1)[0]
        hit, mid = rx.search(head), rid.search(head)
        if hit and mid:
            got[mid.group(1).decode()] = float(hit.group(2))
    with open(names) as f:
        for l in f:
            s = got.get(os.path.basename(l.strip()), float("nan"))
            print(f"{s}\t{1 if s >= 5 else 0}")


def name_scores(kind, out, names):
    """bogofilter -b -T or rspamc --compact output -> scores in the order of
    the file names listed in NAMES."""
    got = {}
    with open(out, encoding="utf-8", errors="replace") as f:
        for l in f:
            l = l.strip()
            if not l:
                continue
            if kind == "bogofilter":
                p = l.split()
                got[os.path.basename(p[0])] = (float(p[2]), 1 if p[1] == "S" else 0)
            else:
                try:
                    o = json.loads(l)
                except ValueError:
                    continue
                s = float(o.get("score", "nan"))
                flag = 1 if o.get("action") in ("add header", "rewrite subject", "reject") else 0
                got[os.path.basename(o.get("filename", ""))] = (s, flag)
    with open(names) as f:
        for l in f:
            k = os.path.basename(l.strip())
            s, flag = got.get(k, (float("nan"), 0))
            print(f"{s}\t{flag}")


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "prepare":
        prepare(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
    elif len(sys.argv) >= 5 and sys.argv[1] == "metrics":
        metrics(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5] if len(sys.argv) > 5 else None)
    elif len(sys.argv) == 4 and sys.argv[1] == "wrap":
        wrap(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "mbox":
        to_mbox(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "sa-scores":
        sa_scores(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == "name-scores":
        name_scores(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) == 2 and sys.argv[1] == "header":
        print("  ".join(f"{c:>14}" if i else f"{c:<26}" for i, c in enumerate(HEADER)))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
