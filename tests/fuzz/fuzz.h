/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz.h: what the fuzz harnesses (tests/fuzz/fuzz_*.c) share.
 *
 * Each harness defines LLVMFuzzerTestOneInput() and nothing else that is
 * global. Built with -Dfuzz=true (clang), it is linked with libFuzzer's
 * main; otherwise with replay.c, whose main() feeds it every file of its
 * seed corpus and regression directories (the meson suite `fuzz`).
 * A harness must not leak, must not keep state from one input to the next
 * (libFuzzer runs millions in one process) and abort()s when the code under
 * test breaks a property it checks, which libFuzzer reports as a crash.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* The entry point every harness defines (libFuzzer's name and signature). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* @data as a NUL-terminated string, to free(): the parsers take C strings;
 * an embedded NUL simply ends the text early, as it would when read from a
 * file by them. */
char *xvFuzzString(const uint8_t *data, size_t size);

/* Silences the library's default error printing (virDefaultErrorFunc on
 * stderr) for the rest of the process: errors are the expected outcome of
 * most inputs, and printing them would dominate the run time. */
void xvFuzzQuietErrors(void);

/* A private directory made once per process (mkdtemp under $TMPDIR or /tmp)
 * and removed at exit with everything in it; for the parsers that only
 * read files. The returned string is static. */
const char *xvFuzzTempDir(void);

/* Writes @size bytes of @data to @path (created or truncated, 0600).
 * Aborts on failure: the harness cannot go on without its file. */
void xvFuzzWriteFile(const char *path, const uint8_t *data, size_t size);
