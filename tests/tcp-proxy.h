/* tcp-proxy.h: a TCP proxy on loopback that injects network faults
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* TcpProxy: listens on 127.0.0.1 and a port of the system's choosing,
 * and for every client that connects opens a connection to a target on
 * loopback and forwards bytes both ways, until told to fail. It runs on
 * the thread-default main context of the thread that made it, and must
 * be used from that thread.
 *
 * Each direction of a connection holds at most one buffer (64 KiB): the
 * proxy reads from one side only once everything it read before is
 * written to the other, so a slow reader slows the writer down through
 * the TCP windows, as without the proxy. An orderly close (FIN) on one
 * side is passed on as a shutdown of the other side's sending direction
 * once the buffered bytes are written; an error on one side (a reset) is
 * passed on as a reset of the other.
 *
 * The faults:
 *
 * - A cut (tcp_proxy_cut_all(), or automatic after a number of bytes)
 *   closes both sockets of every connection with a TCP reset (SO_LINGER
 *   with a timeout of 0, then close), so that both peers see
 *   ECONNRESET (or, once that is reported, the end of the stream), as
 *   after a failure in the network or a crash of a middle box. Bytes the
 *   proxy held, and bytes still in its sockets' send queues, are lost.
 *
 * - A black hole (tcp_proxy_set_black_hole()) stops forwarding in both
 *   directions while every socket stays open: the proxy starts no more
 *   reads nor writes (one read already waiting may still take in up to
 *   a buffer, and one write in flight still ends), so the peers'
 *   kernels see nothing but full receive windows. Their writes succeed
 *   until their send buffers are full, then wait; TCP keepalives are
 *   answered by the proxy's kernel. No error ever reaches a peer: it
 *   has to notice the silence by itself (an XMPP ping, a stream
 *   management <r/>). An end or a reset from one peer is not passed on
 *   to the other either, nor is a failure to connect to the target.
 *   New connections are still accepted and connected to the target,
 *   and black-holed too. When the black hole ends, everything held back
 *   goes through: bytes sent meanwhile arrive late and in order, as
 *   TCP's retransmissions deliver them over a path that comes back,
 *   then the ends and resets. (Nothing is dropped: bytes lost for good
 *   would be a corrupt TCP stream, which no real network produces.)
 */
typedef struct _TcpProxy TcpProxy;

/* Listens on 127.0.0.1 and forwards to @target_host, which must be a
 * loopback address (127.0.0.0/8, ::1) or "localhost", and
 * @target_port. Returns: %NULL with @error set if @target_host is not on
 * loopback or the proxy cannot listen. */
TcpProxy *tcp_proxy_new (const char *target_host,
                         guint16     target_port,
                         GError    **error);
/* Stops listening, resets every connection, and iterates the main
 * context until every operation in flight has returned. */
void tcp_proxy_free (TcpProxy *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcpProxy, tcp_proxy_free)

guint16 tcp_proxy_get_port (TcpProxy *self);

/* Faults */

/* Resets both sockets of every current connection (see above). The
 * proxy goes on accepting new connections. */
void tcp_proxy_cut_all (TcpProxy *self);
/* Starts or ends the black hole (see above). */
void tcp_proxy_set_black_hole (TcpProxy *self,
                               gboolean  on);
gboolean tcp_proxy_get_black_hole (TcpProxy *self);
/* Cuts every connection (as tcp_proxy_cut_all()) once exactly @n more
 * bytes have been forwarded, counted over both directions and all
 * connections together; 0 disarms, also a tcp_proxy_cut_randomly().
 * The count is exact to the byte: a write is shortened so as not to go
 * past @n, and the cut comes once every counted write has finished.
 * "Forwarded" means accepted by the kernel for the destination socket;
 * on loopback those bytes reach the peer at once unless its receive
 * window is full, in which case the reset discards them. Writes already
 * in flight when this is called do not count. */
void tcp_proxy_cut_after_bytes (TcpProxy *self,
                                guint64   n);
/* Cuts @n_cuts times, each after a number of bytes (counted as in
 * tcp_proxy_cut_after_bytes(), from the previous cut) drawn uniformly
 * from [@min_bytes, @max_bytes] with a #GRand seeded with @seed: the
 * same seed and the same traffic give the same cuts. */
void tcp_proxy_cut_randomly (TcpProxy *self,
                             guint32   seed,
                             guint     n_cuts,
                             guint64   min_bytes,
                             guint64   max_bytes);

/* Counters */

/* Client connections accepted, since the proxy was made. */
guint tcp_proxy_get_n_accepted (TcpProxy *self);
/* Client connections open now (including those still connecting to the
 * target). */
guint tcp_proxy_get_n_open (TcpProxy *self);
/* Cuts so far: calls of tcp_proxy_cut_all() and automatic cuts. */
guint tcp_proxy_get_n_cuts (TcpProxy *self);
/* Bytes forwarded from the clients to the target. */
guint64 tcp_proxy_get_bytes_upstream (TcpProxy *self);
/* Bytes forwarded from the target to the clients. */
guint64 tcp_proxy_get_bytes_downstream (TcpProxy *self);

G_END_DECLS
