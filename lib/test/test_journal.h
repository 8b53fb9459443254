/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_journal.h: the journal of the test driver's shared mode
 * (test:///NODE?journal=/ABS/PATH), through which several processes (or
 * connections) simulate one node. Used by the simulated node (test_node*.c)
 * and test_driver.c only.
 *
 * The journal is an append-only text file, every access under flock(2):
 *
 *   XvirtTestJournal 1
 *   node /canonical/node.xml            ("default" for test:///default)
 *   epoch 86417000000000                CLOCK_MONOTONIC ns of simulated time 0
 *   rate 1                              the node's clock rate
 *   <atNs> <call> <uuid|-> <num> <hex|->        one line per successful write
 *
 * atNs is the simulated time at which the call took effect. <call> is the
 * public name of the write call (xvTestDriverAdvanceClock for the clock hook).
 * <uuid> names the domain; <num> is the call's number (KiB, vcpus, vcpu, ns;
 * 0 when none); the last field is the call's document as hex bytes: the
 * domain XML of virDomainCreateLinux/virDomainDefineXML, the save file of
 * virDomainRestore, the cpumap of virDomainPinVcpu ("-" when none).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The latest simulated time a journal entry may carry, and the largest
 * clock advance: half the range of uint64_t, so that sums of simulated
 * times (saturated at this bound by the node's clock) never wrap. */
#define XV_TEST_MAX_NS ((uint64_t)INT64_MAX)
/* The fastest clock rate, of a journal header or a node file's <clock>. */
#define XV_TEST_MAX_RATE 1e6

/* The journaled calls. */
typedef enum {
    XV_TEST_OP_CREATE_LINUX = 0,
    XV_TEST_OP_DEFINE_XML,
    XV_TEST_OP_UNDEFINE,
    XV_TEST_OP_CREATE,
    XV_TEST_OP_DESTROY,
    XV_TEST_OP_SUSPEND,
    XV_TEST_OP_RESUME,
    XV_TEST_OP_SHUTDOWN,
    XV_TEST_OP_REBOOT,
    XV_TEST_OP_SAVE,
    XV_TEST_OP_RESTORE,
    XV_TEST_OP_SET_MAX_MEMORY,
    XV_TEST_OP_SET_MEMORY,
    XV_TEST_OP_SET_VCPUS,
    XV_TEST_OP_PIN_VCPU,
    XV_TEST_OP_ADVANCE_CLOCK,
    XV_TEST_OP_LAST
} xvTestOp;

typedef struct _xvTestJournalEntry xvTestJournalEntry;
struct _xvTestJournalEntry {
    uint64_t atNs;
    xvTestOp op;
    bool hasUUID;
    unsigned char uuid[16];
    unsigned long long num;
    const unsigned char *data;  /* borrowed; NULL when none; read from the
                                 * journal, NUL-terminated after datalen */
    size_t datalen;
};

typedef struct _xvTestJournal xvTestJournal;

/* Opens the journal at the absolute @path, creating it with a header for
 * @nodeKey, @rate and the current CLOCK_MONOTONIC as epoch if it does not
 * exist. Returns the journal and the header's epoch and rate, or NULL with
 * VIR_ERR_OPEN_FAILED reported (also when the header names another node). */
xvTestJournal *xvTestJournalOpen(const char *path, const char *nodeKey, double rate,
                                 uint64_t *retEpochNs, double *retRate);
void xvTestJournalFree(xvTestJournal *journal);
/* The path the journal was opened with. */
const char *xvTestJournalPath(const xvTestJournal *journal);

/* Takes and drops the exclusive flock. Lock reports VIR_ERR_SYSTEM_ERROR. */
int xvTestJournalLock(xvTestJournal *journal);
void xvTestJournalUnlock(xvTestJournal *journal);

typedef void (*xvTestJournalApplyFn)(void *opaque, const xvTestJournalEntry *entry);

/* Locked: calls @apply for each entry appended since the last read, in
 * order. Returns 0, or -1 with VIR_ERR_OPERATION_FAILED when a line is
 * malformed (the entries before it are applied). */
int xvTestJournalRead(xvTestJournal *journal, xvTestJournalApplyFn apply, void *opaque);

/*
 * The parsers of the journal's contents, file-free (the fuzz targets'
 * entry points):
 *
 * xvTestJournalParseHeader reads the header at the start of the @len bytes
 * at @buf (only the first 8 KiB are looked at; a NUL ends them). Returns
 * the header's length, with the node key (free()), epoch and rate; or -1
 * with *@retWhy, a static description ("bad header", or what is wrong with
 * the rate, which must be finite and from 0 to XV_TEST_MAX_RATE). Reports
 * nothing.
 *
 * xvTestJournalParseEntries calls @apply for each whole line of the @len
 * bytes at @data, in order; @data is changed in place (each line's newline
 * becomes a NUL; the entries' data point into it). A last line without a
 * newline is left alone. A malformed line (unknown call, bad UUID or hex, a
 * NUL byte, a time or clock advance above XV_TEST_MAX_NS) stops the parse:
 * -1 with VIR_ERR_OPERATION_FAILED "journal '@label': malformed entry at
 * byte N" (N counted from @base). *@retUsed: the bytes of the lines applied.
 */
ssize_t xvTestJournalParseHeader(const char *buf, size_t len, char **retKey,
                                 uint64_t *retEpochNs, double *retRate, const char **retWhy);
int xvTestJournalParseEntries(char *data, size_t len, const char *label, uint64_t base,
                              xvTestJournalApplyFn apply, void *opaque, size_t *retUsed);

/* Locked, after a read: appends @entry. Returns 0 or -1 (error reported). */
int xvTestJournalAppend(xvTestJournal *journal, const xvTestJournalEntry *entry);

/* "virDomainDestroy"... */
const char *xvTestOpToString(xvTestOp op);
