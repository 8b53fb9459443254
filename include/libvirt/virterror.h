/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virterror.h: the error reporting API of libxvirt.
 *
 * The names, values and struct layout are libvirt's, so programs that
 * inspect errors compile unchanged and stay binary-compatible. Every failing
 * call records an error in the calling thread (virGetLastError()) and in the
 * connection it used (virConnGetLastError()), then hands it to the error
 * callback: the connection's (virConnSetErrorFunc()), else the global one
 * (virSetErrorFunc()), else virDefaultErrorFunc(), which prints it to stderr.
 * With XVIRT_DEBUG=1 (libvirt.h), each error is also traced where it is
 * reported, with the source file, line and function; these calls themselves
 * are not traced.
 */
#ifndef LIBVIRT_VIRTERROR_H
#define LIBVIRT_VIRTERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/**
 * virErrorLevel: how serious an error is.
 */
typedef enum {
    VIR_ERR_NONE = 0,
    VIR_ERR_WARNING = 1, /* a simple warning */
    VIR_ERR_ERROR = 2    /* an error */
} virErrorLevel;

/**
 * virErrorDomain: the part of the library that raised an error.
 */
typedef enum {
    VIR_FROM_NONE = 0,
    VIR_FROM_XEN = 1,       /* the Xen hypervisor layer (xenctrl) */
    VIR_FROM_XEND = 2,      /* unused: there is no xend */
    VIR_FROM_XENSTORE = 3,  /* the xenstore layer */
    VIR_FROM_SEXPR = 4,     /* unused */
    VIR_FROM_XML = 5,       /* XML parsing */
    VIR_FROM_DOM = 6,       /* an operation on a domain */
    VIR_FROM_RPC = 7,       /* unused */
    VIR_FROM_PROXY = 8,     /* unused */
    VIR_FROM_CONF = 9,      /* configuration file handling */
    VIR_FROM_QEMU = 10,     /* unused */
    VIR_FROM_NET = 11,      /* unused */
    VIR_FROM_TEST = 12,     /* the test driver */
    VIR_FROM_REMOTE = 13,   /* unused */
    VIR_FROM_OPENVZ = 14,   /* unused */
    VIR_FROM_XENXM = 15,    /* unused */
    VIR_FROM_STATS_LINUX = 16, /* unused */
    VIR_FROM_LXC = 17,      /* unused */
    VIR_FROM_STORAGE = 18,  /* unused */
    VIR_FROM_NETWORK = 19,  /* unused */
    VIR_FROM_DOMAIN = 20    /* domain configuration (domain XML) */
} virErrorDomain;

/**
 * virErrorNumber: what went wrong.
 */
typedef enum {
    VIR_ERR_OK = 0,
    VIR_ERR_INTERNAL_ERROR = 1,     /* internal error */
    VIR_ERR_NO_MEMORY = 2,          /* memory allocation failure */
    VIR_ERR_NO_SUPPORT = 3,         /* no support for this function */
    VIR_ERR_UNKNOWN_HOST = 4,       /* could not resolve hostname */
    VIR_ERR_NO_CONNECT = 5,         /* can't connect to hypervisor */
    VIR_ERR_INVALID_CONN = 6,       /* invalid connection object */
    VIR_ERR_INVALID_DOMAIN = 7,     /* invalid domain object */
    VIR_ERR_INVALID_ARG = 8,        /* invalid function argument */
    VIR_ERR_OPERATION_FAILED = 9,   /* a command to the hypervisor failed */
    VIR_ERR_GET_FAILED = 10,        /* unused */
    VIR_ERR_POST_FAILED = 11,       /* unused */
    VIR_ERR_HTTP_ERROR = 12,        /* unused */
    VIR_ERR_SEXPR_SERIAL = 13,      /* unused */
    VIR_ERR_NO_XEN = 14,            /* could not open the Xen hypervisor */
    VIR_ERR_XEN_CALL = 15,          /* failure doing a hypervisor call */
    VIR_ERR_OS_TYPE = 16,           /* unknown OS type */
    VIR_ERR_NO_KERNEL = 17,         /* missing kernel information */
    VIR_ERR_NO_ROOT = 18,           /* missing root device information */
    VIR_ERR_NO_SOURCE = 19,         /* missing source device information */
    VIR_ERR_NO_TARGET = 20,         /* missing target device information */
    VIR_ERR_NO_NAME = 21,           /* missing domain name information */
    VIR_ERR_NO_OS = 22,             /* missing domain OS information */
    VIR_ERR_NO_DEVICE = 23,         /* missing domain devices information */
    VIR_ERR_NO_XENSTORE = 24,       /* could not open xenstore */
    VIR_ERR_DRIVER_FULL = 25,       /* too many drivers registered */
    VIR_ERR_CALL_FAILED = 26,       /* not supported by the drivers */
    VIR_ERR_XML_ERROR = 27,         /* an XML description is not well formed */
    VIR_ERR_DOM_EXIST = 28,         /* the domain already exists */
    VIR_ERR_OPERATION_DENIED = 29,  /* operation forbidden on read-only connections */
    VIR_ERR_OPEN_FAILED = 30,       /* failed to open a file */
    VIR_ERR_READ_FAILED = 31,       /* failed to read a file */
    VIR_ERR_PARSE_FAILED = 32,      /* failed to parse a file */
    VIR_ERR_CONF_SYNTAX = 33,       /* failed to parse the syntax of a file */
    VIR_ERR_WRITE_FAILED = 34,      /* failed to write a file */
    VIR_ERR_XML_DETAIL = 35,        /* detail of an XML error */
    VIR_ERR_INVALID_NETWORK = 36,   /* unused */
    VIR_ERR_NETWORK_EXIST = 37,     /* unused */
    VIR_ERR_SYSTEM_ERROR = 38,      /* general system call failure */
    VIR_ERR_RPC = 39,               /* unused */
    VIR_ERR_GNUTLS_ERROR = 40,      /* unused */
    VIR_WAR_NO_NETWORK = 41,        /* unused */
    VIR_ERR_NO_DOMAIN = 42,         /* domain not found or unexpectedly gone */
    VIR_ERR_NO_NETWORK = 43,        /* unused */
    VIR_ERR_INVALID_MAC = 44,       /* invalid MAC address */
    VIR_ERR_AUTH_FAILED = 45,       /* unused */
    VIR_ERR_INVALID_STORAGE_POOL = 46, /* unused */
    VIR_ERR_INVALID_STORAGE_VOL = 47,  /* unused */
    VIR_WAR_NO_STORAGE = 48,        /* unused */
    VIR_ERR_NO_STORAGE_POOL = 49,   /* unused */
    VIR_ERR_NO_STORAGE_VOL = 50,    /* unused */
    VIR_WAR_NO_NODE = 51,           /* unused */
    VIR_ERR_INVALID_NODE_DEVICE = 52, /* unused */
    VIR_ERR_NO_NODE_DEVICE = 53,    /* unused */
    VIR_ERR_NO_SECURITY_MODEL = 54, /* unused */
    VIR_ERR_OPERATION_INVALID = 55, /* operation not valid in the current state */
    VIR_WAR_NO_INTERFACE = 56,      /* unused */
    VIR_ERR_NO_INTERFACE = 57,      /* unused */
    VIR_ERR_INVALID_INTERFACE = 58, /* unused */
    VIR_ERR_MULTIPLE_INTERFACES = 59, /* unused */
    VIR_WAR_NO_NWFILTER = 60,       /* unused */
    VIR_ERR_INVALID_NWFILTER = 61,  /* unused */
    VIR_ERR_NO_NWFILTER = 62,       /* unused */
    VIR_ERR_BUILD_FIREWALL = 63,    /* unused */
    VIR_WAR_NO_SECRET = 64,         /* unused */
    VIR_ERR_INVALID_SECRET = 65,    /* unused */
    VIR_ERR_NO_SECRET = 66,         /* unused */
    VIR_ERR_CONFIG_UNSUPPORTED = 67, /* unsupported configuration construct */
    VIR_ERR_OPERATION_TIMEOUT = 68, /* timeout during an operation */
    /* codes libvirt added after the seed, kept at its numbers */
    VIR_ERR_MIGRATE_PERSIST_FAILED = 69, /* unused */
    VIR_ERR_HOOK_SCRIPT_FAILED = 70,     /* unused */
    VIR_ERR_INVALID_DOMAIN_SNAPSHOT = 71, /* unused */
    VIR_ERR_NO_DOMAIN_SNAPSHOT = 72,     /* unused */
    VIR_ERR_INVALID_STREAM = 73,         /* unused */
    VIR_ERR_ARGUMENT_UNSUPPORTED = 74,   /* unused */
    VIR_ERR_STORAGE_PROBE_FAILED = 75,   /* unused */
    VIR_ERR_STORAGE_POOL_BUILT = 76,     /* unused */
    VIR_ERR_SNAPSHOT_REVERT_RISKY = 77,  /* unused */
    VIR_ERR_OPERATION_ABORTED = 78,      /* unused */
    VIR_ERR_AUTH_CANCELLED = 79,         /* unused */
    VIR_ERR_NO_DOMAIN_METADATA = 80,     /* unused */
    VIR_ERR_MIGRATE_UNSAFE = 81,         /* unused */
    VIR_ERR_OVERFLOW = 82,               /* unused */
    VIR_ERR_BLOCK_COPY_ACTIVE = 83,      /* unused */
    VIR_ERR_OPERATION_UNSUPPORTED = 84   /* the driver has the call but not this use of it
                                            (virDomainBlockStats of all disks at once) */
} virErrorNumber;


/**
 * virError: one error. Strings are owned by the error; use virCopyLastError()
 * or virSaveLastError() to keep one beyond the next call.
 */
typedef struct _virError virError;
typedef virError *virErrorPtr;
struct _virError {
    int code;              /* the error code, a virErrorNumber */
    int domain;            /* the origin, a virErrorDomain */
    char *message;         /* human-readable message */
    virErrorLevel level;   /* how serious the error is */
    struct _virConnect *conn; /* deprecated, always NULL */
    struct _virDomain *dom;   /* deprecated, always NULL */
    char *str1;            /* extra string information, or NULL */
    char *str2;            /* extra string information, or NULL */
    char *str3;            /* extra string information, or NULL */
    int int1;              /* extra number information */
    int int2;              /* extra number information */
    void *net;             /* deprecated, always NULL (no network API) */
};

/**
 * virErrorFunc: signature of an error callback.
 * @userData: the pointer given when the callback was set
 * @error: the error, valid only during the call
 */
typedef void (*virErrorFunc)(void *userData, virErrorPtr error);

/**
 * virGetLastError:
 *
 * Returns the last error of the calling thread, or NULL if the last call
 * succeeded; owned by the library, valid until the thread's next call.
 */
virErrorPtr virGetLastError(void);

/**
 * virGetLastErrorMessage:
 *
 * Returns the message of the calling thread's last error, or "no error";
 * never NULL, owned by the library.
 */
const char *virGetLastErrorMessage(void);

/**
 * virGetLastErrorCode:
 *
 * Returns the code of the calling thread's last error, VIR_ERR_OK if none.
 */
int virGetLastErrorCode(void);

/**
 * virGetLastErrorDomain:
 *
 * Returns the origin of the calling thread's last error, VIR_FROM_NONE if none.
 */
int virGetLastErrorDomain(void);

/**
 * virCopyLastError:
 * @to: where to copy the calling thread's last error (OUT); release the
 *      copied strings with virResetError()
 *
 * Returns the error code copied, 0 if there was none, -1 if @to is NULL.
 */
int virCopyLastError(virErrorPtr to);

/**
 * virSaveLastError:
 *
 * Returns a new copy of the calling thread's last error, to release with
 * virFreeError(), or NULL on allocation failure.
 */
virErrorPtr virSaveLastError(void);

/**
 * virResetLastError:
 *
 * Clears the calling thread's last error.
 */
void virResetLastError(void);

/**
 * virResetError:
 * @err: an error whose strings are released and fields cleared; may be NULL
 */
void virResetError(virErrorPtr err);

/**
 * virFreeError:
 * @err: an error from virSaveLastError(), or NULL
 */
void virFreeError(virErrorPtr err);

/**
 * virConnGetLastError:
 * @conn: a connection
 *
 * Returns the last error raised by a call on @conn (owned by @conn, valid
 * until its next failing call), or NULL if there is none.
 */
virErrorPtr virConnGetLastError(struct _virConnect *conn);

/**
 * virConnCopyLastError:
 * @conn: a connection
 * @to: where to copy its last error (OUT)
 *
 * Returns the error code copied, 0 if there was none, -1 on bad arguments.
 */
int virConnCopyLastError(struct _virConnect *conn, virErrorPtr to);

/**
 * virConnResetLastError:
 * @conn: a connection whose last error is cleared
 */
void virConnResetLastError(struct _virConnect *conn);

/**
 * virSetErrorFunc:
 * @userData: pointer handed to @handler
 * @handler: the callback for errors of every thread, or NULL to restore
 *           the default (print to stderr)
 */
void virSetErrorFunc(void *userData, virErrorFunc handler);

/**
 * virConnSetErrorFunc:
 * @conn: a connection
 * @userData: pointer handed to @handler
 * @handler: the callback for errors raised by calls on @conn, or NULL
 */
void virConnSetErrorFunc(struct _virConnect *conn, void *userData,
                         virErrorFunc handler);

/**
 * virDefaultErrorFunc:
 * @err: the error to print to stderr as "libvirt: ORIGIN error : MESSAGE"
 */
void virDefaultErrorFunc(virErrorPtr err);

#ifdef __cplusplus
}
#endif

#endif /* LIBVIRT_VIRTERROR_H */
