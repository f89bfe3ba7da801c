/* The local control socket (unix stream, default /run/lispd.sock): a client
 * writes one request line ("status", "map-cache", "registrations",
 * "counters", ...) and reads one JSON document, then the daemon closes the
 * connection. The daemon decides what the requests mean through a handler;
 * this file only moves bytes. Only root (mode 0600) may connect: the
 * answers show the node's mappings. */
#ifndef CORE_CTLSOCK_H
#define CORE_CTLSOCK_H

#include <stddef.h>
#include <stdio.h>

struct ev_loop;
struct json;

#define CTLSOCK_PATH_DEFAULT "/run/lispd.sock"
#define CTLSOCK_MAX_REQUEST 256
#define CTLSOCK_MAX_CLIENTS 8

/* Writes the answer to req (without its newline) as one JSON value to j;
 * the socket ends the document. Returns 0, or -1 for an unknown request
 * (the socket then answers {"error":"unknown request ..."} itself,
 * whatever the handler wrote). */
typedef int (*ctlsock_handler)(const char *req, struct json *j, void *arg);

struct ctlsock;

/* Replaces a stale socket file at path (one nobody listens on) but refuses
 * when a daemon answers there. NULL with errbuf filled. */
struct ctlsock *ctlsock_open(struct ev_loop *loop, const char *path, ctlsock_handler handler,
			     void *arg, char *errbuf, size_t errlen);
/* Closes the listener and clients and removes the socket file. */
void ctlsock_close(struct ctlsock *cs);

/* Client side: sends req and copies the answer to out. 0, or -1 with
 * errbuf filled. timeout_ms bounds the whole exchange. */
int ctlsock_query(const char *path, const char *req, FILE *out, int timeout_ms, char *errbuf,
		  size_t errlen);

#endif
