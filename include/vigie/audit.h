/*
 * vigie/audit.h: the helpdesk's tamper-evident audit log. Every operator
 * lookup of `vigie serve` appends one line; `vigie audit verify` proves the
 * file was not edited.
 *
 * The file is JSONL, one object per line, keys in this order:
 *
 *   {"seq":12,"time":"2024-03-13T10:00:00.123Z","token":"alice",
 *    "kind":"email","pseudonym":"9f2c...","result":"exposed",
 *    "prev":"<64 hex>","hash":"<64 hex>"}
 *
 *  - seq counts from 1; prev is the hash of the line before (64 zeros on
 *    line 1); hash is BLAKE2b-256 of the line's bytes up to (not including)
 *    `,"hash":`. An edit changes a line's hash; a deletion, an insertion or
 *    a reordering breaks seq or prev on the next line.
 *  - pseudonym is the registry PRF of the canonical identifier (16 hex, the
 *    value the registry itself stores), never the identifier; null for an
 *    invalid identifier (result "invalid"). result: "exposed",
 *    "not-exposed" or "invalid".
 *  - Cutting lines off the end leaves a valid, shorter chain: only a head
 *    kept elsewhere (seq and hash, as `vigie audit verify` prints and the
 *    server logs when it stops) shows it: `vigie audit verify --head`.
 *
 * Writing: appends are serialized by one mutex (the chain order is the file
 * order) into a buffer; a writer thread writes what piled up with one
 * write(2) on an O_APPEND file, and a sync thread fdatasyncs in groups (one
 * sync covers every line written before it) while the next group is
 * written. vg_audit_append() returns a ticket; the line is durable once
 * vg_audit_poll() says so (or vg_audit_wait() returns). A server sends the
 * answer of a lookup only after its line is durable.
 *
 * Opening an existing log continues its chain from its last line, which
 * must be complete and hash-valid (else VG_ECORRUPT: run verify).
 */
#ifndef VIGIE_AUDIT_H
#define VIGIE_AUDIT_H

#include "vigie/core.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VG_AUDIT_HASH_HEX 64
/* The longest line accepted by verify and open. */
#define VG_AUDIT_LINE_MAX 1024

typedef struct vg_audit vg_audit;

/* One lookup. */
typedef struct vg_audit_rec {
	uint64_t time_ms;   /* ms since the epoch; 0 = now */
	const char *token;  /* token name ([A-Za-z0-9._-], vg_token_name_ok) */
	const char *kind;   /* "email", "phone", "nir", "id", "name" */
	bool has_pseudonym; /* false for an invalid identifier */
	uint64_t pseudonym;
	const char *result; /* "exposed", "not-exposed", "invalid" */
} vg_audit_rec;

/* Opens (creates 0600) the log at path and starts its sync thread. */
int vg_audit_open(const char *path, vg_audit **out, vg_err *err) VG_MUST_CHECK;

/* Syncs what was written, stops the sync thread, closes. NULL is fine. */
void vg_audit_close(vg_audit *a);

/* Appends one line; *ticket (OUT) identifies it for vg_audit_poll/wait.
 * VG_EINVAL for a bad record, VG_EIO when the write failed (the log is
 * then broken: every later append fails too). Thread-safe. */
int vg_audit_append(vg_audit *a, const vg_audit_rec *r, uint64_t *ticket,
                    vg_err *err) VG_MUST_CHECK;

/* 1 when line ticket is durable, 0 not yet, VG_EIO when it never will be
 * (a write or a sync failed). */
int vg_audit_poll(vg_audit *a, uint64_t ticket);

/* The last durable seq (every ticket up to it is durable) into *seq: 0, or
 * VG_EIO when the log is broken (no later ticket will be). One lock for a
 * whole batch of tickets. */
int vg_audit_durable(vg_audit *a, uint64_t *seq);

/* Blocks until line ticket is durable: 0, or VG_EIO. */
int vg_audit_wait(vg_audit *a, uint64_t ticket) VG_MUST_CHECK;

/*
 * With wait_sync false, a line counts as durable once written to the file
 * (the kernel holds it: it survives a crash of the process, not a power
 * cut) and fdatasync runs after, off the answer's path. Default true. For
 * disks whose sync latency caps the helpdesk's throughput; the server's
 * `[operator] audit_sync = no`.
 */
void vg_audit_set_wait_sync(vg_audit *a, bool wait_sync);

/* Called whenever tickets become durable (after a sync, or after a write
 * when wait_sync is false) and on failure, from the log's threads, outside
 * its lock; set before the first append. */
void vg_audit_set_notify(vg_audit *a, void (*cb)(void *arg), void *arg);

/* The last line written: its seq and hash (65 bytes with the NUL). */
void vg_audit_head(vg_audit *a, uint64_t *seq, char hash[VG_AUDIT_HASH_HEX + 1]);

/* ------------------------------------------------------------ verify */

typedef struct vg_audit_check {
	bool ok;
	uint64_t lines;                    /* lines read and valid */
	uint64_t bad_line;                 /* first bad line (1-based), 0 when ok */
	char what[256];                    /* what is wrong with it, in English */
	const char *code;                  /* "edited", "broken-chain", "bad-seq",
	                                      "malformed", "cut", "head-mismatch" */
	uint64_t head_seq;                 /* the last valid line */
	char head[VG_AUDIT_HASH_HEX + 1];  /* its hash */
} vg_audit_check;

/*
 * Verifies the log at path. expect_head (optional): "SEQ:HASH" or "HASH",
 * the head recorded elsewhere; the file must contain it (and, for HASH
 * alone, end with it). Returns 0 with out filled (out->ok says whether the
 * log is intact), or VG_EIO / VG_ENOTFOUND / VG_EINVAL (bad expect_head).
 */
int vg_audit_verify(const char *path, const char *expect_head, vg_audit_check *out,
                    vg_err *err) VG_MUST_CHECK;

/* The same over a buffer (fuzzing, tests). */
void vg_audit_verify_mem(const char *s, size_t n, const char *expect_seq_hash,
                         vg_audit_check *out);

#endif
