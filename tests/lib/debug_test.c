/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* debug_test.c: the opt-in debug trace (lib/debug.c, XVIRT_DEBUG) through
 * the shared library: off by default, one line per call and per error with
 * the place that reported it, whole lines under threads. The environment
 * is read once per process, so each case runs the library in a child. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <regex.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "xvtest.h"

#define DBG_NTHREADS 8
#define DBG_ITERATIONS 400
#define DBG_NAME_LEN 600         /* more than the 256 bytes a string shows */
#define DBG_STR_MAX 256          /* lib/debug.h XV_DEBUG_STR_MAX */
#define DBG_XML_MAX 48           /* lib/debug.h XV_DEBUG_XML_MAX */
#define XV_N_ELEMENTS_(a) (sizeof(a) / sizeof((a)[0]))

/* ---- fixture: a directory for the child's stderr, trace file and notes -- */

typedef struct {
    char *dir;
    char *errPath;    /* the child's standard error */
    char *tracePath;  /* where XVIRT_DEBUG_FILE points, when set */
    char *sidePath;   /* values the child reports (pointers, thread id) */
    char *failPath;   /* why a child check failed */
} dbgTest;

static int
setup_dir(void **state)
{
    dbgTest *t = calloc(1, sizeof(*t));

    assert_non_null(t);
    t->dir = xvTestTempDir();
    t->errPath = xvTestPathIn(t->dir, "stderr");
    t->tracePath = xvTestPathIn(t->dir, "trace.log");
    t->sidePath = xvTestPathIn(t->dir, "side");
    t->failPath = xvTestPathIn(t->dir, "fail");
    *state = t;
    return 0;
}

static int
teardown_dir(void **state)
{
    dbgTest *t = *state;

    xvTestRemoveTree(t->dir);
    free(t->errPath);
    free(t->tracePath);
    free(t->sidePath);
    free(t->failPath);
    free(t);
    return 0;
}

#define DBG_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup_dir, teardown_dir)

/* ---- the child ----------------------------------------------------------- */

/* What a child body gets: a file for values the parent compares with. */
typedef struct {
    FILE *side;
    FILE *fail;
} dbgChild;

/* cmocka cannot run in the forked child: a failed check writes why and
 * makes the child exit 1. */
#define CHILD_CHECK(c, cond) \
    do { \
        if (!(cond)) { \
            fprintf((c)->fail, "line %d: %s (last error: %s)\n", __LINE__, #cond, \
                    virGetLastErrorMessage()); \
            return 1; \
        } \
    } while (0)

static void
childQuietErrors(void *userData, virErrorPtr err)
{
    (void)userData;
    (void)err;
}

/*
 * Runs @body in a child with XVIRT_DEBUG = @debug and XVIRT_DEBUG_FILE =
 * @file (NULL: unset), its standard error in t->errPath, and the default
 * error callback silenced (it is not the trace). The parent never touches
 * the library, so each child reads the environment afresh.
 */
static void
runChild(dbgTest *t, const char *debug, const char *file, int (*body)(dbgChild *))
{
    pid_t pid;
    int status;

    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dbgChild c;
        int fd = open(t->errPath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int rc;

        if (fd < 0 || dup2(fd, STDERR_FILENO) < 0)
            _exit(2);
        close(fd);
        if (debug)
            setenv("XVIRT_DEBUG", debug, 1);
        else
            unsetenv("XVIRT_DEBUG");
        if (file)
            setenv("XVIRT_DEBUG_FILE", file, 1);
        else
            unsetenv("XVIRT_DEBUG_FILE");
        c.side = fopen(t->sidePath, "w");
        c.fail = fopen(t->failPath, "w");
        if (!c.side || !c.fail)
            _exit(2);
        virSetErrorFunc(NULL, childQuietErrors);
        rc = body(&c);
        fclose(c.side);
        fclose(c.fail);
        _exit(rc);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char *why = xvTestReadFile(t->failPath);

        fail_msg("child failed (status 0x%x): %s", (unsigned int)status, why);
    }
}

/* A value "key=VALUE" the child wrote to its side file, to free(). */
static char *
sideValue(dbgTest *t, const char *key)
{
    char *text = xvTestReadFile(t->sidePath);
    size_t klen = strlen(key);
    char *p = text;
    char *value = NULL;

    while (p && *p) {
        char *nl = strchr(p, '\n');

        if (nl)
            *nl = '\0';
        if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
            value = strdup(p + klen + 1);
            break;
        }
        p = nl ? nl + 1 : NULL;
    }
    free(text);
    if (!value)
        fail_msg("the child did not report '%s'", key);
    return value;
}

/* ---- parsing the trace ------------------------------------------------- */

typedef struct {
    long tid;
    char kind[8];   /* call, error, note */
    char *text;     /* after the kind */
} dbgLine;

typedef struct {
    dbgLine *lines;
    size_t n;
    char *buf;
} dbgTrace;

/* Every line of @path, each checked against the documented layout:
 * "YYYY-MM-DD HH:MM:SS.mmm+0000: TID: KIND TEXT". */
static void
traceRead(dbgTrace *tr, const char *path)
{
    regex_t re;
    regmatch_t m[4];
    char *p;

    memset(tr, 0, sizeof(*tr));
    tr->buf = xvTestReadFile(path);
    assert_int_equal(regcomp(&re,
                             "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}"
                             "\\.[0-9]{3}\\+0000: ([0-9]+): (call|error|note) (.*)$",
                             REG_EXTENDED), 0);
    for (p = tr->buf; *p;) {
        char *nl = strchr(p, '\n');
        dbgLine *l;

        if (!nl)
            fail_msg("the trace ends in a partial line: '%s'", p);
        *nl = '\0';
        if (regexec(&re, p, 4, m, 0) != 0)
            fail_msg("malformed trace line: '%s'", p);
        tr->lines = realloc(tr->lines, (tr->n + 1) * sizeof(*tr->lines));
        assert_non_null(tr->lines);
        l = &tr->lines[tr->n++];
        l->tid = strtol(p + m[1].rm_so, NULL, 10);
        snprintf(l->kind, sizeof(l->kind), "%.*s", (int)(m[2].rm_eo - m[2].rm_so),
                 p + m[2].rm_so);
        l->text = p + m[3].rm_so;
        p = nl + 1;
    }
    regfree(&re);
}

static void
traceFree(dbgTrace *tr)
{
    free(tr->lines);
    free(tr->buf);
}

/* The index of the first line from @from of @kind whose text starts with
 * @prefix; fails the test if there is none. */
static size_t
traceFind(const dbgTrace *tr, size_t from, const char *kind, const char *prefix)
{
    size_t i;

    for (i = from; i < tr->n; i++) {
        if (strcmp(tr->lines[i].kind, kind) == 0 &&
            strncmp(tr->lines[i].text, prefix, strlen(prefix)) == 0)
            return i;
    }
    fail_msg("no '%s' line starting with '%s'", kind, prefix);
    return 0;
}

/* An error line, taken apart. */
typedef struct {
    int code;
    int domain;
    char file[256];
    size_t line;
    char func[128];
    const char *message;
} dbgError;

static void
errorParse(const dbgLine *l, dbgError *e)
{
    int off = -1;

    assert_string_equal(l->kind, "error");
    if (sscanf(l->text, "code=%d domain=%d at %255[^:]:%zu (%127[^)]): %n", &e->code,
               &e->domain, e->file, &e->line, e->func, &off) != 5 || off < 0)
        fail_msg("malformed error line: '%s'", l->text);
    e->message = l->text + off;
}

/* Line @lineno (from 1) of the source file @rel, to free(). */
static char *
sourceLine(const char *rel, size_t lineno, char **wholeFile)
{
    const char *srcdir = getenv("XV_TEST_SRCDIR");
    char *path = NULL;
    char *text;
    char *p;
    size_t i;

    assert_non_null(srcdir);
    assert_true(asprintf(&path, "%s/%s", srcdir, rel) > 0);
    text = xvTestReadFile(path);
    free(path);
    p = text;
    for (i = 1; i < lineno && p; i++) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    if (!p || !*p)
        fail_msg("%s has no line %zu", rel, lineno);
    *wholeFile = text;
    return strndup(p, strcspn(p, "\n"));
}

/*
 * The error line points at the real source: the file exists under the
 * source tree, its line @e->line reports an error (an xvReport* call or an
 * xvCheck* macro), and the nearest function defined above it is @e->func.
 */
static void
assertReportSite(const dbgError *e)
{
    char *text = NULL;
    char *line = sourceLine(e->file, e->line, &text);
    const char *defined = NULL;
    size_t defLen = 0;
    char *p = text;
    size_t n;

    if (!strstr(line, "xvReport") && !strstr(line, "xvCheck"))
        fail_msg("%s:%zu reports no error: '%s'", e->file, e->line, line);
    /* function definitions have their name in column 0, then '(' */
    for (n = 1; n < e->line && p; n++) {
        size_t id = 0;

        while ((p[id] >= 'a' && p[id] <= 'z') || (p[id] >= 'A' && p[id] <= 'Z') ||
               (p[id] >= '0' && p[id] <= '9') || p[id] == '_')
            id++;
        if (id > 0 && p[id] == '(') {
            defined = p;
            defLen = id;
        }
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    if (!defined || defLen != strlen(e->func) || strncmp(defined, e->func, defLen) != 0)
        fail_msg("%s:%zu is in %.*s, the trace says %s", e->file, e->line, (int)defLen,
                 defined ? defined : "?", e->func);
    free(line);
    free(text);
}

/* ---- off by default ----------------------------------------------------- */

/* Successful and failing calls, at the public layer and in the driver. */
static int
childSession(dbgChild *c)
{
    virConnectPtr conn = virConnectOpenReadOnly("test:///default");
    virDomainPtr dom;
    virDomainInfo info;

    CHILD_CHECK(c, conn);
    CHILD_CHECK(c, !virDomainLookupByName(conn, "nope"));
    CHILD_CHECK(c, virDomainCreate(NULL) == -1);
    dom = virDomainLookupByName(conn, "test");
    CHILD_CHECK(c, dom);
    CHILD_CHECK(c, virDomainGetInfo(dom, &info) == 0);
    CHILD_CHECK(c, virDomainSuspend(dom) == -1);
    CHILD_CHECK(c, virDomainFree(dom) == 0);
    CHILD_CHECK(c, virConnectClose(conn) == 0);
    return 0;
}

static void
assertFileEmpty(const char *path)
{
    char *text = xvTestReadFile(path);

    if (*text)
        fail_msg("%s is not empty: '%s'", path, text);
    free(text);
}

static void
test_trace_is_off_by_default(void **state)
{
    dbgTest *t = *state;
    struct stat st;

    /* even with a file named, nothing is written nor created */
    runChild(t, NULL, t->tracePath, childSession);
    assertFileEmpty(t->errPath);
    assert_int_equal(stat(t->tracePath, &st), -1);
    assert_int_equal(errno, ENOENT);
}

static void
test_trace_zero_or_empty_is_off(void **state)
{
    dbgTest *t = *state;

    runChild(t, "0", NULL, childSession);
    assertFileEmpty(t->errPath);
    runChild(t, "", NULL, childSession);
    assertFileEmpty(t->errPath);
}

/* ---- one line per call, one per error --------------------------------- */

static int
childCallsAndFailures(dbgChild *c)
{
    virConnectPtr conn = virConnectOpenReadOnly("test:///default");
    virDomainPtr dom;

    CHILD_CHECK(c, conn);
    dom = virDomainLookupByName(conn, "test");
    CHILD_CHECK(c, dom);
    fprintf(c->side, "conn=%p\ndom=%p\ntid=%ld\n", (void *)conn, (void *)dom,
            (long)gettid());
    CHILD_CHECK(c, virDomainReboot(dom, 0x10) == -1);    /* read-only */
    CHILD_CHECK(c, !virDomainLookupByName(conn, "nope")); /* in the driver */
    CHILD_CHECK(c, virDomainCreate(NULL) == -1);          /* bad handle */
    CHILD_CHECK(c, virDomainFree(dom) == 0);
    CHILD_CHECK(c, virConnectClose(conn) == 0);
    return 0;
}

static void
test_trace_logs_each_call_with_its_arguments(void **state)
{
    dbgTest *t = *state;
    char *conn, *dom, *tid;
    char *want[7];
    dbgTrace tr;
    size_t i, at = 0;

    runChild(t, "1", NULL, childCallsAndFailures);
    conn = sideValue(t, "conn");
    dom = sideValue(t, "dom");
    tid = sideValue(t, "tid");
    traceRead(&tr, t->errPath);

    assert_true(asprintf(&want[0], "virConnectOpenReadOnly(name='test:///default')") > 0);
    assert_true(asprintf(&want[1], "virDomainLookupByName(conn=%s 'test:///default', "
                         "name='test')", conn) > 0);
    assert_true(asprintf(&want[2], "virDomainReboot(domain=%s 'test', flags=0x10)", dom) > 0);
    assert_true(asprintf(&want[3], "virDomainLookupByName(conn=%s 'test:///default', "
                         "name='nope')", conn) > 0);
    assert_true(asprintf(&want[4], "virDomainCreate(domain=(nil))") > 0);
    assert_true(asprintf(&want[5], "virDomainFree(domain=%s 'test')", dom) > 0);
    assert_true(asprintf(&want[6], "virConnectClose(conn=%s 'test:///default')", conn) > 0);
    /* the calls in order, each failing one followed by its error only */
    assert_int_equal(tr.n, 7 + 3);
    for (i = 0; i < 7; i++) {
        at = traceFind(&tr, at, "call", want[i]);
        assert_string_equal(tr.lines[at].text, want[i]);
        if (i >= 2 && i <= 4)
            assert_string_equal(tr.lines[at + 1].kind, "error");
        free(want[i]);
    }
    for (i = 0; i < tr.n; i++)
        assert_int_equal(tr.lines[i].tid, strtol(tid, NULL, 10));
    traceFree(&tr);
    free(conn);
    free(dom);
    free(tid);
}

static void
test_trace_error_names_the_file_function_and_line_that_reported_it(void **state)
{
    dbgTest *t = *state;
    dbgTrace tr;
    dbgError e;
    size_t at;

    runChild(t, "1", NULL, childCallsAndFailures);
    traceRead(&tr, t->errPath);

    /* refused by the public layer's read-only check */
    at = traceFind(&tr, 0, "call", "virDomainReboot(");
    errorParse(&tr.lines[at + 1], &e);
    assert_int_equal(e.code, VIR_ERR_OPERATION_DENIED);
    assert_int_equal(e.domain, VIR_FROM_DOM);
    assert_string_equal(e.file, "lib/libvirt-domain.c");
    assert_string_equal(e.func, "virDomainReboot");
    assert_string_equal(e.message, "operation forbidden: virDomainReboot is forbidden on a "
                        "read-only connection");
    assertReportSite(&e);
    {
        char *text = NULL;
        char *line = sourceLine(e.file, e.line, &text);

        assert_non_null(strstr(line, "xvCheckReadOnlyGoto("));
        free(line);
        free(text);
    }

    /* reported by the driver, where the cause is known */
    at = traceFind(&tr, at + 1, "call", "virDomainLookupByName(");
    errorParse(&tr.lines[at + 1], &e);
    assert_int_equal(e.code, VIR_ERR_NO_DOMAIN);
    assert_int_equal(e.domain, VIR_FROM_TEST);
    assert_int_equal(strncmp(e.file, "lib/test/", 9), 0);
    assert_non_null(strstr(e.message, "'nope'"));
    assertReportSite(&e);

    /* a dead handle: the handle check of the call itself */
    at = traceFind(&tr, at + 1, "call", "virDomainCreate(");
    errorParse(&tr.lines[at + 1], &e);
    assert_int_equal(e.code, VIR_ERR_INVALID_DOMAIN);
    assert_string_equal(e.file, "lib/libvirt-domain.c");
    assert_string_equal(e.func, "virDomainCreate");
    assertReportSite(&e);
    traceFree(&tr);
}

/* ---- strings: quoted, cut, escaped ------------------------------------- */

#define DBG_LONG_XML \
    "<domain type='test'>\n  <name>zeta</name>\n  <memory>131072</memory>\n" \
    "  <vcpu>1</vcpu>\n  <os><type>linux</type></os>\n</domain>\n"

static int
childStrings(dbgChild *c)
{
    virConnectPtr conn = virConnectOpenReadOnly("test:///default");

    CHILD_CHECK(c, conn);
    CHILD_CHECK(c, !virDomainDefineXML(conn, DBG_LONG_XML));
    CHILD_CHECK(c, !virDomainCreateLinux(conn, DBG_LONG_XML, 0x3));
    CHILD_CHECK(c, !virDomainLookupByName(conn, "tab\there\nnewline\\"));
    CHILD_CHECK(c, !virDomainLookupByName(conn, NULL));
    CHILD_CHECK(c, virConnectClose(conn) == 0);
    return 0;
}

/* @s as the trace escapes it. */
static char *
escaped(const char *s, size_t n)
{
    char *out = calloc(1, 4 * n + 1);
    size_t i, o = 0;

    assert_non_null(out);
    for (i = 0; i < n; i++) {
        if (s[i] == '\n') {
            out[o++] = '\\';
            out[o++] = 'n';
        } else if (s[i] == '\t') {
            out[o++] = '\\';
            out[o++] = 't';
        } else if (s[i] == '\\') {
            out[o++] = '\\';
            out[o++] = '\\';
        } else {
            out[o++] = s[i];
        }
    }
    return out;
}

/* @l contains @want (which it frees). */
static void
assertLineHas(const dbgLine *l, char *want)
{
    if (!strstr(l->text, want))
        fail_msg("'%s' lacks '%s'", l->text, want);
    free(want);
}

static void
test_trace_shows_a_prefix_of_xml_and_keeps_every_line_whole(void **state)
{
    dbgTest *t = *state;
    char *prefix = escaped(DBG_LONG_XML, DBG_XML_MAX);
    char *want = NULL;
    dbgTrace tr;
    size_t at;

    runChild(t, "1", NULL, childStrings);
    /* traceRead fails on any line that does not start with a prefix: the
     * newlines of the XML and of the name did not break a line */
    traceRead(&tr, t->errPath);

    at = traceFind(&tr, 0, "call", "virDomainDefineXML(");
    assert_true(asprintf(&want, "xml='%s'... (%zu bytes))", prefix,
                         strlen(DBG_LONG_XML)) > 0);
    assertLineHas(&tr.lines[at], want);
    at = traceFind(&tr, at, "call", "virDomainCreateLinux(");
    assert_true(asprintf(&want, "xmlDesc='%s'... (%zu bytes), flags=0x3)", prefix,
                         strlen(DBG_LONG_XML)) > 0);
    assertLineHas(&tr.lines[at], want);

    at = traceFind(&tr, at, "call", "virDomainLookupByName(");
    assert_non_null(strstr(tr.lines[at].text, "name='tab\\there\\nnewline\\\\')"));
    /* ... and the message of its error too */
    assert_non_null(strstr(tr.lines[at + 1].text, "'tab\\there\\nnewline\\\\'"));
    at = traceFind(&tr, at + 1, "call", "virDomainLookupByName(");
    assert_non_null(strstr(tr.lines[at].text, "name=NULL)"));
    assert_non_null(strstr(tr.lines[at + 1].text, "name in virDomainLookupByName must not "
                           "be NULL"));
    traceFree(&tr);
    free(prefix);
}

/* ---- where the lines go ----------------------------------------------- */

static void
test_trace_file_is_appended_to_instead_of_stderr(void **state)
{
    dbgTest *t = *state;
    struct stat st;
    dbgTrace tr;
    size_t first;

    runChild(t, "1", t->tracePath, childCallsAndFailures);
    assertFileEmpty(t->errPath);
    assert_int_equal(stat(t->tracePath, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    traceRead(&tr, t->tracePath);
    first = tr.n;
    assert_int_equal(first, 10);
    traceFree(&tr);

    /* a second process appends */
    runChild(t, "1", t->tracePath, childCallsAndFailures);
    traceRead(&tr, t->tracePath);
    assert_int_equal(tr.n, 2 * first);
    assert_true(tr.lines[0].tid != tr.lines[first].tid);
    traceFree(&tr);
}

static void
test_trace_unopenable_file_falls_back_to_stderr_and_says_so(void **state)
{
    dbgTest *t = *state;
    char *bad = xvTestPathIn(t->dir, "missing/trace.log");
    char *note = NULL;
    dbgTrace tr;

    runChild(t, "1", bad, childCallsAndFailures);
    traceRead(&tr, t->errPath);
    assert_true(asprintf(&note, "cannot open XVIRT_DEBUG_FILE '%s': %s; tracing to "
                         "standard error", bad, strerror(ENOENT)) > 0);
    assert_int_equal(tr.n, 1 + 10);
    assert_string_equal(tr.lines[0].kind, "note");
    assert_string_equal(tr.lines[0].text, note);
    traceFind(&tr, 1, "call", "virConnectOpenReadOnly(");
    traceFree(&tr);
    free(note);
    free(bad);
}

/* ---- threads ------------------------------------------------------------ */

typedef struct {
    virConnectPtr conn;
    char letter;
    int failures;
} dbgThread;

static void *
dbgThreadRun(void *opaque)
{
    dbgThread *th = opaque;
    char name[DBG_NAME_LEN + 1];
    int i;

    memset(name, th->letter, DBG_NAME_LEN);
    name[DBG_NAME_LEN] = '\0';
    for (i = 0; i < DBG_ITERATIONS; i++) {
        if (virDomainLookupByName(th->conn, name) ||
            virGetLastErrorCode() != VIR_ERR_NO_DOMAIN)
            th->failures++;
    }
    return NULL;
}

static int
childThreads(dbgChild *c)
{
    virConnectPtr conn = virConnectOpenReadOnly("test:///default");
    pthread_t tids[DBG_NTHREADS];
    dbgThread th[DBG_NTHREADS];
    int i;

    CHILD_CHECK(c, conn);
    fprintf(c->side, "conn=%p\n", (void *)conn);
    for (i = 0; i < DBG_NTHREADS; i++) {
        th[i].conn = conn;
        th[i].letter = (char)('a' + i);
        th[i].failures = 0;
        CHILD_CHECK(c, pthread_create(&tids[i], NULL, dbgThreadRun, &th[i]) == 0);
    }
    for (i = 0; i < DBG_NTHREADS; i++) {
        CHILD_CHECK(c, pthread_join(tids[i], NULL) == 0);
        CHILD_CHECK(c, th[i].failures == 0);
    }
    CHILD_CHECK(c, virConnectClose(conn) == 0);
    return 0;
}

static void
test_lines_of_concurrent_threads_never_interleave(void **state)
{
    dbgTest *t = *state;
    char *conn;
    char *call[DBG_NTHREADS];
    char *quoted[DBG_NTHREADS];
    long tidOf[DBG_NTHREADS] = { 0 };
    size_t seen[DBG_NTHREADS][2] = { { 0 } };
    char run[DBG_NAME_LEN + 1];
    dbgTrace tr;
    size_t i;
    int k;

    runChild(t, "1", t->tracePath, childThreads);
    conn = sideValue(t, "conn");
    for (k = 0; k < DBG_NTHREADS; k++) {
        memset(run, 'a' + k, DBG_NAME_LEN);
        run[DBG_NAME_LEN] = '\0';
        assert_true(asprintf(&call[k], "virDomainLookupByName(conn=%s 'test:///default', "
                             "name='%.*s'... (%d bytes))", conn, DBG_STR_MAX, run,
                             DBG_NAME_LEN) > 0);
        assert_true(asprintf(&quoted[k], "'%s'", run) > 0);
    }
    traceRead(&tr, t->tracePath);
    /* every line is whole and one of the two expected, for one thread */
    for (i = 0; i < tr.n; i++) {
        const dbgLine *l = &tr.lines[i];
        int which = -1;

        for (k = 0; k < DBG_NTHREADS && which < 0; k++) {
            if (strcmp(l->kind, "call") == 0 && strcmp(l->text, call[k]) == 0)
                which = 0;
            else if (strcmp(l->kind, "error") == 0 &&
                     strncmp(l->text, "code=42 domain=12 at ", 21) == 0 &&
                     strlen(strstr(l->text, ": ") + 2) ==
                         strlen("domain not found: no domain with matching name ") +
                         DBG_NAME_LEN + 2 &&
                     strstr(l->text, quoted[k]))
                which = 1;
            if (which >= 0) {
                seen[k][which]++;
                /* one thread, one thread id */
                if (tidOf[k] == 0)
                    tidOf[k] = l->tid;
                assert_int_equal(l->tid, tidOf[k]);
            }
        }
        if (which < 0 && strcmp(l->text, "virConnectOpenReadOnly(name='test:///default')") &&
            strncmp(l->text, "virConnectClose(", 16))
            fail_msg("unexpected or mixed line %zu: '%.200s'", i, l->text);
    }
    for (k = 0; k < DBG_NTHREADS; k++) {
        assert_int_equal(seen[k][0], DBG_ITERATIONS);
        assert_int_equal(seen[k][1], DBG_ITERATIONS);
        free(call[k]);
        free(quoted[k]);
    }
    assert_int_equal(tr.n, 2 + 2 * DBG_NTHREADS * DBG_ITERATIONS);
    traceFree(&tr);
    free(conn);
}

/* ---- every public call: its line, then its error from its own check ----- */

/* The public calls of libvirt.h in its order, and the function that reports
 * the error a NULL handle or argument gets (NULL: the call cannot fail). */
static const struct {
    const char *call;
    const char *reporter;
} dbgCalls[] = {
    { "virInitialize", NULL },
    { "virGetVersion", "virGetVersion" },
    { "virConnectOpen", "xvDriverOpen" },
    { "virConnectOpenReadOnly", "xvDriverOpen" },
    { "virConnectClose", "virConnectClose" },
    { "virConnectGetType", "virConnectGetType" },
    { "virConnectGetVersion", "virConnectGetVersion" },
    { "virNodeGetInfo", "virNodeGetInfo" },
    { "virConnectNumOfDomains", "virConnectNumOfDomains" },
    { "virConnectListDomains", "virConnectListDomains" },
    { "virConnectListDefinedDomains", "virConnectListDefinedDomains" },
    { "virDomainCreateLinux", "virDomainCreateLinux" },
    { "virDomainDefineXML", "virDomainDefineXML" },
    { "virDomainUndefine", "virDomainUndefine" },
    { "virDomainCreate", "virDomainCreate" },
    { "virDomainLookupByID", "virDomainLookupByID" },
    { "virDomainLookupByName", "virDomainLookupByName" },
    { "virDomainLookupByUUID", "virDomainLookupByUUID" },
    { "virDomainLookupByUUIDString", "virDomainLookupByUUIDString" },
    { "virDomainFree", "virDomainFree" },
    { "virDomainDestroy", "virDomainDestroy" },
    { "virDomainSuspend", "virDomainSuspend" },
    { "virDomainResume", "virDomainResume" },
    { "virDomainShutdown", "virDomainShutdown" },
    { "virDomainReboot", "virDomainReboot" },
    { "virDomainSave", "virDomainSave" },
    { "virDomainRestore", "virDomainRestore" },
    { "virDomainGetName", "virDomainGetName" },
    { "virDomainGetID", "virDomainGetID" },
    { "virDomainGetUUID", "virDomainGetUUID" },
    { "virDomainGetUUIDString", "virDomainGetUUIDString" },
    { "virDomainGetOSType", "virDomainGetOSType" },
    { "virDomainGetMaxMemory", "virDomainGetMaxMemory" },
    { "virDomainSetMaxMemory", "virDomainSetMaxMemory" },
    { "virDomainSetMemory", "virDomainSetMemory" },
    { "virDomainGetInfo", "virDomainGetInfo" },
    { "virDomainGetXMLDesc", "virDomainGetXMLDesc" },
    { "virDomainSetVcpus", "virDomainSetVcpus" },
    { "virDomainPinVcpu", "virDomainPinVcpu" },
    { "virDomainGetVcpus", "virDomainGetVcpus" },
    { "virNodeGetFreeMemory", "virNodeGetFreeMemory" },
    { "virDomainMemoryStats", "virDomainMemoryStats" },
    { "virDomainBlockStats", "virDomainBlockStats" },
    { "virDomainInterfaceStats", "virDomainInterfaceStats" },
    { "virNodeGetCPUStats", "virNodeGetCPUStats" },
    { "virEventRegisterImpl", NULL },
    { "virEventRunDefaultImpl", "virEventRunDefaultImpl" },
    { "virEventRegisterDefaultImpl", NULL },
    { "virEventAddHandle", NULL },
    { "virEventUpdateHandle", NULL },
    { "virEventRemoveHandle", NULL },
    { "virEventAddTimeout", NULL },
    { "virEventUpdateTimeout", NULL },
    { "virEventRemoveTimeout", NULL },
    { "virConnectDomainEventRegister", "virConnectDomainEventRegister" },
    { "virConnectDomainEventDeregister", "virConnectDomainEventDeregister" },
    { "virConnectDomainEventRegisterAny", "virConnectDomainEventRegisterAny" },
    { "virConnectDomainEventDeregisterAny", "virConnectDomainEventDeregisterAny" },
    { "virDomainRef", "virDomainRef" },
};

static int
childEveryCall(dbgChild *c)
{
    static const unsigned char uuid[16] = { 1 };
    unsigned long ver;
    unsigned char raw[16];
    char str[37];
    virNodeInfo node;
    virDomainInfo info;
    virVcpuInfo vinfo[1];
    unsigned char map[1] = { 1 };
    int ids[1];
    const char *names[1];
    virDomainBlockStatsStruct block;
    virDomainInterfaceStatsStruct net;
    int nparams = 0;

    CHILD_CHECK(c, virInitialize() == 0);
    CHILD_CHECK(c, virGetVersion(NULL, NULL, NULL) == -1);
    CHILD_CHECK(c, !virConnectOpen("bogus:///"));
    CHILD_CHECK(c, !virConnectOpenReadOnly("bogus:///"));
    CHILD_CHECK(c, virConnectClose(NULL) == -1);
    CHILD_CHECK(c, !virConnectGetType(NULL));
    CHILD_CHECK(c, virConnectGetVersion(NULL, &ver) == -1);
    CHILD_CHECK(c, virNodeGetInfo(NULL, &node) == -1);
    CHILD_CHECK(c, virConnectNumOfDomains(NULL) == -1);
    CHILD_CHECK(c, virConnectListDomains(NULL, ids, 1) == -1);
    CHILD_CHECK(c, virConnectListDefinedDomains(NULL, names, 1) == -1);
    CHILD_CHECK(c, !virDomainCreateLinux(NULL, "<domain/>", 0));
    CHILD_CHECK(c, !virDomainDefineXML(NULL, "<domain/>"));
    CHILD_CHECK(c, virDomainUndefine(NULL) == -1);
    CHILD_CHECK(c, virDomainCreate(NULL) == -1);
    CHILD_CHECK(c, !virDomainLookupByID(NULL, 1));
    CHILD_CHECK(c, !virDomainLookupByName(NULL, "a"));
    CHILD_CHECK(c, !virDomainLookupByUUID(NULL, uuid));
    CHILD_CHECK(c, !virDomainLookupByUUIDString(NULL, "a1a1a1a1-0000-4000-8000-000000000001"));
    CHILD_CHECK(c, virDomainFree(NULL) == -1);
    CHILD_CHECK(c, virDomainDestroy(NULL) == -1);
    CHILD_CHECK(c, virDomainSuspend(NULL) == -1);
    CHILD_CHECK(c, virDomainResume(NULL) == -1);
    CHILD_CHECK(c, virDomainShutdown(NULL) == -1);
    CHILD_CHECK(c, virDomainReboot(NULL, 0) == -1);
    CHILD_CHECK(c, virDomainSave(NULL, "/nonexistent") == -1);
    CHILD_CHECK(c, virDomainRestore(NULL, "/nonexistent") == -1);
    CHILD_CHECK(c, !virDomainGetName(NULL));
    CHILD_CHECK(c, virDomainGetID(NULL) == (unsigned int)-1);
    CHILD_CHECK(c, virDomainGetUUID(NULL, raw) == -1);
    CHILD_CHECK(c, virDomainGetUUIDString(NULL, str) == -1);
    CHILD_CHECK(c, !virDomainGetOSType(NULL));
    CHILD_CHECK(c, virDomainGetMaxMemory(NULL) == 0);
    CHILD_CHECK(c, virDomainSetMaxMemory(NULL, 1024) == -1);
    CHILD_CHECK(c, virDomainSetMemory(NULL, 1024) == -1);
    CHILD_CHECK(c, virDomainGetInfo(NULL, &info) == -1);
    CHILD_CHECK(c, !virDomainGetXMLDesc(NULL, 0));
    CHILD_CHECK(c, virDomainSetVcpus(NULL, 1) == -1);
    CHILD_CHECK(c, virDomainPinVcpu(NULL, 0, map, 1) == -1);
    CHILD_CHECK(c, virDomainGetVcpus(NULL, vinfo, 1, NULL, 0) == -1);
    CHILD_CHECK(c, virNodeGetFreeMemory(NULL) == 0);
    CHILD_CHECK(c, virDomainMemoryStats(NULL, NULL, 0, 0) == -1);
    CHILD_CHECK(c, virDomainBlockStats(NULL, "xvda", &block, sizeof(block)) == -1);
    CHILD_CHECK(c, virDomainInterfaceStats(NULL, "vif1.0", &net, sizeof(net)) == -1);
    CHILD_CHECK(c, virNodeGetCPUStats(NULL, 0, NULL, &nparams, 0) == -1);
    /* the loop hooks report nothing of their own: without a loop they fail,
     * with the library's loop an unknown watch or timer is ignored */
    virEventRegisterImpl(NULL, NULL, NULL, NULL, NULL, NULL);
    CHILD_CHECK(c, virEventRunDefaultImpl() == -1);
    CHILD_CHECK(c, virEventRegisterDefaultImpl() == 0);
    CHILD_CHECK(c, virEventAddHandle(-1, 0, NULL, NULL, NULL) == -1);
    virEventUpdateHandle(-1, 0);
    CHILD_CHECK(c, virEventRemoveHandle(-1) == -1);
    CHILD_CHECK(c, virEventAddTimeout(-1, NULL, NULL, NULL) == -1);
    virEventUpdateTimeout(-1, 0);
    CHILD_CHECK(c, virEventRemoveTimeout(-1) == -1);
    CHILD_CHECK(c, virConnectDomainEventRegister(NULL, NULL, NULL, NULL) == -1);
    CHILD_CHECK(c, virConnectDomainEventDeregister(NULL, NULL) == -1);
    CHILD_CHECK(c, virConnectDomainEventRegisterAny(NULL, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                                    NULL, NULL, NULL) == -1);
    CHILD_CHECK(c, virConnectDomainEventDeregisterAny(NULL, 0) == -1);
    CHILD_CHECK(c, virDomainRef(NULL) == -1);
    return 0;
}

/* The functions libvirt.h declares, in its order. */
static size_t
headerCalls(char ***ret)
{
    const char *srcdir = getenv("XV_TEST_SRCDIR");
    char *path = NULL;
    char *text, *p;
    char **names = NULL;
    size_t n = 0;
    regex_t re;
    regmatch_t m[2];

    assert_non_null(srcdir);
    assert_true(asprintf(&path, "%s/include/libvirt/libvirt.h", srcdir) > 0);
    text = xvTestReadFile(path);
    assert_int_equal(regcomp(&re, "^[A-Za-z].*[ *](vir[A-Za-z]+)\\(", REG_EXTENDED), 0);
    for (p = text; p && *p;) {
        char *nl = strchr(p, '\n');

        if (nl)
            *nl = '\0';
        if (regexec(&re, p, 2, m, 0) == 0) {
            names = realloc(names, (n + 1) * sizeof(*names));
            assert_non_null(names);
            names[n++] = strndup(p + m[1].rm_so, (size_t)(m[1].rm_eo - m[1].rm_so));
        }
        p = nl ? nl + 1 : NULL;
    }
    regfree(&re);
    free(text);
    free(path);
    *ret = names;
    return n;
}

static void
test_every_public_call_traces_itself_then_the_error_of_its_own_check(void **state)
{
    dbgTest *t = *state;
    char **names = NULL;
    size_t n = headerCalls(&names);
    dbgTrace tr;
    size_t i, at = 0;

    /* the table is every call of the header */
    assert_int_equal(n, XV_N_ELEMENTS_(dbgCalls));
    for (i = 0; i < n; i++) {
        assert_string_equal(names[i], dbgCalls[i].call);
        free(names[i]);
    }
    free(names);

    runChild(t, "1", NULL, childEveryCall);
    traceRead(&tr, t->errPath);
    for (i = 0; i < XV_N_ELEMENTS_(dbgCalls); i++) {
        char *want = NULL;
        dbgError e;

        assert_true(asprintf(&want, "%s(", dbgCalls[i].call) > 0);
        if (strncmp(tr.lines[at].text, want, strlen(want)) != 0 ||
            strcmp(tr.lines[at].kind, "call") != 0)
            fail_msg("line %zu: expected the call %s, got %s '%s'", at, dbgCalls[i].call,
                     tr.lines[at].kind, tr.lines[at].text);
        free(want);
        at++;
        if (!dbgCalls[i].reporter)
            continue;
        errorParse(&tr.lines[at++], &e);
        assert_string_equal(e.func, dbgCalls[i].reporter);
        assertReportSite(&e);
    }
    assert_int_equal(at, tr.n);
    traceFree(&tr);
}

static const struct CMUnitTest tests[] = {
    DBG_TEST(test_trace_is_off_by_default),
    DBG_TEST(test_trace_zero_or_empty_is_off),
    DBG_TEST(test_trace_logs_each_call_with_its_arguments),
    DBG_TEST(test_trace_error_names_the_file_function_and_line_that_reported_it),
    DBG_TEST(test_trace_shows_a_prefix_of_xml_and_keeps_every_line_whole),
    DBG_TEST(test_trace_file_is_appended_to_instead_of_stderr),
    DBG_TEST(test_trace_unopenable_file_falls_back_to_stderr_and_says_so),
    DBG_TEST(test_lines_of_concurrent_threads_never_interleave),
    DBG_TEST(test_every_public_call_traces_itself_then_the_error_of_its_own_check),
};

/* No library call here: the children must each start it afresh. */
XV_TEST_MAIN(tests)
