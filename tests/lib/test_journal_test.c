/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_journal_test.c: the test driver's shared mode (test:///NODE?journal=PATH):
 * connections on one journal each simulate the node as separate processes
 * would, and see each other's write calls through the journal only. */
#include <ftw.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "test/test_driverpriv.h"
#include "util/xvclock.h"
#include "xvtest.h"

#define SIM "test_driver/node-sim.xml"
#define EVENTS "test_driver/node-events.xml"

#define WEB_UUID "0a0a0a0a-0000-4000-8000-000000000001"

#define PV_XML(name, uuid, mem) \
    "<domain type='xen'><name>" name "</name><uuid>" uuid "</uuid>" \
    "<memory>" mem "</memory><vcpu>2</vcpu>" \
    "<os><type>linux</type><kernel>/boot/vmlinuz</kernel></os></domain>"

/* ---- fixture: a temporary directory for the journal ---------------------- */

typedef struct {
    char *dir;
    char *journal;              /* dir/journal */
} fixture;

static int
setup(void **state)
{
    fixture *fx = calloc(1, sizeof(*fx));

    virSetErrorFunc(NULL, xvTestQuietErrors);
    fx->dir = xvTestTempDir();
    if (asprintf(&fx->journal, "%s/journal", fx->dir) < 0)
        return -1;
    *state = fx;
    return 0;
}

static int
removeEntry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    return remove(path);
}

static int
teardown(void **state)
{
    fixture *fx = *state;

    nftw(fx->dir, removeEntry, 8, FTW_DEPTH | FTW_PHYS);
    free(fx->dir);
    free(fx->journal);
    free(fx);
    return 0;
}

/* ---- helpers ------------------------------------------------------------ */

/* "test:///ABS/tests/data/<rel>?journal=<journal>" */
static char *
sharedURI(const char *rel, const char *journal)
{
    char *uri;

    if (asprintf(&uri, "%s?journal=%s", xvTestNodeURI(rel), journal) < 0)
        fail_msg("out of memory");
    return uri;
}

static virConnectPtr
openShared(const char *rel, const char *journal)
{
    char *uri = sharedURI(rel, journal);
    virConnectPtr conn = virConnectOpen(uri);

    if (!conn)
        fail_msg("cannot open %s: %s", uri, virGetLastErrorMessage());
    free(uri);
    return conn;
}

static virDomainPtr
getDom(virConnectPtr conn, const char *name)
{
    virDomainPtr dom = virDomainLookupByName(conn, name);

    if (!dom)
        fail_msg("no domain '%s': %s", name, virGetLastErrorMessage());
    return dom;
}

static void
dumpVcpus(FILE *out, virDomainPtr dom, const virDomainInfo *info)
{
    virVcpuInfo vcpus[16];
    unsigned char maps[16];
    int i, n;

    if (info->state == VIR_DOMAIN_SHUTOFF)
        return;
    n = virDomainGetVcpus(dom, vcpus, 16, maps, 1);
    assert_true(n > 0);
    for (i = 0; i < n; i++)
        fprintf(out, "  vcpu %u state %d cpu %d time %llu map %02x\n", vcpus[i].number,
                vcpus[i].state, vcpus[i].cpu, vcpus[i].cpuTime, maps[i]);
}

static void
dumpDomain(FILE *out, virConnectPtr conn, const char *name)
{
    virDomainPtr dom = getDom(conn, name);
    virDomainInfo info;

    assert_int_equal(virDomainGetInfo(dom, &info), 0);
    fprintf(out, "%s id %d state %d mem %lu max %lu vcpus %u cpu %llu\n", name,
            virDomainGetID(dom), info.state, info.memory, info.maxMem, info.nrVirtCpu,
            info.cpuTime);
    dumpVcpus(out, dom, &info);
    virDomainFree(dom);
}

/* Everything a client can see of the node, as text: the domains (by name),
 * their IDs, states, memory, CPU times and affinities, and the clock. */
static char *
dumpNode(virConnectPtr conn)
{
    const char *names[64];
    char *text = NULL;
    int ids[64], n, i;
    unsigned long long now;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);

    assert_int_equal(xvTestDriverGetTimeNs(conn, &now), 0);
    fprintf(out, "time %llu\n", now);
    n = virConnectListDomains(conn, ids, 64);
    assert_true(n >= 0);
    for (i = 0; i < n; i++) {
        virDomainPtr dom = virDomainLookupByID(conn, ids[i]);

        assert_non_null(dom);
        dumpDomain(out, conn, virDomainGetName(dom));
        virDomainFree(dom);
    }
    n = virConnectListDefinedDomains(conn, names, 64);
    assert_true(n >= 0);
    for (i = 0; i < n; i++) {
        dumpDomain(out, conn, names[i]);
        free((char *)names[i]);
    }
    fclose(out);
    return text;
}

static void
assertSameNode(virConnectPtr a, virConnectPtr b)
{
    char *da = dumpNode(a), *db = dumpNode(b);

    assert_string_equal(da, db);
    free(da);
    free(db);
}

static int
stateOf(virConnectPtr conn, const char *name)
{
    virDomainPtr dom = getDom(conn, name);
    virDomainInfo info;

    assert_int_equal(virDomainGetInfo(dom, &info), 0);
    virDomainFree(dom);
    return info.state;
}

static int
idOf(virConnectPtr conn, const char *name)
{
    virDomainPtr dom = getDom(conn, name);
    int id = (int)virDomainGetID(dom);

    virDomainFree(dom);
    return id;
}

/* The number of lines of the file at @path. */
static size_t
countLines(const char *path)
{
    char *text = xvTestReadFile(path);
    size_t n = 0;

    for (const char *p = text; *p; p++)
        n += *p == '\n';
    free(text);
    return n;
}

/* ---- the other connection sees the write calls ----------------------------- */

static void
test_destroy_and_create_are_seen_with_the_same_ids(void **state)
{
    fixture *fx = *state;
    virConnectPtr a = openShared(SIM, fx->journal);
    virConnectPtr b = openShared(SIM, fx->journal);
    virDomainPtr web = getDom(a, "web");

    assert_int_equal(stateOf(b, "web"), VIR_DOMAIN_RUNNING);
    assert_int_equal(xvTestDriverAdvanceClock(a, 10 * XV_NS_PER_SEC), 0);
    assert_int_equal(virDomainDestroy(web), 0);    /* frees the handle */
    assert_int_equal(stateOf(b, "web"), VIR_DOMAIN_SHUTOFF);
    web = getDom(a, "web");
    assert_int_equal(virDomainCreate(web), 0);
    assert_int_equal(idOf(b, "web"), 6);
    assert_int_equal(stateOf(b, "web"), VIR_DOMAIN_RUNNING);
    assert_int_equal(xvTestDriverAdvanceClock(b, 3 * XV_NS_PER_SEC), 0);
    assertSameNode(a, b);
    virDomainFree(web);
    virConnectClose(a);
    virConnectClose(b);
}

static void
test_pin_and_memory_calls_are_seen_with_the_same_values(void **state)
{
    fixture *fx = *state;
    virConnectPtr a = openShared(SIM, fx->journal);
    virConnectPtr b = openShared(SIM, fx->journal);
    virDomainPtr web = getDom(a, "web");
    virDomainPtr db = getDom(b, "db");
    unsigned char map = 0x30;
    virDomainInfo info;

    assert_int_equal(virDomainPinVcpu(web, 1, &map, 1), 0);
    assert_int_equal(virDomainSetMemory(web, 300000), 0);
    assert_int_equal(virDomainSetMaxMemory(db, 1048576), 0);
    assert_int_equal(virDomainSetVcpus(web, 3), 0);
    assert_int_equal(xvTestDriverAdvanceClock(b, 7 * XV_NS_PER_SEC), 0);
    assertSameNode(a, b);
    virDomainFree(web);
    web = getDom(b, "web");
    assert_int_equal(virDomainGetInfo(web, &info), 0);
    assert_int_equal(info.memory, 300000);
    assert_int_equal(info.nrVirtCpu, 3);
    virDomainFree(web);
    virDomainFree(db);
    virConnectClose(a);
    virConnectClose(b);
}

static void
test_life_cycle_calls_are_seen_with_the_same_states(void **state)
{
    fixture *fx = *state;
    virConnectPtr a = openShared(SIM, fx->journal);
    virConnectPtr b = openShared(SIM, fx->journal);
    virDomainPtr web = getDom(a, "web"), db = getDom(a, "db"), batch = getDom(b, "batch");

    assert_int_equal(virDomainSuspend(web), 0);
    assert_int_equal(stateOf(b, "web"), VIR_DOMAIN_PAUSED);
    assert_int_equal(xvTestDriverAdvanceClock(b, 2 * XV_NS_PER_SEC), 0);
    assert_int_equal(virDomainResume(web), 0);
    assert_int_equal(virDomainShutdown(db), 0);     /* 30 s delay */
    assert_int_equal(stateOf(b, "db"), VIR_DOMAIN_SHUTDOWN);
    assert_int_equal(virDomainShutdown(batch), 0);  /* on_poweroff restart */
    assert_int_equal(idOf(a, "batch"), 6);
    assert_int_equal(xvTestDriverAdvanceClock(a, 31 * XV_NS_PER_SEC), 0);
    assert_int_equal(stateOf(b, "db"), VIR_DOMAIN_SHUTOFF);
    assert_int_equal(virDomainReboot(batch, 0), 0); /* on_reboot destroy */
    assertSameNode(a, b);
    assert_int_equal(stateOf(a, "batch"), VIR_DOMAIN_SHUTOFF);
    virDomainFree(web);
    virDomainFree(db);
    virDomainFree(batch);
    virConnectClose(a);
    virConnectClose(b);
}

static void
test_define_create_linux_and_undefine_are_seen(void **state)
{
    fixture *fx = *state;
    virConnectPtr a = openShared(SIM, fx->journal);
    virConnectPtr b = openShared(SIM, fx->journal);
    virDomainPtr def, tmp, spare;

    def = virDomainDefineXML(a, PV_XML("newbie", "0c0c0c0c-0000-4000-8000-000000000001",
                                       "65536"));
    assert_non_null(def);
    tmp = virDomainCreateLinux(b, PV_XML("flash", "0c0c0c0c-0000-4000-8000-000000000002",
                                         "65536"), 0);
    assert_non_null(tmp);
    assert_int_equal(stateOf(b, "newbie"), VIR_DOMAIN_SHUTOFF);
    assert_int_equal(idOf(a, "flash"), 6);
    spare = getDom(b, "spare");
    assert_int_equal(virDomainUndefine(spare), 0);
    assertSameNode(a, b);
    assert_null(virDomainLookupByName(a, "spare"));
    assert_int_equal(virGetLastError()->code, VIR_ERR_NO_DOMAIN);
    virDomainFree(def);
    virDomainFree(tmp);
    virDomainFree(spare);
    virConnectClose(a);
    virConnectClose(b);
}

static void
test_save_and_restore_are_seen_with_the_saved_cpu_time(void **state)
{
    fixture *fx = *state;
    virConnectPtr a = openShared(SIM, fx->journal);
    virConnectPtr b = openShared(SIM, fx->journal);
    virDomainPtr web = getDom(a, "web");
    char *image;

    assert_true(asprintf(&image, "%s/web.save", fx->dir) > 0);
    assert_int_equal(xvTestDriverAdvanceClock(a, 4 * XV_NS_PER_SEC), 0);
    assert_int_equal(virDomainSave(web, image), 0);
    assert_int_equal(stateOf(b, "web"), VIR_DOMAIN_SHUTOFF);
    /* the replay does not write the file again: b restores a's image */
    assert_int_equal(xvTestDriverAdvanceClock(b, 4 * XV_NS_PER_SEC), 0);
    assert_int_equal(virDomainRestore(b, image), 0);
    assert_int_equal(idOf(a, "web"), 6);
    assertSameNode(a, b);
    virDomainFree(web);
    free(image);
    virConnectClose(a);
    virConnectClose(b);
}

/* Entries are replayed each at its own time, among the scripted events:
 * the create at 8 s comes after the reboot (new ID) at 7 s and before the
 * crash restart at 10 s. */
static void
test_late_opener_replays_entries_among_scripted_events(void **state)
{
    fixture *fx = *state;
    virConnectPtr a = openShared(EVENTS, fx->journal);
    virConnectPtr b;
    virDomainPtr worker = getDom(a, "worker");

    assert_int_equal(xvTestDriverAdvanceClock(a, 5 * XV_NS_PER_SEC), 0);
    assert_int_equal(virDomainDestroy(worker), 0);
    assert_int_equal(xvTestDriverAdvanceClock(a, 3 * XV_NS_PER_SEC), 0);
    worker = getDom(a, "worker");
    assert_int_equal(virDomainCreate(worker), 0);
    assert_int_equal(idOf(a, "rebooter"), 6);
    assert_int_equal(idOf(a, "worker"), 7);
    assert_int_equal(xvTestDriverAdvanceClock(a, 7 * XV_NS_PER_SEC), 0);
    assert_int_equal(idOf(a, "restarter"), 8);
    b = openShared(EVENTS, fx->journal);
    assertSameNode(a, b);
    virDomainFree(worker);
    virConnectClose(a);
    virConnectClose(b);
}

/* Not the process-wide node of the URI: another journal, or none, does
 * not see the calls. */
static void
test_only_connections_on_the_same_journal_share_the_node(void **state)
{
    fixture *fx = *state;
    char *other;
    virConnectPtr a = openShared(SIM, fx->journal), b, plain;
    virDomainPtr web = getDom(a, "web");

    assert_true(asprintf(&other, "%s/other", fx->dir) > 0);
    b = openShared(SIM, other);
    plain = virConnectOpen(xvTestNodeURI(SIM));
    assert_non_null(plain);
    assert_int_equal(virDomainDestroy(web), 0);
    assert_int_equal(stateOf(b, "web"), VIR_DOMAIN_RUNNING);
    assert_int_equal(stateOf(plain, "web"), VIR_DOMAIN_RUNNING);
    free(other);
    virConnectClose(a);
    virConnectClose(b);
    virConnectClose(plain);
}

static void
test_journal_has_a_header_and_one_line_per_write_call(void **state)
{
    fixture *fx = *state;
    virConnectPtr a = openShared(SIM, fx->journal);
    virDomainPtr web = getDom(a, "web");
    unsigned char map = 0x03;
    char *text, *expected;

    assert_int_equal(xvTestDriverAdvanceClock(a, 2 * XV_NS_PER_SEC), 0);
    assert_int_equal(virDomainPinVcpu(web, 0, &map, 1), 0);
    assert_int_equal(virDomainSetMemory(web, 0), -1);      /* failed: not journaled */
    assert_int_equal(virDomainSetMemory(web, 400000), 0);
    assert_int_equal(virDomainDestroy(web), 0);
    text = xvTestReadFile(fx->journal);
    assert_true(asprintf(&expected, "node %s\n", xvTestDataPath(SIM)) > 0);
    assert_non_null(strstr(text, expected));
    assert_int_equal(strncmp(text, "XvirtTestJournal 1\n", 19), 0);
    assert_non_null(strstr(text, "\nrate 0\n0 xvTestDriverAdvanceClock - 2000000000 -\n"
                           "2000000000 virDomainPinVcpu " WEB_UUID " 0 03\n"
                           "2000000000 virDomainSetMemory " WEB_UUID " 400000 -\n"
                           "2000000000 virDomainDestroy " WEB_UUID " 0 -\n"));
    assert_int_equal(countLines(fx->journal), 4 + 4);
    free(text);
    free(expected);
    virConnectClose(a);
}

static void
test_default_node_can_be_shared(void **state)
{
    fixture *fx = *state;
    char *uri;
    virConnectPtr a, b;
    virDomainPtr dom;

    assert_true(asprintf(&uri, "test:///default?journal=%s", fx->journal) > 0);
    a = virConnectOpen(uri);
    b = virConnectOpen(uri);
    assert_non_null(a);
    assert_non_null(b);
    dom = getDom(a, "test");
    assert_int_equal(virDomainSetMemory(dom, 1048576), 0);
    virDomainFree(dom);
    /* the clock runs (rate 1): compare what does not move */
    dom = getDom(b, "test");
    assert_int_equal(virDomainGetMaxMemory(dom), 8388608);
    assert_int_equal(virDomainGetID(dom), 1);
    virDomainFree(dom);
    dom = getDom(b, "test");
    {
        virDomainInfo info;

        assert_int_equal(virDomainGetInfo(dom, &info), 0);
        assert_int_equal(info.memory, 1048576);
    }
    virDomainFree(dom);
    free(uri);
    virConnectClose(a);
    virConnectClose(b);
}

/* ---- errors ------------------------------------------------------------------ */

static void
test_journal_of_another_node_is_open_failed(void **state)
{
    fixture *fx = *state;
    virConnectPtr a = openShared(SIM, fx->journal);
    char *uri = sharedURI(EVENTS, fx->journal);

    assert_null(virConnectOpen(uri));
    xvTestAssertError(VIR_ERR_OPEN_FAILED, "belongs to node");
    assert_non_null(strstr(virGetLastErrorMessage(), "node-sim.xml"));
    free(uri);
    virConnectClose(a);
}

static void
test_a_file_that_is_not_a_journal_is_open_failed(void **state)
{
    fixture *fx = *state;
    FILE *f = fopen(fx->journal, "w");
    char *uri = sharedURI(SIM, fx->journal);

    assert_non_null(f);
    fputs("<node/>\n", f);
    fclose(f);
    assert_null(virConnectOpen(uri));
    xvTestAssertError(VIR_ERR_OPEN_FAILED, "bad header");
    free(uri);
}

static void
test_relative_journal_path_is_invalid_arg(void **state)
{
    char *uri = sharedURI(SIM, "journal");

    (void)state;
    assert_null(virConnectOpen(uri));
    xvTestAssertError(VIR_ERR_INVALID_ARG, "'journal' must be absolute");
    free(uri);
}

static void
test_unknown_uri_parameter_is_invalid_arg(void **state)
{
    fixture *fx = *state;
    char *uri;

    assert_true(asprintf(&uri, "%s?journal=%s&speed=9", xvTestNodeURI(SIM), fx->journal) > 0);
    assert_null(virConnectOpen(uri));
    xvTestAssertError(VIR_ERR_INVALID_ARG, "unknown parameter 'speed=9'");
    free(uri);
    assert_null(virConnectOpen("test:///default?verbose"));
    xvTestAssertError(VIR_ERR_INVALID_ARG, "unknown parameter 'verbose'");
}

static void
test_malformed_entry_fails_the_next_call(void **state)
{
    fixture *fx = *state;
    virConnectPtr a = openShared(SIM, fx->journal);
    FILE *f = fopen(fx->journal, "a");

    assert_non_null(f);
    fputs("12 virDomainDestroy not-a-uuid 0 -\n", f);
    fclose(f);
    assert_int_equal(virConnectNumOfDomains(a), -1);
    xvTestAssertError(VIR_ERR_OPERATION_FAILED, "malformed entry");
    virConnectClose(a);
}

/* ---- concurrency ----------------------------------------------------------- */

typedef struct {
    const char *journal;
    const char *domain;
    int rounds;
} writerArgs;

static void *
writerThread(void *opaque)
{
    writerArgs *args = opaque;
    virConnectPtr conn = openShared(SIM, args->journal);
    virDomainPtr dom = getDom(conn, args->domain);
    int i;

    for (i = 0; i < args->rounds; i++) {
        unsigned char map = (unsigned char)(1u << (i % 8));

        if (virDomainSetMemory(dom, 100000 + (unsigned long)i) < 0 ||
            virDomainPinVcpu(dom, 0, &map, 1) < 0 ||
            xvTestDriverAdvanceClock(conn, XV_NS_PER_SEC) < 0)
            fail_msg("writer %s: %s", args->domain, virGetLastErrorMessage());
    }
    virDomainFree(dom);
    virConnectClose(conn);
    return NULL;
}

/* Entries of concurrent writers are whole lines in time order, and a late
 * reader and both writers' last states agree. */
static void
test_concurrent_writers_keep_the_journal_consistent(void **state)
{
    fixture *fx = *state;
    writerArgs wa = { fx->journal, "web", 50 }, wb = { fx->journal, "db", 50 };
    pthread_t ta, tb;
    virConnectPtr a, b;
    char *text, *line, *save = NULL;
    unsigned long long last = 0, at;
    size_t entries = 0;

    a = openShared(SIM, fx->journal);
    assert_int_equal(pthread_create(&ta, NULL, writerThread, &wa), 0);
    assert_int_equal(pthread_create(&tb, NULL, writerThread, &wb), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    text = xvTestReadFile(fx->journal);
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (sscanf(line, "%llu ", &at) != 1)
            continue;                   /* header */
        assert_true(at >= last);
        last = at;
        entries++;
    }
    assert_int_equal(entries, 2 * 3 * 50);
    assert_int_equal(last, (2 * 50 - 1) * XV_NS_PER_SEC);
    b = openShared(SIM, fx->journal);
    assertSameNode(a, b);
    assert_int_equal(stateOf(b, "web"), VIR_DOMAIN_RUNNING);
    free(text);
    virConnectClose(a);
    virConnectClose(b);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_destroy_and_create_are_seen_with_the_same_ids,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(test_pin_and_memory_calls_are_seen_with_the_same_values,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(test_life_cycle_calls_are_seen_with_the_same_states,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(test_define_create_linux_and_undefine_are_seen,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(test_save_and_restore_are_seen_with_the_saved_cpu_time,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(test_late_opener_replays_entries_among_scripted_events,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(test_only_connections_on_the_same_journal_share_the_node,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(test_journal_has_a_header_and_one_line_per_write_call,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(test_default_node_can_be_shared, setup, teardown),
    cmocka_unit_test_setup_teardown(test_journal_of_another_node_is_open_failed,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(test_a_file_that_is_not_a_journal_is_open_failed,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(test_relative_journal_path_is_invalid_arg,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(test_unknown_uri_parameter_is_invalid_arg,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(test_malformed_entry_fails_the_next_call,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(test_concurrent_writers_keep_the_journal_consistent,
                                    setup, teardown),
};

XV_TEST_MAIN(tests)
