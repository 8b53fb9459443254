/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* web_config.c: TLS, basic auth and headers from an exporter-toolkit web
 * configuration file (web_config.h). */
#include "web_config.h"

#include <arpa/inet.h>
#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "src/conf/conf.h"
#include "src/conf/conf_value.h"
#include "util/xvalloc.h"
#include "util/xvbuf.h"
#include "util/xvfile.h"
#include "util/xvlog.h"

/* Largest certificate, key or CA file read. */
#define WEB_PEM_MAX_BYTES (1024 * 1024)

/* The files one configuration is read from: itself, cert, key, client CA. */
#define WEB_MAX_FILES 4

/* Remembered successful logins. */
#define WEB_CACHE_SIZE 64

/* Highest bcrypt cost accepted: each check of cost 17 already takes
 * seconds, which a scrape cannot wait. */
#define WEB_BCRYPT_MAX_COST 16

/* What an unknown user's password is checked against, so that the reply
 * takes as long as for a known user (cost 10, as htpasswd -B makes). Made
 * here from 24 random bytes that were then thrown away. */
static const char webFakeHash[] =
    "$2b$10$NQehdk4VFXXzC/U0EH0mTeWUtIJwSIC0bA1NwM6G5gO2dh4SEfpAW";

/* A file as stat(2) saw it, to tell when it changed. */
typedef struct {
    char *path;
    bool exists;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime, ctime;
} webStamp;

typedef struct {
    char *name;
    char *hash;
} webUser;

/* One loaded configuration. */
typedef struct {
    SSL_CTX *tls;               /* NULL: plain HTTP */
    char **sans;                /* client_allowed_sans */
    size_t nsans;
    char *headers;              /* "Name: value\r\n"... */
    webUser *users;
    size_t nusers;
    uint64_t rateIntervalMs;    /* 0: no rate limit */
    unsigned int rateBurst;
} webState;

typedef struct {
    double tokens;
    uint64_t lastMs;
} webBucket;

struct _xvWebConfig {
    char *path;
    webState *cur;
    webStamp stamps[WEB_MAX_FILES];     /* of the last read, good or bad */
    size_t nstamps;
    unsigned char cache[WEB_CACHE_SIZE][SHA256_DIGEST_LENGTH];
    size_t ncache, cacheNext;
    webBucket authChecks;
    webBucket requests;
    struct crypt_data *crypt;
};

/* ---- errors ------------------------------------------------------------- */

/* The reading of one file: where errors point. */
typedef struct {
    const char *file;
    char *dir;                  /* relative paths are taken from here */
    xvConfError err;
    webStamp stamps[WEB_MAX_FILES];
    size_t nstamps;
} webReader;

/* The first OpenSSL error queued, or @fallback; the queue is emptied. */
static const char *
webSSLError(char *buf, size_t len, const char *fallback)
{
    unsigned long e = ERR_get_error();

    if (!e) {
        snprintf(buf, len, "%s", fallback);
        return buf;
    }
    ERR_error_string_n(e, buf, len);
    ERR_clear_error();
    return buf;
}

/* ---- files -------------------------------------------------------------- */

static void
webStampTake(webStamp *s, const char *path)
{
    struct stat st;

    memset(s, 0, sizeof(*s));
    s->path = xvStrdup(path);
    if (stat(path, &st) < 0)
        return;
    s->exists = true;
    s->dev = st.st_dev;
    s->ino = st.st_ino;
    s->size = st.st_size;
    s->mtime = st.st_mtim;
    s->ctime = st.st_ctim;
}

static bool
webStampChanged(const webStamp *s)
{
    struct stat st;

    if (stat(s->path, &st) < 0)
        return s->exists;
    return !s->exists || st.st_dev != s->dev || st.st_ino != s->ino ||
           st.st_size != s->size ||
           st.st_mtim.tv_sec != s->mtime.tv_sec || st.st_mtim.tv_nsec != s->mtime.tv_nsec ||
           st.st_ctim.tv_sec != s->ctime.tv_sec || st.st_ctim.tv_nsec != s->ctime.tv_nsec;
}

static void
webStampsClear(webStamp *stamps, size_t *n)
{
    size_t i;

    for (i = 0; i < *n; i++)
        free(stamps[i].path);
    *n = 0;
}

/* @path, or @path taken from the reader's directory when relative. */
static char *
webResolve(const webReader *r, const char *path)
{
    xvBuf buf = XV_BUF_INIT;

    if (path[0] == '/' || !r->dir)
        return xvStrdup(path);
    xvBufAsprintf(&buf, "%s/%s", r->dir, path);
    return xvBufSteal(&buf, NULL);
}

/*
 * Reads the PEM file named by @node (relative to the configuration's
 * directory) after checking it is trusted; *@data is to free(). A key file
 * other users can read is read with a warning.
 */
static int
webReadPem(webReader *r, const xvConfNode *node, const char *key, bool secret,
           char **data, size_t *len)
{
    char why[XV_FILE_WHY_LEN];
    char *path = webResolve(r, node->value);
    struct stat st;
    int fd, rc;

    if (r->nstamps < WEB_MAX_FILES)
        webStampTake(&r->stamps[r->nstamps++], path);
    if ((fd = xvFileOpenRegular(path, O_RDONLY, why, sizeof(why))) < 0) {
        rc = xvConfErrorAtNode(&r->err, r->file, node, "cannot read %s '%s': %s", key,
                               path, why);
        free(path);
        return rc;
    }
    rc = xvFileCheckTrust(path, fd, 0, why, sizeof(why));
    if (rc == XV_FILE_TRUST_WARNING)
        xvLogWarning("web config: %s: %s", path, why);
    if (rc < 0) {
        close(fd);
        rc = xvConfErrorAtNode(&r->err, r->file, node, "%s '%s' is not trusted: %s", key,
                               path, why);
        free(path);
        return rc;
    }
    if (secret && fstat(fd, &st) == 0 && (st.st_mode & S_IROTH))
        xvLogWarning("web config: %s: the private key is readable by every user", path);
    rc = xvFileReadFd(fd, WEB_PEM_MAX_BYTES, data, len, why, sizeof(why));
    close(fd);
    if (rc < 0)
        rc = xvConfErrorAtNode(&r->err, r->file, node, "cannot read %s '%s': %s", key,
                               path, why);
    free(path);
    return rc;
}

/* ---- tls_server_config -------------------------------------------------- */

/* The keys of tls_server_config, as read. */
typedef struct {
    const xvConfNode *cert, *key, *certFile, *keyFile;
    const xvConfNode *clientCA, *clientCAFile, *clientAuth, *sans;
    const xvConfNode *minVersion, *maxVersion, *ciphers, *preferServer, *curves;
} webTLSKeys;

static const char *const webClientAuthNames[] = {
    "NoClientCert", "RequestClientCert", "RequireAnyClientCert", "RequireClientCert",
    "VerifyClientCertIfGiven", "RequireAndVerifyClientCert", NULL,
};

/* SSL_VERIFY_* of each name above, and whether the chain is checked. */
static const int webClientAuthModes[] = {
    SSL_VERIFY_NONE,
    SSL_VERIFY_PEER,
    SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
    SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
    SSL_VERIFY_PEER,
    SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
};
static const bool webClientAuthVerifies[] = { false, false, false, false, true, true };

static const char *const webVersionNames[] = { "TLS10", "TLS11", "TLS12", "TLS13", NULL };
static const int webVersions[] = { TLS1_VERSION, TLS1_1_VERSION, TLS1_2_VERSION, TLS1_3_VERSION };

/* The cipher suites Go's crypto/tls offers (tls.CipherSuites()), by their
 * IANA names; the TLS 1.3 ones are accepted and not configurable there
 * (nor here). */
static const char *const webCipherNames[] = {
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
    NULL,
};
#define WEB_TLS13_CIPHERS_FROM 10

/* Go's curve names and OpenSSL's group names. */
static const char *const webCurveNames[] = { "CurveP256", "CurveP384", "CurveP521", "X25519", NULL };
static const char *const webCurveGroups[] = { "P-256", "P-384", "P-521", "X25519" };

/* A scalar that names one of @names; *@index is its index. */
static int
webGetName(webReader *r, const xvConfNode *node, const char *const *names, const char *what,
           int *index)
{
    char *list;
    int rc;

    if (node->kind != XV_CONF_NODE_SCALAR || xvConfNodeIsNull(node) ||
        (*index = xvConfLookupName(names, node->value, false)) < 0) {
        list = xvConfJoin(names);
        if (node->kind == XV_CONF_NODE_SCALAR && !xvConfNodeIsNull(node)) {
            char *q = xvConfQuote(node->value);

            rc = xvConfErrorAtNode(&r->err, r->file, node, "unknown %s '%s' (expected one of: %s)",
                                   what, q, list);
            free(q);
        } else {
            rc = xvConfErrorExpected(&r->err, r->file, node, list);
        }
        free(list);
        return rc;
    }
    return 0;
}

static int
webReadTLSKeys(webReader *r, const xvConfNode *map, webTLSKeys *k)
{
    static const char *const keys[] = {
        "cert", "key", "cert_file", "key_file", "client_ca", "client_ca_file",
        "client_auth_type", "client_allowed_sans", "min_version", "max_version",
        "cipher_suites", "prefer_server_cipher_suites", "curve_preferences", NULL,
    };
    const xvConfNode **slots[] = {
        &k->cert, &k->key, &k->certFile, &k->keyFile, &k->clientCA, &k->clientCAFile,
        &k->clientAuth, &k->sans, &k->minVersion, &k->maxVersion,
        &k->ciphers, &k->preferServer, &k->curves,
    };
    size_t i;
    int idx;

    memset(k, 0, sizeof(*k));
    for (i = 0; i < map->nchildren; i++) {
        const xvConfNode *child = &map->children[i];

        if ((idx = xvConfLookupName(keys, child->key, false)) < 0)
            return xvConfNodeUnknownKey(child, r->file, "tls_server_config", keys, &r->err);
        if (!xvConfNodeIsNull(child))
            *slots[idx] = child;
    }
    return 0;
}

/* A non-empty string value. */
static int
webCheckString(webReader *r, const xvConfNode *node)
{
    if (node->kind != XV_CONF_NODE_SCALAR || !node->value[0])
        return xvConfErrorExpected(&r->err, r->file, node, "a non-empty string");
    return 0;
}

/* A sequence of non-empty strings. */
static int
webCheckStrings(webReader *r, const xvConfNode *node)
{
    size_t i;
    int rc;

    if (node->kind != XV_CONF_NODE_SEQUENCE)
        return xvConfErrorExpected(&r->err, r->file, node, "a list of strings");
    for (i = 0; i < node->nchildren; i++) {
        if ((rc = webCheckString(r, &node->children[i])) < 0)
            return rc;
    }
    return 0;
}

/* The PEM text of an inline key or of its file. */
static int
webPemOf(webReader *r, const xvConfNode *inlineNode, const xvConfNode *fileNode,
         const char *name, bool secret, char **data, size_t *len)
{
    const char *fileKey = secret ? "key_file" : (strcmp(name, "cert") == 0 ? "cert_file"
                                                                           : "client_ca_file");
    int rc;

    if (inlineNode && fileNode)
        return xvConfErrorAtKey(&r->err, r->file, fileNode, "give %s or %s, not both",
                                name, fileKey);
    if (inlineNode) {
        if ((rc = webCheckString(r, inlineNode)) < 0)
            return rc;
        *data = xvStrdup(inlineNode->value);
        *len = strlen(*data);
        return 0;
    }
    if ((rc = webCheckString(r, fileNode)) < 0)
        return rc;
    return webReadPem(r, fileNode, fileKey, secret, data, len);
}

/*
 * The certificates of an inline PEM or of its file, in their order, into
 * *@certs (to free with sk_X509_pop_free(..., X509_free)); at least one.
 */
static int
webReadCerts(webReader *r, const xvConfNode *inlineNode, const xvConfNode *fileNode,
             const char *name, STACK_OF(X509) **certs)
{
    const xvConfNode *at = inlineNode ? inlineNode : fileNode;
    char *pem = NULL;
    size_t len;
    BIO *bio;
    X509 *x;
    int rc;

    if ((rc = webPemOf(r, inlineNode, fileNode, name, false, &pem, &len)) < 0)
        return rc;
    *certs = sk_X509_new_null();
    bio = BIO_new_mem_buf(pem, (int)len);
    while ((x = PEM_read_bio_X509_AUX(bio, NULL, NULL, NULL)))
        sk_X509_push(*certs, x);
    ERR_clear_error();          /* the end of the file */
    BIO_free(bio);
    free(pem);
    if (sk_X509_num(*certs) == 0) {
        sk_X509_free(*certs);
        return xvConfErrorAtNode(&r->err, r->file, at, "no PEM certificate found in %s",
                                 name);
    }
    return 0;
}

/* Loads the certificate, its chain and the key into @ctx. */
static int
webLoadKeyPair(webReader *r, const webTLSKeys *k, const xvConfNode *where, SSL_CTX *ctx)
{
    const xvConfNode *certAt = k->cert ? k->cert : k->certFile;
    const xvConfNode *keyAt = k->key ? k->key : k->keyFile;
    STACK_OF(X509) *certs;
    char *pem = NULL;
    char ebuf[256];
    size_t len;
    BIO *bio;
    EVP_PKEY *pkey;
    int rc, i;

    if (!certAt)
        return xvConfErrorAtKey(&r->err, r->file, where, "TLS needs a certificate: missing "
                                "one of cert or cert_file");
    if (!keyAt)
        return xvConfErrorAtKey(&r->err, r->file, where, "TLS needs a key: missing one of "
                                "key or key_file");
    if ((rc = webReadCerts(r, k->cert, k->certFile, "cert", &certs)) < 0)
        return rc;
    /* the first is the server's; the rest is the chain, as a web server
     * sends it */
    rc = SSL_CTX_use_certificate(ctx, sk_X509_value(certs, 0));
    for (i = 1; rc == 1 && i < sk_X509_num(certs); i++)
        rc = SSL_CTX_add1_chain_cert(ctx, sk_X509_value(certs, i));
    sk_X509_pop_free(certs, X509_free);
    if (rc != 1)
        return xvConfErrorAtNode(&r->err, r->file, certAt, "no usable certificate: %s",
                                 webSSLError(ebuf, sizeof(ebuf), "refused"));

    if ((rc = webPemOf(r, k->key, k->keyFile, "key", true, &pem, &len)) < 0)
        return rc;
    bio = BIO_new_mem_buf(pem, (int)len);
    pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    BIO_free(bio);
    OPENSSL_cleanse(pem, len);
    free(pem);
    if (!pkey)
        return xvConfErrorAtNode(&r->err, r->file, keyAt, "no usable private key: %s",
                                 webSSLError(ebuf, sizeof(ebuf), "no PEM private key found"));
    rc = SSL_CTX_use_PrivateKey(ctx, pkey);
    EVP_PKEY_free(pkey);
    if (rc != 1 || SSL_CTX_check_private_key(ctx) != 1)
        return xvConfErrorAtNode(&r->err, r->file, keyAt, "the private key does not match "
                                 "the certificate: %s",
                                 webSSLError(ebuf, sizeof(ebuf), "mismatch"));
    return 0;
}

/* Loads the client CAs into @ctx: what chains are checked against, and
 * the names sent in the certificate request. */
static int
webLoadClientCA(webReader *r, const webTLSKeys *k, SSL_CTX *ctx)
{
    const xvConfNode *at = k->clientCA ? k->clientCA : k->clientCAFile;
    X509_STORE *store = SSL_CTX_get_cert_store(ctx);
    STACK_OF(X509) *certs;
    char ebuf[256];
    int rc, i;

    if ((rc = webReadCerts(r, k->clientCA, k->clientCAFile, "client_ca", &certs)) < 0)
        return rc;
    rc = 1;
    for (i = 0; rc == 1 && i < sk_X509_num(certs); i++) {
        rc = X509_STORE_add_cert(store, sk_X509_value(certs, i));
        if (rc == 1)
            rc = SSL_CTX_add_client_CA(ctx, sk_X509_value(certs, i));
    }
    sk_X509_pop_free(certs, X509_free);
    if (rc != 1)
        return xvConfErrorAtNode(&r->err, r->file, at, "cannot use a client CA: %s",
                                 webSSLError(ebuf, sizeof(ebuf), "rejected"));
    return 0;
}

/* Accepts any client certificate, or none: the modes that ask for one
 * without checking it (Go's RequestClientCert, RequireAnyClientCert). */
static int
webAcceptAnyPeer(int ok, X509_STORE_CTX *store)
{
    (void)ok;
    (void)store;
    return 1;
}

static int
webSetVersions(webReader *r, const webTLSKeys *k, SSL_CTX *ctx)
{
    int lo = 2, hi = 3, rc;        /* TLS12, TLS13 */

    if (k->minVersion && (rc = webGetName(r, k->minVersion, webVersionNames, "TLS version", &lo)) < 0)
        return rc;
    if (k->maxVersion && (rc = webGetName(r, k->maxVersion, webVersionNames, "TLS version", &hi)) < 0)
        return rc;
    if (lo > hi)
        return xvConfErrorAtNode(&r->err, r->file, k->minVersion ? k->minVersion : k->maxVersion,
                                 "min_version %s is above max_version %s",
                                 webVersionNames[lo], webVersionNames[hi]);
    SSL_CTX_set_min_proto_version(ctx, webVersions[lo]);
    SSL_CTX_set_max_proto_version(ctx, webVersions[hi]);
    return 0;
}

/* OpenSSL's name of the cipher suite @name (index @idx of webCipherNames),
 * or NULL for a TLS 1.3 suite (not configurable, as in Go). */
static const char *
webCipherOpenSSL(int idx, const char *name)
{
    return idx >= WEB_TLS13_CIPHERS_FROM ? NULL : OPENSSL_cipher_name(name);
}

/* OpenSSL's group name of the curve of index @idx of webCurveNames. */
static const char *
webCurveGroup(int idx, const char *name)
{
    (void)name;
    return webCurveGroups[idx];
}

/*
 * The list @seq (of names among @names, said to be @what in errors) as
 * OpenSSL takes it, into @list: each name as @to gives it (NULL: left out),
 * separated by ':'.
 */
static int
webJoinNames(webReader *r, const xvConfNode *seq, const char *const *names, const char *what,
             const char *(*to)(int idx, const char *name), xvBuf *list)
{
    const char *name;
    size_t i;
    int idx, rc;

    if ((rc = webCheckStrings(r, seq)) < 0)
        return rc;
    for (i = 0; i < seq->nchildren; i++) {
        if ((rc = webGetName(r, &seq->children[i], names, what, &idx)) < 0)
            return rc;
        if ((name = to(idx, seq->children[i].value)))
            xvBufAsprintf(list, "%s%s", list->len ? ":" : "", name);
    }
    return 0;
}

static int
webSetCiphers(webReader *r, const webTLSKeys *k, SSL_CTX *ctx)
{
    xvBuf list = XV_BUF_INIT;
    char ebuf[256];
    int rc;

    if (k->preferServer) {
        bool prefer;

        if ((rc = xvConfNodeGetBool(k->preferServer, r->file, &prefer, &r->err)) < 0)
            return rc;
        if (!prefer)
            SSL_CTX_clear_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
    }
    if (!k->ciphers)
        return 0;
    rc = webJoinNames(r, k->ciphers, webCipherNames, "cipher suite", webCipherOpenSSL, &list);
    if (rc == 0 && list.len && SSL_CTX_set_cipher_list(ctx, list.data) != 1)
        rc = xvConfErrorAtNode(&r->err, r->file, k->ciphers, "no cipher suite of the list "
                               "can be used: %s", webSSLError(ebuf, sizeof(ebuf), "refused"));
    xvBufFree(&list);
    return rc;
}

static int
webSetCurves(webReader *r, const webTLSKeys *k, SSL_CTX *ctx)
{
    xvBuf list = XV_BUF_INIT;
    char ebuf[256];
    int rc;

    if (!k->curves)
        return 0;
    rc = webJoinNames(r, k->curves, webCurveNames, "curve", webCurveGroup, &list);
    if (rc == 0 && list.len && SSL_CTX_set1_groups_list(ctx, list.data) != 1)
        rc = xvConfErrorAtNode(&r->err, r->file, k->curves, "curves refused: %s",
                               webSSLError(ebuf, sizeof(ebuf), "refused"));
    xvBufFree(&list);
    return rc;
}

static int
webSetClientAuth(webReader *r, const webTLSKeys *k, const xvConfNode *where, SSL_CTX *ctx)
{
    bool haveCA = k->clientCA || k->clientCAFile;
    int mode = 0, rc;

    if (k->clientAuth && (rc = webGetName(r, k->clientAuth, webClientAuthNames,
                                          "client_auth_type", &mode)) < 0)
        return rc;
    if (haveCA && mode == 0)
        return xvConfErrorAtKey(&r->err, r->file, k->clientCA ? k->clientCA : k->clientCAFile,
                                "a client CA is given without a client_auth_type that asks "
                                "for client certificates");
    if (webClientAuthVerifies[mode] && !haveCA)
        return xvConfErrorAtKey(&r->err, r->file, k->clientAuth ? k->clientAuth : where,
                                "client_auth_type %s needs client_ca_file or client_ca",
                                webClientAuthNames[mode]);
    if (haveCA && (rc = webLoadClientCA(r, k, ctx)) < 0)
        return rc;
    SSL_CTX_set_verify(ctx, webClientAuthModes[mode],
                       mode != 0 && !webClientAuthVerifies[mode] ? webAcceptAnyPeer : NULL);
    return 0;
}

/* tls_server_config: *@ctx is NULL when it asks for no TLS (no certificate,
 * key, client CA or client auth: exporter-toolkit's rule). */
static int
webReadTLS(webReader *r, const xvConfNode *map, webState *st)
{
    webTLSKeys k;
    SSL_CTX *ctx;
    char ebuf[256];
    size_t i;
    int rc;

    if ((rc = xvConfNodeCheckKind(map, r->file, XV_CONF_NODE_MAPPING, &r->err)) < 0 ||
        (rc = webReadTLSKeys(r, map, &k)) < 0)
        return rc;
    if (!k.cert && !k.key && !k.certFile && !k.keyFile && !k.clientCA && !k.clientCAFile &&
        !k.clientAuth)
        return 0;
    if (!(ctx = SSL_CTX_new(TLS_server_method())))
        return xvConfErrorAtKey(&r->err, r->file, map, "cannot set up TLS: %s",
                                webSSLError(ebuf, sizeof(ebuf), "SSL_CTX_new failed"));
    SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
    /* a write blocked mid-way is resumed from a buffer that may have moved;
     * no partial writes: libevent's OpenSSL bufferevent goes on to the next
     * piece after a short SSL_write and drains what it counted, so the rest
     * of the piece would be skipped (a corrupt body past ~16 KiB) */
    SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
    /* TLS 1.3 suites in Go's order on hardware with AES: AES-128-GCM first
     * (OpenSSL's default puts AES-256-GCM first, 40% more work per byte of
     * a scrape for no gain a scrape needs) */
    SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:"
                             "TLS_CHACHA20_POLY1305_SHA256");
    /* each connection is one scraper's: no server-side session cache */
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    if ((rc = webLoadKeyPair(r, &k, map, ctx)) < 0 ||
        (rc = webSetClientAuth(r, &k, map, ctx)) < 0 ||
        (rc = webSetVersions(r, &k, ctx)) < 0 ||
        (rc = webSetCiphers(r, &k, ctx)) < 0 ||
        (rc = webSetCurves(r, &k, ctx)) < 0) {
        SSL_CTX_free(ctx);
        return rc;
    }
    if (k.sans) {
        if ((rc = webCheckStrings(r, k.sans)) < 0) {
            SSL_CTX_free(ctx);
            return rc;
        }
        st->sans = xvAlloc(k.sans->nchildren * sizeof(*st->sans) + 1);
        for (i = 0; i < k.sans->nchildren; i++)
            st->sans[i] = xvStrdup(k.sans->children[i].value);
        st->nsans = k.sans->nchildren;
    }
    st->tls = ctx;
    return 0;
}

/* ---- http_server_config ------------------------------------------------- */

/* The headers exporter-toolkit lets an operator set, and the values it
 * allows (NULL: any). */
static const char *const webHeaderNames[] = {
    "Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options",
    "X-XSS-Protection", "Strict-Transport-Security", NULL,
};
static const char *const webFrameOptions[] = { "deny", "sameorigin", NULL };
static const char *const webTypeOptions[] = { "nosniff", NULL };
static const char *const *const webHeaderValues[] = {
    NULL, webFrameOptions, webTypeOptions, NULL, NULL,
};

/* A header value that fits on its line: visible ASCII, blanks inside. */
static bool
webHeaderValueOk(const char *v)
{
    size_t i, n = strlen(v);

    if (n == 0 || v[0] == ' ' || v[0] == '\t' || v[n - 1] == ' ' || v[n - 1] == '\t')
        return false;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];

        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return false;
    }
    return true;
}

static int
webReadHeaders(webReader *r, const xvConfNode *map, webState *st)
{
    xvBuf buf = XV_BUF_INIT;
    size_t i;
    int idx, rc;

    if ((rc = xvConfNodeCheckKind(map, r->file, XV_CONF_NODE_MAPPING, &r->err)) < 0)
        return rc;
    for (i = 0; i < map->nchildren; i++) {
        const xvConfNode *h = &map->children[i];

        if ((idx = xvConfLookupName(webHeaderNames, h->key, false)) < 0) {
            xvBufFree(&buf);
            return xvConfNodeUnknownKey(h, r->file, "http_server_config.headers",
                                        webHeaderNames, &r->err);
        }
        if (xvConfNodeIsNull(h))
            continue;           /* "unset if blank" */
        if (h->kind != XV_CONF_NODE_SCALAR || !webHeaderValueOk(h->value)) {
            xvBufFree(&buf);
            return xvConfErrorExpected(&r->err, r->file, h, "a header value on one line");
        }
        if (webHeaderValues[idx] && xvConfLookupName(webHeaderValues[idx], h->value, false) < 0) {
            char *list = xvConfJoin(webHeaderValues[idx]);
            char *q = xvConfQuote(h->value);

            rc = xvConfErrorAtNode(&r->err, r->file, h, "invalid value '%s' for %s (expected "
                                   "one of: %s)", q, h->key, list);
            free(list);
            free(q);
            xvBufFree(&buf);
            return rc;
        }
        xvBufAsprintf(&buf, "%s: %s\r\n", h->key, h->value);
    }
    st->headers = xvBufSteal(&buf, NULL);
    return 0;
}

static int
webReadHTTP(webReader *r, const xvConfNode *map, webState *st)
{
    static const char *const keys[] = { "http2", "headers", NULL };
    size_t i;
    int rc;

    if ((rc = xvConfNodeCheckKind(map, r->file, XV_CONF_NODE_MAPPING, &r->err)) < 0)
        return rc;
    for (i = 0; i < map->nchildren; i++) {
        const xvConfNode *child = &map->children[i];
        bool http2;

        if (xvConfLookupName(keys, child->key, false) < 0)
            return xvConfNodeUnknownKey(child, r->file, "http_server_config", keys, &r->err);
        if (xvConfNodeIsNull(child))
            continue;
        if (strcmp(child->key, "http2") == 0)
            rc = xvConfNodeGetBool(child, r->file, &http2, &r->err);   /* HTTP/1.1 only */
        else
            rc = webReadHeaders(r, child, st);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* ---- basic_auth_users, rate_limit --------------------------------------- */

/* A bcrypt hash as crypt(3) writes it: $2a$, $2b$ or $2y$, a two-digit
 * cost, 22 characters of salt and 31 of hash in bcrypt's base64. */
static bool
webIsBcrypt(const char *h, int *cost)
{
    static const char alphabet[] =
        "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    size_t i;

    if (strlen(h) != 60 || h[0] != '$' || h[1] != '2' || !strchr("aby", h[2]) || h[3] != '$' ||
        h[4] < '0' || h[4] > '9' || h[5] < '0' || h[5] > '9' || h[6] != '$')
        return false;
    for (i = 7; i < 60; i++) {
        if (!strchr(alphabet, h[i]))
            return false;
    }
    *cost = (h[4] - '0') * 10 + (h[5] - '0');
    return *cost >= 4 && *cost <= 31;
}

static int
webReadUsers(webReader *r, const xvConfNode *map, webState *st)
{
    size_t i;
    int rc, cost;

    if ((rc = xvConfNodeCheckKind(map, r->file, XV_CONF_NODE_MAPPING, &r->err)) < 0)
        return rc;
    st->users = xvAlloc(map->nchildren * sizeof(*st->users) + 1);
    for (i = 0; i < map->nchildren; i++) {
        const xvConfNode *u = &map->children[i];

        if (!u->key[0] || strchr(u->key, ':'))
            return xvConfErrorAtKey(&r->err, r->file, u, "a user name must be non-empty "
                                    "and without ':' (basic auth splits there)");
        if (u->kind != XV_CONF_NODE_SCALAR || !webIsBcrypt(u->value, &cost))
            return xvConfErrorExpected(&r->err, r->file, u, "a bcrypt hash ($2y$10$..., "
                                       "as htpasswd -nBC 10 makes)");
        if (cost > WEB_BCRYPT_MAX_COST)
            return xvConfErrorAtNode(&r->err, r->file, u, "bcrypt cost %d is over %d: every "
                                     "login would take seconds", cost, WEB_BCRYPT_MAX_COST);
        st->users[st->nusers].name = xvStrdup(u->key);
        st->users[st->nusers].hash = xvStrdup(u->value);
        st->nusers++;
    }
    return 0;
}

static int
webReadRateLimit(webReader *r, const xvConfNode *map, webState *st)
{
    static const char *const keys[] = { "interval", "burst", NULL };
    long long burst = 1;
    size_t i;
    int rc;

    if ((rc = xvConfNodeCheckKind(map, r->file, XV_CONF_NODE_MAPPING, &r->err)) < 0)
        return rc;
    for (i = 0; i < map->nchildren; i++) {
        const xvConfNode *child = &map->children[i];

        if (xvConfLookupName(keys, child->key, false) < 0)
            return xvConfNodeUnknownKey(child, r->file, "rate_limit", keys, &r->err);
        if (xvConfNodeIsNull(child))
            continue;
        if (strcmp(child->key, "interval") == 0)
            rc = xvConfNodeGetDuration(child, r->file, 0, UINT64_C(24) * 3600 * 1000,
                                       &st->rateIntervalMs, &r->err);
        else
            rc = xvConfNodeGetInt(child, r->file, 1, 1000000, &burst, &r->err);
        if (rc < 0)
            return rc;
    }
    st->rateBurst = (unsigned int)burst;
    return 0;
}

/* ---- a whole configuration ---------------------------------------------- */

static void
webStateFree(webState *st)
{
    size_t i;

    if (!st)
        return;
    SSL_CTX_free(st->tls);
    for (i = 0; i < st->nsans; i++)
        free(st->sans[i]);
    free(st->sans);
    free(st->headers);
    for (i = 0; i < st->nusers; i++) {
        free(st->users[i].name);
        free(st->users[i].hash);
    }
    free(st->users);
    free(st);
}

static int
webReadRoot(webReader *r, const xvConfNode *root, webState *st)
{
    static const char *const keys[] = {
        "tls_server_config", "http_server_config", "basic_auth_users", "rate_limit", NULL,
    };
    size_t i;
    int rc;

    for (i = 0; i < root->nchildren; i++) {
        const xvConfNode *child = &root->children[i];

        if (xvConfLookupName(keys, child->key, false) < 0)
            return xvConfNodeUnknownKey(child, r->file, NULL, keys, &r->err);
        if (xvConfNodeIsNull(child))
            continue;
        if (strcmp(child->key, "tls_server_config") == 0)
            rc = webReadTLS(r, child, st);
        else if (strcmp(child->key, "http_server_config") == 0)
            rc = webReadHTTP(r, child, st);
        else if (strcmp(child->key, "basic_auth_users") == 0)
            rc = webReadUsers(r, child, st);
        else
            rc = webReadRateLimit(r, child, st);
        if (rc < 0)
            return rc;
    }
    if (!st->headers)
        st->headers = xvStrdup("");
    return 0;
}

/*
 * Reads @path into a new state. The stamps of every file looked at (good
 * or bad) go to @wc, so a bad file is read again only once it changed.
 */
static webState *
webLoad(xvWebConfig *wc, char **errmsg)
{
    webReader r = { .file = wc->path };
    webState *st = xvAlloc(sizeof(*st));
    unsigned char *data = NULL;
    char *warning = NULL;
    const char *slash = strrchr(wc->path, '/');
    xvConfNode *root = NULL;
    size_t len;
    int rc;

    if (slash)
        r.dir = xvStrndup(wc->path, slash == wc->path ? 1 : (size_t)(slash - wc->path));
    webStampTake(&r.stamps[r.nstamps++], wc->path);
    rc = xvConfReadFile(wc->path, &data, &len, &warning, &r.err);
    if (warning) {
        xvLogWarning("web config: %s: %s", wc->path, warning);
        free(warning);
    }
    if (rc == 0)
        rc = xvConfParse(wc->path, data, len, &root, &r.err);
    if (rc == 0)
        rc = webReadRoot(&r, root, st);
    free(data);
    xvConfNodeFree(root);
    free(r.dir);
    webStampsClear(wc->stamps, &wc->nstamps);
    memcpy(wc->stamps, r.stamps, sizeof(r.stamps));
    wc->nstamps = r.nstamps;
    if (rc < 0) {
        *errmsg = xvConfErrorFormat(&r.err);
        xvConfErrorClear(&r.err);
        webStateFree(st);
        return NULL;
    }
    return st;
}

/* A new configuration in force: what was remembered of the old goes. */
static void
webInstall(xvWebConfig *wc, webState *st)
{
    webStateFree(wc->cur);
    wc->cur = st;
    OPENSSL_cleanse(wc->cache, sizeof(wc->cache));
    wc->ncache = wc->cacheNext = 0;
    wc->requests.tokens = st->rateBurst;
}

xvWebConfig *
xvWebConfigOpen(const char *path, char **errmsg)
{
    xvWebConfig *wc = xvAlloc(sizeof(*wc));
    webState *st;

    *errmsg = NULL;
    wc->path = xvStrdup(path);
    wc->authChecks.tokens = XV_WEB_AUTH_CHECKS_BURST;
    if (!(st = webLoad(wc, errmsg))) {
        xvWebConfigFree(wc);
        return NULL;
    }
    webInstall(wc, st);
    return wc;
}

void
xvWebConfigFree(xvWebConfig *wc)
{
    if (!wc)
        return;
    webStateFree(wc->cur);
    webStampsClear(wc->stamps, &wc->nstamps);
    OPENSSL_cleanse(wc->cache, sizeof(wc->cache));
    if (wc->crypt)
        OPENSSL_cleanse(wc->crypt, sizeof(*wc->crypt));
    free(wc->crypt);
    free(wc->path);
    free(wc);
}

const char *
xvWebConfigPath(const xvWebConfig *wc)
{
    return wc->path;
}

int
xvWebConfigReload(xvWebConfig *wc, char **errmsg)
{
    webState *st;

    *errmsg = NULL;
    if (!(st = webLoad(wc, errmsg)))
        return -1;
    webInstall(wc, st);
    return 0;
}

bool
xvWebConfigRefresh(xvWebConfig *wc)
{
    char *errmsg = NULL;
    bool changed = false;
    size_t i;

    for (i = 0; i < wc->nstamps && !changed; i++)
        changed = webStampChanged(&wc->stamps[i]);
    if (!changed)
        return false;
    if (xvWebConfigReload(wc, &errmsg) < 0) {
        xvLogError("web config: %s; the configuration read before stays in force", errmsg);
        free(errmsg);
        return false;
    }
    xvLogNotice("web config: %s read again (TLS %s, %zu basic auth users)", wc->path,
                wc->cur->tls ? "on" : "off", wc->cur->nusers);
    return true;
}

SSL_CTX *
xvWebConfigTLS(const xvWebConfig *wc)
{
    return wc->cur->tls;
}

const char *
xvWebConfigHeaders(const xvWebConfig *wc)
{
    return wc->cur->headers;
}

bool
xvWebConfigNeedsAuth(const xvWebConfig *wc)
{
    return wc->cur->nusers > 0;
}

/* ---- client_allowed_sans ------------------------------------------------ */

/* Whether the subject alternative name @gn is written @want. */
static bool
webSanIs(const GENERAL_NAME *gn, const char *want)
{
    char text[INET6_ADDRSTRLEN];
    const ASN1_STRING *s;
    int type;

    s = GENERAL_NAME_get0_value(gn, &type);
    switch (type) {
    case GEN_DNS:
    case GEN_EMAIL:
    case GEN_URI:
        return (size_t)ASN1_STRING_length(s) == strlen(want) &&
               memcmp(ASN1_STRING_get0_data(s), want, strlen(want)) == 0;
    case GEN_IPADD:
        if (ASN1_STRING_length(s) == 4)
            inet_ntop(AF_INET, ASN1_STRING_get0_data(s), text, sizeof(text));
        else if (ASN1_STRING_length(s) == 16)
            inet_ntop(AF_INET6, ASN1_STRING_get0_data(s), text, sizeof(text));
        else
            return false;
        return strcmp(text, want) == 0;
    default:
        return false;
    }
}

bool
xvWebConfigPeerAllowed(const xvWebConfig *wc, SSL *ssl)
{
    const webState *st = wc->cur;
    GENERAL_NAMES *names;
    X509 *peer;
    bool found = false;
    int i;
    size_t j;

    if (st->nsans == 0)
        return true;
    if (!(peer = SSL_get0_peer_certificate(ssl)))
        return false;
    if (!(names = X509_get_ext_d2i(peer, NID_subject_alt_name, NULL, NULL)))
        return false;
    for (i = 0; i < sk_GENERAL_NAME_num(names) && !found; i++) {
        for (j = 0; j < st->nsans && !found; j++)
            found = webSanIs(sk_GENERAL_NAME_value(names, i), st->sans[j]);
    }
    GENERAL_NAMES_free(names);
    return found;
}

/* ---- basic auth --------------------------------------------------------- */

/* The value of a base64 digit, or -1. */
static int
webBase64Digit(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

long
xvWebBase64Decode(const char *data, size_t len, unsigned char *out)
{
    size_t pad = 0, i;
    uint32_t acc = 0;
    long n = 0;

    if (len % 4 != 0)
        return -1;
    if (len > 0 && data[len - 1] == '=')
        pad = data[len - 2] == '=' ? 2 : 1;
    for (i = 0; i < len; i++) {
        int v = i < len - pad ? webBase64Digit((unsigned char)data[i]) : 0;

        if (v < 0)
            return -1;
        acc = acc << 6 | (uint32_t)v;
        if (i % 4 == 3) {
            out[n++] = (unsigned char)(acc >> 16);
            out[n++] = (unsigned char)(acc >> 8);
            out[n++] = (unsigned char)acc;
            acc = 0;
        }
    }
    return n - (long)pad;
}

/* Whether @a and @b (NUL-terminated) are equal, in a time that depends on
 * their lengths only. */
static bool
webSecretEqual(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);

    /* compare against itself when the lengths differ, to spend the same time */
    return (CRYPTO_memcmp(a, la == lb ? b : a, la) == 0) & (la == lb);
}

/* Takes one token from @b (@perSecond refill, @burst cap) at @nowMs. */
static bool
webBucketTake(webBucket *b, double perSecond, double burst, uint64_t nowMs)
{
    if (nowMs > b->lastMs)
        b->tokens += (double)(nowMs - b->lastMs) * perSecond / 1000.0;
    if (b->tokens > burst)
        b->tokens = burst;
    b->lastMs = nowMs;
    if (b->tokens < 1.0)
        return false;
    b->tokens -= 1.0;
    return true;
}

/* The cache key of a login: SHA-256 of user, hash and password. */
static void
webLoginKey(const char *user, const char *hash, const char *password, size_t plen,
            unsigned char key[SHA256_DIGEST_LENGTH])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();

    EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    EVP_DigestUpdate(md, user, strlen(user) + 1);
    EVP_DigestUpdate(md, hash, strlen(hash) + 1);
    EVP_DigestUpdate(md, password, plen);
    EVP_DigestFinal_ex(md, key, NULL);
    EVP_MD_CTX_free(md);
}

static bool
webCacheHas(const xvWebConfig *wc, const unsigned char key[SHA256_DIGEST_LENGTH])
{
    bool hit = false;
    size_t i;

    for (i = 0; i < wc->ncache; i++)
        hit |= CRYPTO_memcmp(wc->cache[i], key, SHA256_DIGEST_LENGTH) == 0;
    return hit;
}

static void
webCacheAdd(xvWebConfig *wc, const unsigned char key[SHA256_DIGEST_LENGTH])
{
    memcpy(wc->cache[wc->cacheNext], key, SHA256_DIGEST_LENGTH);
    wc->cacheNext = (wc->cacheNext + 1) % WEB_CACHE_SIZE;
    if (wc->ncache < WEB_CACHE_SIZE)
        wc->ncache++;
}

bool
xvWebParseBasic(const char *value, size_t len, unsigned char *buf, char **user,
                char **password, size_t *plen)
{
    char *colon;
    long n;

    if (len < 6 || strncasecmp(value, "Basic ", 6) != 0)
        return false;
    value += 6, len -= 6;
    while (len && *value == ' ')
        value++, len--;
    if ((n = xvWebBase64Decode(value, len, buf)) < 0)
        return false;
    buf[n] = '\0';
    if (memchr(buf, '\0', (size_t)n) || !(colon = strchr((char *)buf, ':')))
        return false;
    *colon = '\0';
    *user = (char *)buf;
    *password = colon + 1;
    *plen = (size_t)n - (size_t)(colon + 1 - (char *)buf);
    return true;
}

xvWebAuthResult
xvWebConfigAuthorize(xvWebConfig *wc, const char *value, size_t len, uint64_t nowMs)
{
    const webState *st = wc->cur;
    unsigned char key[SHA256_DIGEST_LENGTH];
    const char *hash = webFakeHash;
    unsigned char *buf;
    char *user, *password, *out;
    bool known = false, ok;
    size_t i, plen;

    if (st->nusers == 0)
        return XV_WEB_AUTH_OK;
    /* the request head is capped, so is this */
    buf = xvAlloc(len / 4 * 3 + 1);
    if (!value || !xvWebParseBasic(value, len, buf, &user, &password, &plen)) {
        free(buf);
        return XV_WEB_AUTH_DENIED;
    }
    /* every user is compared, so the time does not say which one matched */
    for (i = 0; i < st->nusers; i++) {
        bool same = webSecretEqual(st->users[i].name, user);

        hash = same ? st->users[i].hash : hash;
        known |= same;
    }
    webLoginKey(user, hash, password, plen, key);
    if (known && webCacheHas(wc, key)) {
        OPENSSL_cleanse(buf, len / 4 * 3 + 1);
        free(buf);
        return XV_WEB_AUTH_OK;
    }
    if (!webBucketTake(&wc->authChecks, XV_WEB_AUTH_CHECKS_PER_SECOND,
                       XV_WEB_AUTH_CHECKS_BURST, nowMs)) {
        OPENSSL_cleanse(buf, len / 4 * 3 + 1);
        free(buf);
        return XV_WEB_AUTH_BUSY;
    }
    if (!wc->crypt)
        wc->crypt = xvAlloc(sizeof(*wc->crypt));
    /* crypt_rn: libxcrypt's crypt_r that says failure with NULL rather
     * than a "*0" string (and that ASan's crypt_r interceptor, which does
     * not find libxcrypt's, leaves alone) */
    out = crypt_rn(password, hash, wc->crypt, (int)sizeof(*wc->crypt));
    ok = out && webSecretEqual(out, hash) && known;
    if (ok)
        webCacheAdd(wc, key);
    OPENSSL_cleanse(buf, len / 4 * 3 + 1);
    OPENSSL_cleanse(wc->crypt, sizeof(*wc->crypt));
    free(buf);
    return ok ? XV_WEB_AUTH_OK : XV_WEB_AUTH_DENIED;
}

bool
xvWebConfigAdmit(xvWebConfig *wc, uint64_t nowMs)
{
    const webState *st = wc->cur;

    if (st->rateIntervalMs == 0)
        return true;
    return webBucketTake(&wc->requests, 1000.0 / (double)st->rateIntervalMs, st->rateBurst,
                         nowMs);
}
