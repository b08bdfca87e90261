/* test-resolve.c: ordering the SRV records of a domain (XEP-0368)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "xmpp-glib/xmpp-connection-private.h"

static void
test_merge (void)
{
  GList *xmpps = NULL;
  GList *xmpp = NULL;
  GList *targets;
  XmppConnectionTarget *t;

  g_test_summary ("The records of _xmpps-client and _xmpp-client are ordered together by "
                  "priority; each target remembers whether it starts with TLS.");

  xmpps = g_list_append (xmpps, g_srv_target_new ("direct.example", 5223, 5, 0));
  xmpp = g_list_append (xmpp, g_srv_target_new ("backup.example", 5222, 10, 0));
  xmpp = g_list_append (xmpp, g_srv_target_new ("first.example", 5222, 1, 0));

  targets = xmpp_connection_merge_srv_targets (xmpps, xmpp);
  g_assert_cmpuint (g_list_length (targets), ==, 3);

  t = g_list_nth_data (targets, 0);
  g_assert_cmpstr (t->host, ==, "first.example");
  g_assert_cmpuint (t->port, ==, 5222);
  g_assert_false (t->direct_tls);
  t = g_list_nth_data (targets, 1);
  g_assert_cmpstr (t->host, ==, "direct.example");
  g_assert_cmpuint (t->port, ==, 5223);
  g_assert_true (t->direct_tls);
  t = g_list_nth_data (targets, 2);
  g_assert_cmpstr (t->host, ==, "backup.example");
  g_assert_false (t->direct_tls);

  g_list_free_full (targets, (GDestroyNotify) xmpp_connection_target_free);
  g_list_free_full (xmpps, (GDestroyNotify) g_srv_target_free);
  g_list_free_full (xmpp, (GDestroyNotify) g_srv_target_free);
}

static void
test_weights (void)
{
  guint first_heavy = 0;

  g_test_summary ("Within one priority, records are drawn by weight (RFC 2782): the heavy "
                  "record comes first most of the time, the light one sometimes.");

  for (guint round = 0; round < 200; round++)
    {
      GList *xmpps = g_list_append (NULL, g_srv_target_new ("light.example", 5223, 0, 10));
      GList *xmpp = g_list_append (NULL, g_srv_target_new ("heavy.example", 5222, 0, 90));
      GList *targets = xmpp_connection_merge_srv_targets (xmpps, xmpp);
      XmppConnectionTarget *t = targets->data;

      g_assert_cmpuint (g_list_length (targets), ==, 2);
      if (g_str_equal (t->host, "heavy.example"))
        first_heavy++;
      g_list_free_full (targets, (GDestroyNotify) xmpp_connection_target_free);
      g_list_free_full (xmpps, (GDestroyNotify) g_srv_target_free);
      g_list_free_full (xmpp, (GDestroyNotify) g_srv_target_free);
    }
  /* 90 % expected; the bounds fail by chance far less than once in a
   * billion runs. */
  g_assert_cmpuint (first_heavy, >, 140);
  g_assert_cmpuint (first_heavy, <, 199);
}

static void
test_empty (void)
{
  g_assert_null (xmpp_connection_merge_srv_targets (NULL, NULL));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/resolve/merge", test_merge);
  g_test_add_func ("/resolve/weights", test_weights);
  g_test_add_func ("/resolve/empty", test_empty);

  return g_test_run ();
}
