/* xmpp-reconnect.c: the parts of the reconnection policy that do not need
 * an account (see xmpp-account.c for the policy itself)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "xmpp-reconnect-private.h"

/* ------------------------------------------------------------------ */
/* Which errors end the retries */

XmppReconnectVerdict
xmpp_reconnect_judge (const GError *error)
{
  g_return_val_if_fail (error != NULL, XMPP_RECONNECT_RETRY);

  /* The credentials were refused, or could not be given: the same ones
   * would be refused again, and retrying may lock the account. */
  if (error->domain == XMPP_SASL_ERROR)
    return error->code == XMPP_SASL_ERROR_TEMPORARY_AUTH_FAILURE
      ? XMPP_RECONNECT_RETRY : XMPP_RECONNECT_GIVE_UP;

  /* The server cannot be trusted, or would not encrypt: a decision for
   * the user, not for a timer. */
  if (error->domain == XMPP_CONNECTION_ERROR)
    {
      switch (error->code)
        {
        case XMPP_CONNECTION_ERROR_CERTIFICATE:
        case XMPP_CONNECTION_ERROR_TLS_REQUIRED:
        case XMPP_CONNECTION_ERROR_TLS_REFUSED:
          return XMPP_RECONNECT_GIVE_UP;
        default:
          return XMPP_RECONNECT_RETRY;
        }
    }

  if (error->domain == XMPP_STREAM_ERROR)
    {
      switch (error->code)
        {
        /* Another client took the resource over: coming back would
         * throw it out in turn, without end. */
        case XMPP_STREAM_ERROR_CONFLICT:
        /* The account was logged out by the server (removed, blocked,
         * or its password changed). */
        case XMPP_STREAM_ERROR_NOT_AUTHORIZED:
        /* The server does not (or no longer) serve the account's domain. */
        case XMPP_STREAM_ERROR_HOST_UNKNOWN:
        case XMPP_STREAM_ERROR_HOST_GONE:
          return XMPP_RECONNECT_GIVE_UP;
        /* Servers use these both for bans and for rate limits: retrying
         * is right for the second, but never quickly. */
        case XMPP_STREAM_ERROR_POLICY_VIOLATION:
        case XMPP_STREAM_ERROR_RESOURCE_CONSTRAINT:
          return XMPP_RECONNECT_RETRY_LATER;
        default:
          return XMPP_RECONNECT_RETRY;
        }
    }

  /* Network and TLS failures, time-outs, a server that went away. */
  return XMPP_RECONNECT_RETRY;
}

/* ------------------------------------------------------------------ */
/* Back-off */

guint
xmpp_reconnect_compute_delay (guint initial_ms,
                              guint max_ms,
                              guint retry)
{
  guint64 base = MAX (initial_ms, 1);
  double delay;

  for (guint i = 0; i < retry && base < max_ms; i++)
    base *= 2;
  base = MIN (base, max_ms);
  /* ±25 %: accounts that dropped together spread out, while each delay
   * stays longer than the one before until the cap (0.75 × 2 > 1.25). */
  delay = base * g_random_double_range (0.75, 1.25);
  return (guint) MIN (delay, (double) max_ms);
}

/* ------------------------------------------------------------------ */
/* Sleep and wake-up, from systemd-logind */

#define LOGIN1_NAME      "org.freedesktop.login1"
#define LOGIN1_PATH      "/org/freedesktop/login1"
#define LOGIN1_INTERFACE "org.freedesktop.login1.Manager"

/* Shared (g_rc_box) between its owner and the callbacks in flight, which
 * find it freed when the owner let it go. */
struct _XmppSleepWatch
{
  XmppSleepWatchFunc resumed;
  gpointer user_data;
  gboolean freed;
  GCancellable *cancellable;
  GDBusConnection *bus;
  guint subscription;
};

static void
sleep_watch_clear (XmppSleepWatch *self)
{
  g_clear_object (&self->cancellable);
  g_clear_object (&self->bus);
}

static void
sleep_watch_unref (gpointer data)
{
  g_rc_box_release_full (data, (GDestroyNotify) sleep_watch_clear);
}

static void
on_prepare_for_sleep (GDBusConnection *bus,
                      const char      *sender,
                      const char      *path,
                      const char      *interface,
                      const char      *signal,
                      GVariant        *parameters,
                      gpointer         user_data)
{
  XmppSleepWatch *self = user_data;
  gboolean sleeping;

  if (self->freed || !g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    return;
  g_variant_get (parameters, "(b)", &sleeping);
  g_debug ("The system %s", sleeping ? "goes to sleep" : "woke up");
  if (!sleeping)
    self->resumed (self->user_data);
}

static void
on_system_bus (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  XmppSleepWatch *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_finish (result, &error);

  if (bus == NULL)
    {
      /* Containers, CI and many servers have no system bus. */
      g_debug ("No system bus to hear about sleep from: %s", error->message);
    }
  else if (!self->freed)
    {
      self->bus = g_steal_pointer (&bus);
      self->subscription =
        g_dbus_connection_signal_subscribe (self->bus, LOGIN1_NAME, LOGIN1_INTERFACE,
                                            "PrepareForSleep", LOGIN1_PATH, NULL,
                                            G_DBUS_SIGNAL_FLAGS_NONE, on_prepare_for_sleep,
                                            g_rc_box_acquire (self), sleep_watch_unref);
    }
  sleep_watch_unref (self);
}

XmppSleepWatch *
xmpp_sleep_watch_new (XmppSleepWatchFunc resumed,
                      gpointer           user_data)
{
  XmppSleepWatch *self = g_rc_box_new0 (XmppSleepWatch);

  self->resumed = resumed;
  self->user_data = user_data;
  self->cancellable = g_cancellable_new ();
  g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, on_system_bus, g_rc_box_acquire (self));
  return self;
}

void
xmpp_sleep_watch_free (XmppSleepWatch *self)
{
  if (self == NULL)
    return;
  self->freed = TRUE;
  g_cancellable_cancel (self->cancellable);
  if (self->subscription != 0)
    g_dbus_connection_signal_unsubscribe (self->bus, self->subscription);
  self->subscription = 0;
  sleep_watch_unref (self);
}
