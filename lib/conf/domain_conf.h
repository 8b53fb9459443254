/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_conf.h: domain XML <-> xvDomainDef, in the Xen-era libvirt domain
 * format, through libxml2. Shared by every driver.
 *
 * Accepted input (unknown elements and attributes are ignored, as libvirt
 * does; known ones with bad values are errors naming the element):
 *
 *   <domain type='xen|test' [id='N']>
 *     <name>  <uuid> (dashed or 32 hex digits; generated when absent)
 *     <memory [unit=...]>  <currentMemory [unit=...]>  (KiB by default)
 *     <vcpu [current='N'] [cpuset=...]>N</vcpu>
 *     <bootloader>  <bootloader_args>
 *     <os> <type [arch] [machine]>linux|hvm|xen</type> <loader> <kernel>
 *          <initrd> <cmdline> <root> <boot dev='hd|cdrom|network|fd'/>* </os>
 *     <features> <pae/> <acpi/> <apic/> </features>
 *     <on_poweroff|on_reboot|on_crash>destroy|restart|preserve|rename-restart
 *     <devices>
 *       <disk type='file|block' device='disk|cdrom|floppy'>
 *         <driver name type/>? <source file|dev/> <target dev [bus]/> <readonly/>?
 *       <interface type='bridge|network|ethernet'>
 *         <mac address/> <source bridge|network/> <script path/> <target dev/>
 *       <console [type] [tty]/>  (at most one)
 *       <graphics type='vnc|sdl' [port] [listen]/>  (at most one)
 *     </devices>
 *     <!-- anything in the test-driver namespace is kept in testExtra -->
 *   </domain>
 *
 * xvDomainDefFormat(xvDomainDefParse(xml)) is a fixed point: the output of
 * Format parses back to a def that formats to the same bytes.
 */
#pragma once

#include <stdbool.h>

#include <libxml/tree.h>

#include "internal.h"

typedef enum {
    XV_DOMAIN_LIFECYCLE_DESTROY = 0,
    XV_DOMAIN_LIFECYCLE_RESTART,
    XV_DOMAIN_LIFECYCLE_PRESERVE,
    XV_DOMAIN_LIFECYCLE_RENAME_RESTART,
    XV_DOMAIN_LIFECYCLE_LAST
} xvDomainLifecycleAction;

typedef enum {
    XV_DOMAIN_DISK_TYPE_FILE = 0,
    XV_DOMAIN_DISK_TYPE_BLOCK,
    XV_DOMAIN_DISK_TYPE_LAST
} xvDomainDiskType;

typedef enum {
    XV_DOMAIN_DISK_DEVICE_DISK = 0,
    XV_DOMAIN_DISK_DEVICE_CDROM,
    XV_DOMAIN_DISK_DEVICE_FLOPPY,
    XV_DOMAIN_DISK_DEVICE_LAST
} xvDomainDiskDevice;

typedef struct _xvDomainDiskDef xvDomainDiskDef;
struct _xvDomainDiskDef {
    xvDomainDiskType type;
    xvDomainDiskDevice device;
    char *driverName;   /* <driver name=...>, NULL if absent */
    char *driverType;   /* <driver type=...>, NULL if absent */
    char *source;       /* file path or block device; NULL for an empty cdrom */
    char *target;       /* required: "xvda", "hda", "sda1"... */
    char *bus;          /* NULL if absent */
    bool readonly;
};

typedef enum {
    XV_DOMAIN_NET_TYPE_BRIDGE = 0,
    XV_DOMAIN_NET_TYPE_NETWORK,
    XV_DOMAIN_NET_TYPE_ETHERNET,
    XV_DOMAIN_NET_TYPE_LAST
} xvDomainNetType;

typedef struct _xvDomainNetDef xvDomainNetDef;
struct _xvDomainNetDef {
    xvDomainNetType type;
    char *mac;          /* "aa:bb:cc:dd:ee:ff", lowercase; NULL if absent */
    char *source;       /* bridge or network name; NULL if absent */
    char *script;       /* NULL if absent */
    char *target;       /* NULL if absent */
};

typedef struct _xvDomainDef xvDomainDef;
struct _xvDomainDef {
    char *type;                 /* "xen" or "test" */
    int id;                     /* the id attribute, -1 if absent */
    char *name;
    unsigned char uuid[16];
    unsigned long maxMemKiB;    /* <memory> */
    unsigned long memKiB;       /* <currentMemory>, = maxMemKiB when absent */
    unsigned int maxVcpus;      /* <vcpu> */
    unsigned int vcpus;         /* <vcpu current=...>, = maxVcpus when absent */
    char *cpuset;               /* <vcpu cpuset=...>, NULL if absent */
    char *bootloader;
    char *bootloaderArgs;
    struct {
        char *type;             /* "linux", "hvm" or "xen" */
        char *arch;
        char *machine;
        char *loader;
        char *kernel;
        char *initrd;
        char *cmdline;
        char *root;
        char **boot;            /* NULL-terminated list of <boot dev>, or NULL */
    } os;
    bool pae, acpi, apic;
    xvDomainLifecycleAction onPoweroff;  /* default destroy */
    xvDomainLifecycleAction onReboot;    /* default restart */
    xvDomainLifecycleAction onCrash;     /* default destroy */
    xvDomainDiskDef *disks;
    size_t ndisks;
    xvDomainNetDef *nets;
    size_t nnets;
    bool hasConsole;
    char *consoleType;          /* NULL if absent */
    char *consoleTty;           /* NULL if absent */
    char *graphicsType;         /* NULL: no <graphics> */
    int graphicsPort;           /* -1 if absent */
    char *graphicsListen;
    /* Child elements of <domain> in XV_TEST_NS or XV_LIBVIRT_TEST_NS,
     * serialized, in document order, re-emitted verbatim by Format; NULL
     * if none. The test driver reads its per-domain settings from here.
     * Each element starts a line indented by 2 and ends with a newline,
     * its children re-indented, and declares its own namespace on itself,
     * so the string parses once wrapped in any element. */
    char *testExtra;
};

/* The namespace of the test driver's own elements (node and domain XML). */
#define XV_TEST_NS "http://xvirt.dev/schemas/test/1.0"
/* libvirt's test-driver namespace; <test:runstate> is honoured from it. */
#define XV_LIBVIRT_TEST_NS "http://libvirt.org/schemas/domain/test/1.0"

/*
 * Parses a domain description. On error reports VIR_ERR_XML_ERROR (or the
 * seed-era code: NO_NAME, NO_OS, OS_TYPE, NO_KERNEL, NO_SOURCE, NO_TARGET,
 * INVALID_MAC)
 * with a message naming the element at fault, and returns NULL.
 * @allowedTypes: NULL-terminated list of accepted <domain type> values.
 */
XV_PRIVATE xvDomainDef *xvDomainDefParseString(const char *xml,
                                               const char *const *allowedTypes);
/* The largest domain XML document taken (a real one is a few KiB). */
#define XV_DOMAIN_XML_MAX_SIZE (16 * 1024 * 1024)
/*
 * Same, from the @len bytes at @xml (no NUL needed; a NUL byte inside is
 * an error; at most XV_DOMAIN_XML_MAX_SIZE bytes). The entry point of the domain XML fuzz target: every byte
 * string gives a definition or NULL with an error reported, never a crash.
 * The document is read by xvXMLReadMemory() (conf/xml_read.h): a DOCTYPE
 * is refused with VIR_ERR_XML_ERROR "malformed domain XML: line N: ...".
 */
xvDomainDef *xvDomainDefParseBuffer(const char *xml, size_t len,
                                    const char *const *allowedTypes);
/* Same, from a <domain> element of an already parsed document (node files),
 * without the kernel check: a node file's domains boot nothing, and a
 * captured Xen host's Domain-0 has no <kernel>. */
xvDomainDef *xvDomainDefParseNode(xmlDocPtr doc, xmlNodePtr root,
                                  const char *const *allowedTypes);

/*
 * Formats @def. The id attribute is written when @id >= 0 (pass -1 for an
 * inactive domain); <currentMemory> is written when it differs from
 * <memory>, and <vcpu current> when vcpus differ from maxVcpus.
 * Returns a new string to free(); never NULL.
 */
XV_PRIVATE char *xvDomainDefFormat(const xvDomainDef *def, int id);

xvDomainDef *xvDomainDefCopy(const xvDomainDef *def);
XV_PRIVATE void xvDomainDefFree(xvDomainDef *def);

const char *xvDomainLifecycleActionToString(xvDomainLifecycleAction act);
int xvDomainLifecycleActionFromString(const char *str); /* -1 if unknown */
