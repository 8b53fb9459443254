/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* virerror_test.c: the error API (lib/virerror.c): per-thread and
 * per-connection records, copies, callbacks and the default handler. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xvtest.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "util/xvmacros.h"
#include "virerror.h"

#define XV_TEST_REPORT(code, ...) \
    xvReportErrorFull(VIR_FROM_TEST, (code), __FILE__, __func__, __LINE__, __VA_ARGS__)

/* ---- callbacks ----------------------------------------------------------- */

typedef struct {
    int calls;
    int code;
    int domain;
    void *userData;
    char message[512];
} cbRecord;

static void
recordErrorFunc(void *userData, virErrorPtr err)
{
    cbRecord *rec = userData;

    rec->calls++;
    rec->userData = userData;
    rec->code = err ? err->code : -1;
    rec->domain = err ? err->domain : -1;
    snprintf(rec->message, sizeof(rec->message), "%s",
             err && err->message ? err->message : "(null)");
}

static void
quietErrorFunc(void *userData, virErrorPtr err)
{
    (void)userData;
    (void)err;
}

static int
setup_quiet(void **state)
{
    (void)state;
    virSetErrorFunc(NULL, quietErrorFunc);
    virResetLastError();
    return 0;
}

#define QUIET_TEST(fn) cmocka_unit_test_setup(fn, setup_quiet)

/* Runs @fn with stderr redirected; returns what it printed (to free()). */
static char *
captureStderr(void (*fn)(void *), void *arg)
{
    FILE *tmp = tmpfile();
    char *out;
    long len;
    int saved;

    assert_non_null(tmp);
    fflush(stderr);
    saved = dup(STDERR_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);
    fn(arg);
    fflush(stderr);
    assert_true(dup2(saved, STDERR_FILENO) >= 0);
    close(saved);
    len = ftell(tmp);
    assert_true(len >= 0);
    out = calloc(1, (size_t)len + 1);
    assert_non_null(out);
    rewind(tmp);
    if (len > 0)
        assert_int_equal(fread(out, 1, (size_t)len, tmp), (size_t)len);
    fclose(tmp);
    return out;
}

/* ---- the thread's last error ---------------------------------------------- */

static void
test_no_error_reads_as_ok(void **state)
{
    (void)state;
    virResetLastError();
    assert_null(virGetLastError());
    assert_string_equal(virGetLastErrorMessage(), "no error");
    assert_int_equal(virGetLastErrorCode(), VIR_ERR_OK);
    assert_int_equal(virGetLastErrorDomain(), VIR_FROM_NONE);
}

static void
test_report_sets_code_origin_level_and_message(void **state)
{
    virErrorPtr err;

    (void)state;
    XV_TEST_REPORT(VIR_ERR_NO_DOMAIN, "no domain with name '%s'", "web01");
    err = virGetLastError();
    assert_non_null(err);
    assert_int_equal(err->code, VIR_ERR_NO_DOMAIN);
    assert_int_equal(err->domain, VIR_FROM_TEST);
    assert_int_equal(err->level, VIR_ERR_ERROR);
    assert_string_equal(err->message, "domain not found: no domain with name 'web01'");
    assert_null(err->conn);
    assert_null(err->dom);
    assert_null(err->net);
    assert_int_equal(virGetLastErrorCode(), VIR_ERR_NO_DOMAIN);
    assert_int_equal(virGetLastErrorDomain(), VIR_FROM_TEST);
    assert_string_equal(virGetLastErrorMessage(), err->message);
}

static void
test_report_with_empty_detail_uses_the_generic_text(void **state)
{
    (void)state;
    XV_TEST_REPORT(VIR_ERR_XML_ERROR, "%s", "");
    assert_string_equal(virGetLastErrorMessage(), "XML error");
}

static void
test_every_error_code_has_a_text(void **state)
{
    int code;

    (void)state;
    for (code = VIR_ERR_INTERNAL_ERROR; code <= VIR_ERR_OPERATION_UNSUPPORTED; code++) {
        const char *msg;

        XV_TEST_REPORT(code, "%s", "");
        assert_int_equal(virGetLastErrorCode(), code);
        msg = virGetLastErrorMessage();
        if (!msg[0] || strcmp(msg, "error") == 0 || strcmp(msg, "unknown error") == 0)
            fail_msg("error code %d has no text of its own ('%s')", code, msg);
    }
}

static void
test_unknown_error_code_gets_a_generic_text(void **state)
{
    (void)state;
    XV_TEST_REPORT(9999, "something odd %d", 42);
    assert_int_equal(virGetLastErrorCode(), 9999);
    assert_non_null(strstr(virGetLastErrorMessage(), "something odd 42"));
}

static void
test_new_report_replaces_the_previous_one(void **state)
{
    (void)state;
    XV_TEST_REPORT(VIR_ERR_NO_DOMAIN, "first");
    XV_TEST_REPORT(VIR_ERR_INVALID_ARG, "second");
    assert_int_equal(virGetLastErrorCode(), VIR_ERR_INVALID_ARG);
    assert_null(strstr(virGetLastErrorMessage(), "first"));
    assert_non_null(strstr(virGetLastErrorMessage(), "second"));
}

static void
test_report_preserves_errno(void **state)
{
    (void)state;
    errno = EBUSY;
    XV_TEST_REPORT(VIR_ERR_OPERATION_FAILED, "busy %s", "now");
    assert_int_equal(errno, EBUSY);
    errno = ENOSPC;
    xvReportSystemErrorFull(VIR_FROM_TEST, EIO, __FILE__, __func__, __LINE__, "write");
    assert_int_equal(errno, ENOSPC);
}

static void
test_system_error_appends_strerror(void **state)
{
    char expected[256];

    (void)state;
    xvReportSystemErrorFull(VIR_FROM_TEST, ENOENT, __FILE__, __func__, __LINE__,
                            "cannot open '%s'", "/no/such/file");
    assert_int_equal(virGetLastErrorCode(), VIR_ERR_SYSTEM_ERROR);
    assert_int_equal(virGetLastErrorDomain(), VIR_FROM_TEST);
    snprintf(expected, sizeof(expected), "cannot open '/no/such/file': %s", strerror(ENOENT));
    assert_non_null(strstr(virGetLastErrorMessage(), expected));
}

static void
test_reset_last_error_clears_it(void **state)
{
    (void)state;
    XV_TEST_REPORT(VIR_ERR_NO_DOMAIN, "x");
    assert_non_null(virGetLastError());
    virResetLastError();
    assert_null(virGetLastError());
    assert_string_equal(virGetLastErrorMessage(), "no error");
    virResetLastError(); /* twice is fine */
    assert_null(virGetLastError());
}

static void
test_successful_public_call_clears_the_last_error(void **state)
{
    virConnectPtr conn;

    (void)state;
    XV_TEST_REPORT(VIR_ERR_NO_DOMAIN, "x");
    conn = virConnectOpenReadOnly("test:///default");
    assert_non_null(conn);
    assert_null(virGetLastError());
    XV_TEST_REPORT(VIR_ERR_NO_DOMAIN, "y");
    assert_true(virConnectNumOfDomains(conn) >= 0);
    assert_null(virGetLastError());
    assert_int_equal(virConnectClose(conn), 0);
}

/* ---- copies ------------------------------------------------------------- */

static void
test_copy_last_error_is_a_deep_copy(void **state)
{
    virError copy;
    virErrorPtr err;

    (void)state;
    XV_TEST_REPORT(VIR_ERR_DOM_EXIST, "domain '%s' exists", "a");
    err = virGetLastError();
    memset(&copy, 0xA5, sizeof(copy));
    assert_int_equal(virCopyLastError(&copy), VIR_ERR_DOM_EXIST);
    assert_int_equal(copy.code, VIR_ERR_DOM_EXIST);
    assert_int_equal(copy.domain, VIR_FROM_TEST);
    assert_int_equal(copy.level, VIR_ERR_ERROR);
    assert_string_equal(copy.message, err->message);
    assert_true(copy.message != err->message);
    assert_null(copy.conn);
    assert_null(copy.dom);
    assert_null(copy.net);
    assert_null(copy.str1);
    /* the copy outlives the original */
    virResetLastError();
    assert_non_null(strstr(copy.message, "domain 'a' exists"));
    virResetError(&copy);
    assert_int_equal(copy.code, 0);
    assert_int_equal(copy.domain, 0);
    assert_null(copy.message);
}

static void
test_copy_last_error_without_error_zeroes_and_returns_zero(void **state)
{
    virError copy;

    (void)state;
    virResetLastError();
    memset(&copy, 0xA5, sizeof(copy));
    assert_int_equal(virCopyLastError(&copy), 0);
    assert_int_equal(copy.code, 0);
    assert_int_equal(copy.domain, 0);
    assert_null(copy.message);
    assert_null(copy.str1);
    virResetError(&copy);
}

static void
test_copy_last_error_to_null_is_minus_one(void **state)
{
    (void)state;
    XV_TEST_REPORT(VIR_ERR_DOM_EXIST, "x");
    assert_int_equal(virCopyLastError(NULL), -1);
    /* the error itself is untouched */
    assert_int_equal(virGetLastErrorCode(), VIR_ERR_DOM_EXIST);
}

static void
test_save_last_error_returns_an_independent_copy(void **state)
{
    virErrorPtr saved;

    (void)state;
    XV_TEST_REPORT(VIR_ERR_OPERATION_INVALID, "domain is %s", "paused");
    saved = virSaveLastError();
    assert_non_null(saved);
    assert_true(saved != virGetLastError());
    assert_int_equal(saved->code, VIR_ERR_OPERATION_INVALID);
    assert_int_equal(saved->domain, VIR_FROM_TEST);
    XV_TEST_REPORT(VIR_ERR_NO_DOMAIN, "other");
    assert_int_equal(saved->code, VIR_ERR_OPERATION_INVALID);
    assert_non_null(strstr(saved->message, "domain is paused"));
    virFreeError(saved);
}

static void
test_save_last_error_without_error_is_an_empty_error(void **state)
{
    virErrorPtr saved;

    (void)state;
    virResetLastError();
    saved = virSaveLastError();
    assert_non_null(saved);
    assert_int_equal(saved->code, VIR_ERR_OK);
    assert_null(saved->message);
    virFreeError(saved);
}

static void
test_reset_and_free_error_accept_null(void **state)
{
    (void)state;
    virResetError(NULL);
    virFreeError(NULL);
}

/* ---- callbacks ----------------------------------------------------------- */

static void
test_global_callback_gets_each_failure_once(void **state)
{
    cbRecord rec;
    virConnectPtr conn;

    (void)state;
    memset(&rec, 0, sizeof(rec));
    virSetErrorFunc(&rec, recordErrorFunc);
    assert_int_equal(virConnectNumOfDomains(NULL), -1);
    assert_int_equal(rec.calls, 1);
    assert_ptr_equal(rec.userData, &rec);
    assert_int_equal(rec.code, VIR_ERR_INVALID_CONN);
    assert_int_equal(rec.domain, virGetLastErrorDomain());
    assert_string_equal(rec.message, virGetLastErrorMessage());
    assert_non_null(strstr(rec.message, "virConnectNumOfDomains"));
    /* successes are not reported */
    conn = virConnectOpenReadOnly("test:///default");
    assert_non_null(conn);
    assert_true(virConnectNumOfDomains(conn) >= 0);
    assert_int_equal(rec.calls, 1);
    assert_null(virDomainLookupByName(conn, "no-such-domain"));
    assert_int_equal(rec.calls, 2);
    assert_int_equal(rec.code, VIR_ERR_NO_DOMAIN);
    assert_non_null(strstr(rec.message, "no-such-domain"));
    assert_int_equal(virConnectClose(conn), 0);
    assert_int_equal(rec.calls, 2);
    virSetErrorFunc(NULL, quietErrorFunc);
}

static void
test_connection_callback_takes_precedence_for_its_calls(void **state)
{
    cbRecord global, local;
    virConnectPtr a, b;

    (void)state;
    memset(&global, 0, sizeof(global));
    memset(&local, 0, sizeof(local));
    virSetErrorFunc(&global, recordErrorFunc);
    a = virConnectOpenReadOnly("test:///default");
    b = virConnectOpenReadOnly("test:///default");
    assert_non_null(a);
    assert_non_null(b);
    virConnSetErrorFunc(a, &local, recordErrorFunc);

    assert_null(virDomainLookupByName(a, "nope-a"));
    assert_int_equal(local.calls, 1);
    assert_int_equal(global.calls, 0);
    assert_ptr_equal(local.userData, &local);
    assert_int_equal(local.code, VIR_ERR_NO_DOMAIN);
    assert_non_null(strstr(local.message, "nope-a"));

    /* another connection, or none: the global callback */
    assert_null(virDomainLookupByName(b, "nope-b"));
    assert_int_equal(global.calls, 1);
    assert_non_null(strstr(global.message, "nope-b"));
    assert_null(virDomainLookupByName(NULL, "nope-c"));
    assert_int_equal(global.calls, 2);
    assert_int_equal(global.code, VIR_ERR_INVALID_CONN);
    assert_int_equal(local.calls, 1);

    /* cleared: back to the global one */
    virConnSetErrorFunc(a, NULL, NULL);
    assert_null(virDomainLookupByName(a, "nope-d"));
    assert_int_equal(local.calls, 1);
    assert_int_equal(global.calls, 3);

    assert_int_equal(virConnectClose(a), 0);
    assert_int_equal(virConnectClose(b), 0);
    virSetErrorFunc(NULL, quietErrorFunc);
}

static void
test_connection_callback_covers_calls_on_its_domains(void **state)
{
    cbRecord global, local;
    virConnectPtr conn;
    virDomainPtr dom;

    (void)state;
    memset(&global, 0, sizeof(global));
    memset(&local, 0, sizeof(local));
    virSetErrorFunc(&global, recordErrorFunc);
    conn = virConnectOpenReadOnly("test:///default");
    assert_non_null(conn);
    virConnSetErrorFunc(conn, &local, recordErrorFunc);
    dom = virDomainLookupByName(conn, "test");
    assert_non_null(dom);
    assert_int_equal(virDomainSuspend(dom), -1); /* read-only */
    assert_int_equal(local.calls, 1);
    assert_int_equal(local.code, VIR_ERR_OPERATION_DENIED);
    assert_int_equal(global.calls, 0);
    assert_int_equal(virDomainFree(dom), 0);
    assert_int_equal(virConnectClose(conn), 0);
    virSetErrorFunc(NULL, quietErrorFunc);
}

static void
test_null_connection_arguments_are_ignored_by_the_conn_api(void **state)
{
    virError e;

    (void)state;
    virConnSetErrorFunc(NULL, NULL, quietErrorFunc);
    virConnResetLastError(NULL);
    assert_null(virConnGetLastError(NULL));
    assert_int_equal(virConnCopyLastError(NULL, &e), -1);
}

/* ---- per-connection errors ------------------------------------------------ */

static void
test_connection_keeps_its_last_error(void **state)
{
    virConnectPtr conn, other;
    virErrorPtr err;
    virError copy;

    (void)state;
    conn = virConnectOpenReadOnly("test:///default");
    other = virConnectOpenReadOnly("test:///default");
    assert_non_null(conn);
    assert_non_null(other);
    assert_null(virConnGetLastError(conn));
    memset(&copy, 0xA5, sizeof(copy));
    assert_int_equal(virConnCopyLastError(conn, &copy), 0);
    assert_int_equal(copy.code, 0);
    assert_null(copy.message);

    assert_null(virDomainLookupByName(conn, "gone"));
    err = virConnGetLastError(conn);
    assert_non_null(err);
    assert_int_equal(err->code, VIR_ERR_NO_DOMAIN);
    assert_non_null(strstr(err->message, "gone"));
    assert_null(virConnGetLastError(other));

    /* successful calls leave it in place, unlike the thread's */
    assert_true(virConnectNumOfDomains(conn) >= 0);
    assert_null(virGetLastError());
    err = virConnGetLastError(conn);
    assert_non_null(err);
    assert_int_equal(err->code, VIR_ERR_NO_DOMAIN);

    assert_int_equal(virConnCopyLastError(conn, &copy), VIR_ERR_NO_DOMAIN);
    assert_int_equal(copy.code, VIR_ERR_NO_DOMAIN);
    assert_true(copy.message != err->message);
    assert_string_equal(copy.message, err->message);
    virResetError(&copy);
    assert_int_equal(virConnCopyLastError(conn, NULL), -1);

    virConnResetLastError(conn);
    assert_null(virConnGetLastError(conn));
    assert_int_equal(virConnectClose(conn), 0);
    assert_int_equal(virConnectClose(other), 0);
}

/* ---- the default handler -------------------------------------------------- */

typedef struct {
    int domain;
    int level;
    int code;
    const char *message;
} defaultArgs;

static void
callDefault(void *opaque)
{
    defaultArgs *args = opaque;
    virError err;

    memset(&err, 0, sizeof(err));
    err.code = args->code;
    err.domain = args->domain;
    err.level = args->level;
    err.message = (char *)args->message;
    virDefaultErrorFunc(&err);
}

static void
callDefaultNull(void *opaque)
{
    (void)opaque;
    virDefaultErrorFunc(NULL);
}

static void
test_default_error_func_prints_origin_level_and_message(void **state)
{
    static const struct {
        defaultArgs args;
        const char *expected;
    } cases[] = {
        { { VIR_FROM_TEST, VIR_ERR_ERROR, VIR_ERR_NO_DOMAIN, "boom" },
          "libvirt: Test error : boom\n" },
        { { VIR_FROM_XEN, VIR_ERR_ERROR, VIR_ERR_XEN_CALL, "hypercall failed" },
          "libvirt: Xen error : hypercall failed\n" },
        { { VIR_FROM_DOMAIN, VIR_ERR_ERROR, VIR_ERR_XML_ERROR, "bad <vcpu>" },
          "libvirt: Domain Config error : bad <vcpu>\n" },
        { { VIR_FROM_XML, VIR_ERR_WARNING, VIR_ERR_XML_DETAIL, "odd" },
          "libvirt: XML warning : odd\n" },
        { { VIR_FROM_NONE, VIR_ERR_ERROR, VIR_ERR_INVALID_CONN, "bad conn" },
          "libvirt: error : bad conn\n" },
    };
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(cases); i++) {
        char *out = captureStderr(callDefault, (void *)&cases[i].args);

        assert_string_equal(out, cases[i].expected);
        free(out);
    }
}

static void
test_default_error_func_prints_nothing_without_an_error(void **state)
{
    defaultArgs ok = { VIR_FROM_TEST, VIR_ERR_NONE, VIR_ERR_OK, "nothing" };
    char *out;

    (void)state;
    out = captureStderr(callDefaultNull, NULL);
    assert_string_equal(out, "");
    free(out);
    out = captureStderr(callDefault, &ok);
    assert_string_equal(out, "");
    free(out);
}

static void
failWithoutHandler(void *opaque)
{
    (void)opaque;
    virSetErrorFunc(NULL, NULL);
    (void)virConnectNumOfDomains(NULL);
    virSetErrorFunc(NULL, quietErrorFunc);
}

static void
test_failure_without_callback_is_printed_by_the_default_handler(void **state)
{
    char *out;

    (void)state;
    out = captureStderr(failWithoutHandler, NULL);
    /* one line: "libvirt: error : <message>\n" */
    assert_non_null(strstr(out, "libvirt: "));
    assert_non_null(strstr(out, " error : "));
    assert_non_null(strstr(out, "virConnectNumOfDomains"));
    assert_int_equal(out[strlen(out) - 1], '\n');
    assert_ptr_equal(strchr(out, '\n'), out + strlen(out) - 1);
    assert_non_null(strstr(out, virGetLastErrorMessage()));
    free(out);
}

static void
quietCallbackFailure(void *opaque)
{
    (void)opaque;
    (void)virConnectNumOfDomains(NULL);
}

static void
test_failure_with_callback_prints_nothing(void **state)
{
    char *out;

    (void)state;
    out = captureStderr(quietCallbackFailure, NULL);
    assert_string_equal(out, "");
    free(out);
}

/* ---- dispatch (internal) --------------------------------------------------- */

static void
test_dispatch_without_reported_error_fills_in_an_internal_error(void **state)
{
    cbRecord rec;

    (void)state;
    memset(&rec, 0, sizeof(rec));
    virSetErrorFunc(&rec, recordErrorFunc);
    virResetLastError();
    xvDispatchError(NULL);
    assert_int_equal(virGetLastErrorCode(), VIR_ERR_INTERNAL_ERROR);
    assert_non_null(strstr(virGetLastErrorMessage(), "without reporting"));
    assert_int_equal(rec.calls, 1);
    assert_int_equal(rec.code, VIR_ERR_INTERNAL_ERROR);
    virSetErrorFunc(NULL, quietErrorFunc);
}

static void
test_dispatch_copies_the_error_to_the_connection_and_keeps_errno(void **state)
{
    virConnectPtr conn;
    virErrorPtr err;

    (void)state;
    conn = virConnectOpenReadOnly("test:///default");
    assert_non_null(conn);
    XV_TEST_REPORT(VIR_ERR_OPERATION_FAILED, "dispatch me");
    errno = EAGAIN;
    xvDispatchError(conn);
    assert_int_equal(errno, EAGAIN);
    err = virConnGetLastError(conn);
    assert_non_null(err);
    assert_int_equal(err->code, VIR_ERR_OPERATION_FAILED);
    assert_int_equal(err->domain, VIR_FROM_TEST);
    assert_non_null(strstr(err->message, "dispatch me"));
    /* the thread keeps its own */
    assert_int_equal(virGetLastErrorCode(), VIR_ERR_OPERATION_FAILED);
    assert_true(virGetLastError() != err);
    assert_int_equal(virConnectClose(conn), 0);
}

static void
test_preserve_and_restore_keep_the_first_error(void **state)
{
    virErrorPtr saved;

    (void)state;
    XV_TEST_REPORT(VIR_ERR_NO_DOMAIN, "the cause");
    saved = xvErrorPreserveLast();
    assert_non_null(saved);
    XV_TEST_REPORT(VIR_ERR_INTERNAL_ERROR, "cleanup noise");
    xvErrorRestore(&saved);
    assert_null(saved);
    assert_int_equal(virGetLastErrorCode(), VIR_ERR_NO_DOMAIN);
    assert_non_null(strstr(virGetLastErrorMessage(), "the cause"));

    /* nothing to preserve: restore leaves the current error alone */
    virResetLastError();
    saved = xvErrorPreserveLast();
    assert_null(saved);
    XV_TEST_REPORT(VIR_ERR_INVALID_ARG, "later");
    xvErrorRestore(&saved);
    assert_int_equal(virGetLastErrorCode(), VIR_ERR_INVALID_ARG);
}

static void
test_error_is_set_tracks_the_thread_error(void **state)
{
    (void)state;
    virResetLastError();
    assert_false(xvErrorIsSet());
    XV_TEST_REPORT(VIR_ERR_INVALID_ARG, "x");
    assert_true(xvErrorIsSet());
    virResetLastError();
    assert_false(xvErrorIsSet());
}

/* ---- threads ---------------------------------------------------------------- */

typedef struct {
    int sawMainError;
    int ownCode;
    char ownMessage[128];
} thrResult;

static void *
errorThread(void *opaque)
{
    thrResult *res = opaque;

    res->sawMainError = virGetLastError() != NULL;
    XV_TEST_REPORT(VIR_ERR_NO_SUPPORT, "from the thread");
    res->ownCode = virGetLastErrorCode();
    snprintf(res->ownMessage, sizeof(res->ownMessage), "%s", virGetLastErrorMessage());
    return NULL; /* its record is released with the thread */
}

static void
test_errors_are_per_thread(void **state)
{
    thrResult res;
    pthread_t tid;

    (void)state;
    memset(&res, 0, sizeof(res));
    XV_TEST_REPORT(VIR_ERR_DOM_EXIST, "from main");
    assert_int_equal(pthread_create(&tid, NULL, errorThread, &res), 0);
    assert_int_equal(pthread_join(tid, NULL), 0);
    assert_false(res.sawMainError);
    assert_int_equal(res.ownCode, VIR_ERR_NO_SUPPORT);
    assert_non_null(strstr(res.ownMessage, "from the thread"));
    assert_int_equal(virGetLastErrorCode(), VIR_ERR_DOM_EXIST);
    assert_non_null(strstr(virGetLastErrorMessage(), "from main"));
}

static const struct CMUnitTest tests[] = {
    QUIET_TEST(test_no_error_reads_as_ok),
    QUIET_TEST(test_report_sets_code_origin_level_and_message),
    QUIET_TEST(test_report_with_empty_detail_uses_the_generic_text),
    QUIET_TEST(test_every_error_code_has_a_text),
    QUIET_TEST(test_unknown_error_code_gets_a_generic_text),
    QUIET_TEST(test_new_report_replaces_the_previous_one),
    QUIET_TEST(test_report_preserves_errno),
    QUIET_TEST(test_system_error_appends_strerror),
    QUIET_TEST(test_reset_last_error_clears_it),
    QUIET_TEST(test_successful_public_call_clears_the_last_error),
    QUIET_TEST(test_copy_last_error_is_a_deep_copy),
    QUIET_TEST(test_copy_last_error_without_error_zeroes_and_returns_zero),
    QUIET_TEST(test_copy_last_error_to_null_is_minus_one),
    QUIET_TEST(test_save_last_error_returns_an_independent_copy),
    QUIET_TEST(test_save_last_error_without_error_is_an_empty_error),
    QUIET_TEST(test_reset_and_free_error_accept_null),
    QUIET_TEST(test_global_callback_gets_each_failure_once),
    QUIET_TEST(test_connection_callback_takes_precedence_for_its_calls),
    QUIET_TEST(test_connection_callback_covers_calls_on_its_domains),
    QUIET_TEST(test_null_connection_arguments_are_ignored_by_the_conn_api),
    QUIET_TEST(test_connection_keeps_its_last_error),
    QUIET_TEST(test_default_error_func_prints_origin_level_and_message),
    QUIET_TEST(test_default_error_func_prints_nothing_without_an_error),
    QUIET_TEST(test_failure_without_callback_is_printed_by_the_default_handler),
    QUIET_TEST(test_failure_with_callback_prints_nothing),
    QUIET_TEST(test_dispatch_without_reported_error_fills_in_an_internal_error),
    QUIET_TEST(test_dispatch_copies_the_error_to_the_connection_and_keeps_errno),
    QUIET_TEST(test_preserve_and_restore_keep_the_first_error),
    QUIET_TEST(test_error_is_set_tracks_the_thread_error),
    QUIET_TEST(test_errors_are_per_thread),
};

XV_TEST_MAIN(tests)
