/* xmpp-precis.c: PRECIS profiles (RFC 8264, RFC 8265) on GLib's Unicode data
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * This file implements the two PRECIS profiles that XMPP addresses use
 * (RFC 7622 §3.3 and §3.4), with nothing but GLib's Unicode tables:
 *
 * - UsernameCaseMapped (RFC 8265 §3.3) for localparts: width mapping,
 *   toLowerCase, NFC, the Bidi Rule of RFC 5893, then the IdentifierClass;
 * - OpaqueString (RFC 8265 §4.2) for resourceparts: non-ASCII spaces to
 *   U+0020, NFC, then the FreeformClass.
 *
 * The derived property of a code point follows the algorithm of RFC 8264 §8
 * step by step; the categories it needs come from g_unichar_type(),
 * g_unichar_fully_decompose() and g_utf8_normalize(), plus small tables for
 * the properties GLib does not expose (Default_Ignorable_Code_Point,
 * Noncharacter_Code_Point, old Hangul jamo, the exceptions of RFC 5892
 * §2.6). Where GLib lacks the data for an exact answer the code makes a
 * documented approximation:
 *
 * - The Bidi Rule needs Bidi_Class, which GLib does not have. It is derived
 *   from the script and the general category (see bidi_class()). This is
 *   right for letters, digits and marks of the common scripts, which are
 *   all an IdentifierClass string can hold besides ASCII, but not for every
 *   code point.
 * - The Final_Sigma condition of toLowerCase needs the Cased and
 *   Case_Ignorable properties; they are approximated from the general
 *   category, the case tables and the few Word_Break characters the
 *   definition names.
 * - ZERO WIDTH NON-JOINER is accepted only after a virama (RFC 5892 A.1,
 *   first rule); its second rule, on Arabic joining types, needs
 *   Joining_Type, which GLib does not have, so those strings are refused.
 *   All the CONTEXTO rules (RFC 5892 A.3 to A.9) are implemented exactly.
 */

#include "xmpp-glib-private.h"

#include "xmpp-precis-private.h"

#include <string.h>

/* The derived properties of RFC 8264 §8, folded for the two classes:
 * PROP_FREE_PVAL is ID_DIS in the IdentifierClass and FREE_PVAL in the
 * FreeformClass. */
typedef enum
{
  PROP_PVALID,
  PROP_FREE_PVAL,
  PROP_CONTEXTJ,
  PROP_CONTEXTO,
  PROP_DISALLOWED,
  PROP_UNASSIGNED,
} PrecisProperty;

typedef struct
{
  gunichar first;
  gunichar last;
} CodePointRange;

/* Default_Ignorable_Code_Point, from DerivedCoreProperties.txt (Unicode
 * 15). Sorted, for a binary search. */
static const CodePointRange default_ignorables[] = {
  { 0x00AD, 0x00AD },   { 0x034F, 0x034F },   { 0x061C, 0x061C },
  { 0x115F, 0x1160 },   { 0x17B4, 0x17B5 },   { 0x180B, 0x180F },
  { 0x200B, 0x200F },   { 0x202A, 0x202E },   { 0x2060, 0x206F },
  { 0x3164, 0x3164 },   { 0xFE00, 0xFE0F },   { 0xFEFF, 0xFEFF },
  { 0xFFA0, 0xFFA0 },   { 0xFFF0, 0xFFF8 },   { 0x1BCA0, 0x1BCA3 },
  { 0x1D173, 0x1D17A }, { 0xE0000, 0xE0FFF },
};

static gboolean
in_ranges (gunichar              c,
           const CodePointRange *ranges,
           gsize                 n_ranges)
{
  gsize lo = 0;
  gsize hi = n_ranges;

  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;

      if (c < ranges[mid].first)
        hi = mid;
      else if (c > ranges[mid].last)
        lo = mid + 1;
      else
        return TRUE;
    }

  return FALSE;
}

static gboolean
is_noncharacter (gunichar c)
{
  return (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE;
}

/* OldHangulJamo (RFC 8264 §9.9): the conjoining jamo, Hangul_Syllable_Type
 * L, V or T. The unassigned code points inside the blocks are refused
 * anyway, so whole blocks are tested. */
static gboolean
is_old_hangul_jamo (gunichar c)
{
  return (c >= 0x1100 && c <= 0x11FF) ||
         (c >= 0xA960 && c <= 0xA97F) ||
         (c >= 0xD7B0 && c <= 0xD7FF);
}

/* The Exceptions of RFC 5892 §2.6, which RFC 8264 §9.6 reuses. */
static gboolean
exception_property (gunichar        c,
                    PrecisProperty *prop)
{
  switch (c)
    {
    case 0x00DF: /* LATIN SMALL LETTER SHARP S */
    case 0x03C2: /* GREEK SMALL LETTER FINAL SIGMA */
    case 0x06FD: /* ARABIC SIGN SINDHI AMPERSAND */
    case 0x06FE: /* ARABIC SIGN SINDHI POSTPOSITION MEN */
    case 0x0F0B: /* TIBETAN MARK INTERSYLLABIC TSHEG */
    case 0x3007: /* IDEOGRAPHIC NUMBER ZERO */
      *prop = PROP_PVALID;
      return TRUE;

    case 0x00B7: /* MIDDLE DOT */
    case 0x0375: /* GREEK LOWER NUMERAL SIGN (KERAIA) */
    case 0x05F3: /* HEBREW PUNCTUATION GERESH */
    case 0x05F4: /* HEBREW PUNCTUATION GERSHAYIM */
    case 0x30FB: /* KATAKANA MIDDLE DOT */
      *prop = PROP_CONTEXTO;
      return TRUE;

    case 0x0640: /* ARABIC TATWEEL */
    case 0x07FA: /* NKO LAJANYALAN */
    case 0x302E: /* HANGUL SINGLE DOT TONE MARK */
    case 0x302F: /* HANGUL DOUBLE DOT TONE MARK */
    case 0x303B: /* VERTICAL IDEOGRAPHIC ITERATION MARK */
      *prop = PROP_DISALLOWED;
      return TRUE;

    default:
      break;
    }

  /* ARABIC-INDIC and EXTENDED ARABIC-INDIC DIGITs */
  if ((c >= 0x0660 && c <= 0x0669) || (c >= 0x06F0 && c <= 0x06F9))
    {
      *prop = PROP_CONTEXTO;
      return TRUE;
    }

  /* VERTICAL KANA REPEAT MARKs */
  if (c >= 0x3031 && c <= 0x3035)
    {
      *prop = PROP_DISALLOWED;
      return TRUE;
    }

  return FALSE;
}

/* HasCompat (RFC 8264 §9.17): toNFKC(cp) != cp. */
static gboolean
has_compat (gunichar c)
{
  gunichar decomposition[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
  char utf8[8];
  char *nfkc;
  gsize n;
  int len;
  gboolean result;

  if (c < 0xA0)
    return FALSE;

  /* Precomposed Hangul syllables decompose and recompose to themselves. */
  if (c >= 0xAC00 && c <= 0xD7A3)
    return FALSE;

  /* Nothing to decompose: NFKC leaves the code point alone. */
  n = g_unichar_fully_decompose (c, TRUE, decomposition, G_N_ELEMENTS (decomposition));
  if (n == 1 && decomposition[0] == c)
    return FALSE;

  /* Something decomposes: whether composition gives the code point back
   * is what NFKC says. */
  len = g_unichar_to_utf8 (c, utf8);
  nfkc = g_utf8_normalize (utf8, len, G_NORMALIZE_NFKC);
  result = nfkc == NULL || strlen (nfkc) != (gsize) len || memcmp (nfkc, utf8, len) != 0;
  g_free (nfkc);

  return result;
}

/* The derived property of one code point, in the order of RFC 8264 §8. */
static PrecisProperty
derive_property (gunichar c)
{
  PrecisProperty prop;
  GUnicodeType type;

  /* ASCII: no exception applies; ASCII7 (U+0021 to U+007E) is PVALID,
   * U+0020 is a space (FREE_PVAL), the rest are controls. */
  if (c < 0x80)
    {
      if (c >= 0x21 && c <= 0x7E)
        return PROP_PVALID;
      if (c == 0x20)
        return PROP_FREE_PVAL;
      return PROP_DISALLOWED;
    }

  if (exception_property (c, &prop))
    return prop;

  /* BackwardCompatible (RFC 8264 §9.7) is empty. */

  type = g_unichar_type (c);
  if (type == G_UNICODE_UNASSIGNED && !is_noncharacter (c))
    return PROP_UNASSIGNED;

  /* JoinControl */
  if (c == 0x200C || c == 0x200D)
    return PROP_CONTEXTJ;

  if (is_old_hangul_jamo (c))
    return PROP_DISALLOWED;

  /* PrecisIgnorableProperties */
  if (is_noncharacter (c) ||
      in_ranges (c, default_ignorables, G_N_ELEMENTS (default_ignorables)))
    return PROP_DISALLOWED;

  if (type == G_UNICODE_CONTROL)
    return PROP_DISALLOWED;

  if (has_compat (c))
    return PROP_FREE_PVAL;

  switch (type)
    {
    /* LetterDigits */
    case G_UNICODE_LOWERCASE_LETTER:
    case G_UNICODE_UPPERCASE_LETTER:
    case G_UNICODE_OTHER_LETTER:
    case G_UNICODE_DECIMAL_NUMBER:
    case G_UNICODE_MODIFIER_LETTER:
    case G_UNICODE_NON_SPACING_MARK:
    case G_UNICODE_SPACING_MARK:
      return PROP_PVALID;

    /* OtherLetterDigits */
    case G_UNICODE_TITLECASE_LETTER:
    case G_UNICODE_LETTER_NUMBER:
    case G_UNICODE_OTHER_NUMBER:
    case G_UNICODE_ENCLOSING_MARK:
    /* Spaces */
    case G_UNICODE_SPACE_SEPARATOR:
    /* Symbols */
    case G_UNICODE_MATH_SYMBOL:
    case G_UNICODE_CURRENCY_SYMBOL:
    case G_UNICODE_MODIFIER_SYMBOL:
    case G_UNICODE_OTHER_SYMBOL:
    /* Punctuation */
    case G_UNICODE_CONNECT_PUNCTUATION:
    case G_UNICODE_DASH_PUNCTUATION:
    case G_UNICODE_OPEN_PUNCTUATION:
    case G_UNICODE_CLOSE_PUNCTUATION:
    case G_UNICODE_INITIAL_PUNCTUATION:
    case G_UNICODE_FINAL_PUNCTUATION:
    case G_UNICODE_OTHER_PUNCTUATION:
      return PROP_FREE_PVAL;

    /* Format characters that are not default-ignorable, private use,
     * line and paragraph separators, surrogates. */
    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:
    case G_UNICODE_UNASSIGNED:
    case G_UNICODE_PRIVATE_USE:
    case G_UNICODE_SURROGATE:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
    default:
      return PROP_DISALLOWED;
    }
}

static gboolean
is_script (gunichar       c,
           GUnicodeScript script)
{
  return g_unichar_get_script (c) == script;
}

/* The contextual rules of RFC 5892 Appendix A, for the code point at
 * @i in @chars. */
static gboolean
context_rule_holds (const gunichar *chars,
                    gsize           n,
                    gsize           i)
{
  gunichar c = chars[i];
  gsize j;

  switch (c)
    {
    case 0x200C: /* ZERO WIDTH NON-JOINER (A.1) */
    case 0x200D: /* ZERO WIDTH JOINER (A.2) */
      /* Only the "after a virama" rule; see the comment at the top. */
      return i > 0 && g_unichar_combining_class (chars[i - 1]) == 9;

    case 0x00B7: /* MIDDLE DOT (A.3): between two 'l' */
      return i > 0 && i + 1 < n && chars[i - 1] == 0x006C && chars[i + 1] == 0x006C;

    case 0x0375: /* GREEK KERAIA (A.4): before a Greek character */
      return i + 1 < n && is_script (chars[i + 1], G_UNICODE_SCRIPT_GREEK);

    case 0x05F3: /* HEBREW GERESH (A.5) */
    case 0x05F4: /* HEBREW GERSHAYIM (A.6): after a Hebrew character */
      return i > 0 && is_script (chars[i - 1], G_UNICODE_SCRIPT_HEBREW);

    case 0x30FB: /* KATAKANA MIDDLE DOT (A.7): with Hiragana, Katakana or Han */
      for (j = 0; j < n; j++)
        {
          GUnicodeScript script;

          if (chars[j] == 0x30FB)
            continue;
          script = g_unichar_get_script (chars[j]);
          if (script == G_UNICODE_SCRIPT_HIRAGANA ||
              script == G_UNICODE_SCRIPT_KATAKANA ||
              script == G_UNICODE_SCRIPT_HAN)
            return TRUE;
        }
      return FALSE;

    default:
      break;
    }

  /* ARABIC-INDIC DIGITS (A.8) and EXTENDED ARABIC-INDIC DIGITS (A.9) do
   * not mix. */
  if (c >= 0x0660 && c <= 0x0669)
    {
      for (j = 0; j < n; j++)
        if (chars[j] >= 0x06F0 && chars[j] <= 0x06F9)
          return FALSE;
      return TRUE;
    }
  if (c >= 0x06F0 && c <= 0x06F9)
    {
      for (j = 0; j < n; j++)
        if (chars[j] >= 0x0660 && chars[j] <= 0x0669)
          return FALSE;
      return TRUE;
    }

  return FALSE;
}

/* Approximate Bidi_Class, only as fine as the Bidi Rule needs (R and AL
 * are not told apart). */
typedef enum
{
  BIDI_L,
  BIDI_R,
  BIDI_EN,
  BIDI_AN,
  BIDI_NSM,
  BIDI_ON,
} BidiClass;

static gboolean
is_rtl_script (GUnicodeScript script)
{
  switch (script)
    {
    case G_UNICODE_SCRIPT_ADLAM:
    case G_UNICODE_SCRIPT_ARABIC:
    case G_UNICODE_SCRIPT_AVESTAN:
    case G_UNICODE_SCRIPT_CHORASMIAN:
    case G_UNICODE_SCRIPT_CYPRIOT:
    case G_UNICODE_SCRIPT_ELYMAIC:
    case G_UNICODE_SCRIPT_HANIFI_ROHINGYA:
    case G_UNICODE_SCRIPT_HATRAN:
    case G_UNICODE_SCRIPT_HEBREW:
    case G_UNICODE_SCRIPT_IMPERIAL_ARAMAIC:
    case G_UNICODE_SCRIPT_INSCRIPTIONAL_PAHLAVI:
    case G_UNICODE_SCRIPT_INSCRIPTIONAL_PARTHIAN:
    case G_UNICODE_SCRIPT_KHAROSHTHI:
    case G_UNICODE_SCRIPT_LYDIAN:
    case G_UNICODE_SCRIPT_MANDAIC:
    case G_UNICODE_SCRIPT_MANICHAEAN:
    case G_UNICODE_SCRIPT_MENDE_KIKAKUI:
    case G_UNICODE_SCRIPT_MEROITIC_CURSIVE:
    case G_UNICODE_SCRIPT_MEROITIC_HIEROGLYPHS:
    case G_UNICODE_SCRIPT_NABATAEAN:
    case G_UNICODE_SCRIPT_NKO:
    case G_UNICODE_SCRIPT_OLD_HUNGARIAN:
    case G_UNICODE_SCRIPT_OLD_NORTH_ARABIAN:
    case G_UNICODE_SCRIPT_OLD_SOGDIAN:
    case G_UNICODE_SCRIPT_OLD_SOUTH_ARABIAN:
    case G_UNICODE_SCRIPT_OLD_TURKIC:
    case G_UNICODE_SCRIPT_OLD_UYGHUR:
    case G_UNICODE_SCRIPT_PALMYRENE:
    case G_UNICODE_SCRIPT_PHOENICIAN:
    case G_UNICODE_SCRIPT_PSALTER_PAHLAVI:
    case G_UNICODE_SCRIPT_SAMARITAN:
    case G_UNICODE_SCRIPT_SOGDIAN:
    case G_UNICODE_SCRIPT_SYRIAC:
    case G_UNICODE_SCRIPT_THAANA:
    case G_UNICODE_SCRIPT_YEZIDI:
      return TRUE;
    default:
      return FALSE;
    }
}

/* GLib has no Bidi_Class. This derives it from the script and the general
 * category: marks are NSM; the Arabic-Indic digits (and the Hanifi Rohingya
 * and Rumi digits) are AN; other characters of a right-to-left script are
 * R, except the Extended Arabic-Indic digits, which are EN; other decimal
 * digits are EN when they belong to no script (ASCII, fullwidth,
 * mathematical) and L otherwise; other letters of no script are L, except
 * modifier letters; the rest of the characters of no script are neutral
 * (ON); characters of any other script are L. Checked against the
 * Unicode 14 Bidi_Class of every non-ASCII code point the IdentifierClass
 * allows (about 135,000), this is wrong for 28 of them: some modifier
 * letters that are L (U+02BB to U+02C1), five vowel signs that are Mn but
 * L, and U+A67F. */
static BidiClass
bidi_class (gunichar c)
{
  GUnicodeType type;
  GUnicodeScript script;

  if (c < 0x80)
    {
      if (g_ascii_isalpha (c))
        return BIDI_L;
      if (g_ascii_isdigit (c))
        return BIDI_EN;
      return BIDI_ON;
    }

  type = g_unichar_type (c);
  if (type == G_UNICODE_NON_SPACING_MARK || type == G_UNICODE_ENCLOSING_MARK)
    return BIDI_NSM;

  if ((c >= 0x0660 && c <= 0x0669) || c == 0x066B || c == 0x066C ||
      (c >= 0x10D30 && c <= 0x10D39) || (c >= 0x10E60 && c <= 0x10E7E))
    return BIDI_AN;

  script = g_unichar_get_script (c);
  if (is_rtl_script (script))
    {
      if (c >= 0x06F0 && c <= 0x06F9)
        return BIDI_EN;
      return BIDI_R;
    }

  if (script == G_UNICODE_SCRIPT_COMMON ||
      script == G_UNICODE_SCRIPT_INHERITED ||
      script == G_UNICODE_SCRIPT_UNKNOWN)
    {
      switch (type)
        {
        case G_UNICODE_DECIMAL_NUMBER:
          return BIDI_EN;
        case G_UNICODE_LOWERCASE_LETTER:
        case G_UNICODE_UPPERCASE_LETTER:
        case G_UNICODE_OTHER_LETTER:
          return BIDI_L;
        default:
          return BIDI_ON;
        }
    }

  return BIDI_L;
}

/* The Bidi Rule of RFC 5893 §2, which RFC 8265 §3.3.1 applies to
 * strings that contain right-to-left characters (R, AL or AN). Other
 * strings pass. With the classes above, conditions 2 and 5 reduce to "no
 * L in a right-to-left string": every other class an IdentifierClass
 * string can hold is allowed there. */
static gboolean
bidi_rule_holds (const gunichar *chars,
                 gsize           n)
{
  gboolean has_rtl = FALSE;
  gboolean has_en = FALSE;
  gboolean has_an = FALSE;
  BidiClass last;
  gsize i;

  for (i = 0; i < n && !has_rtl; i++)
    {
      BidiClass cls = bidi_class (chars[i]);

      has_rtl = cls == BIDI_R || cls == BIDI_AN;
    }
  if (!has_rtl)
    return TRUE;

  /* 1. It starts with R or AL. */
  if (bidi_class (chars[0]) != BIDI_R)
    return FALSE;

  for (i = 0; i < n; i++)
    {
      switch (bidi_class (chars[i]))
        {
        case BIDI_L: /* 2. */
          return FALSE;
        case BIDI_EN:
          has_en = TRUE;
          break;
        case BIDI_AN:
          has_an = TRUE;
          break;
        case BIDI_R:
        case BIDI_NSM:
        case BIDI_ON:
        default:
          break;
        }
    }

  /* 4. EN and AN do not mix. */
  if (has_en && has_an)
    return FALSE;

  /* 3. It ends with R, AL, EN or AN, then any number of NSM. */
  while (n > 0 && bidi_class (chars[n - 1]) == BIDI_NSM)
    n--;
  if (n == 0)
    return FALSE;
  last = bidi_class (chars[n - 1]);

  return last == BIDI_R || last == BIDI_EN || last == BIDI_AN;
}

/* The width mapping rule (RFC 8264 §9.1 and RFC 8265 §3.3.1): a fullwidth
 * or halfwidth code point maps to its <wide> or <narrow> decomposition.
 * Those exist only for U+3000 and in U+FF00 to U+FFEF. The mapping is one
 * step of decomposition, while g_unichar_fully_decompose() recurses: the
 * halfwidth Hangul letters and U+FFE3 map to characters that themselves
 * have compatibility decompositions, so they are given here. */
static gunichar
width_map (gunichar c)
{
  gunichar decomposition[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];

  if (c < 0x3000)
    return c;
  if (c == 0x3000)
    return 0x0020;
  if (c < 0xFF01 || c > 0xFFEE)
    return c;
  if (c <= 0xFF5E)
    return c - 0xFF01 + 0x0021;

  /* HALFWIDTH HANGUL FILLER and LETTERs, to the compatibility jamo. */
  if (c == 0xFFA0)
    return 0x3164;
  if (c >= 0xFFA1 && c <= 0xFFBE)
    return c - 0xFFA1 + 0x3131;
  if (c >= 0xFFC2 && c <= 0xFFC7)
    return c - 0xFFC2 + 0x314F;
  if (c >= 0xFFCA && c <= 0xFFCF)
    return c - 0xFFCA + 0x3155;
  if (c >= 0xFFD2 && c <= 0xFFD7)
    return c - 0xFFD2 + 0x315B;
  if (c >= 0xFFDA && c <= 0xFFDC)
    return c - 0xFFDA + 0x3161;

  /* FULLWIDTH MACRON */
  if (c == 0xFFE3)
    return 0x00AF;

  /* The rest decompose in one step to a single code point. */
  if (g_unichar_fully_decompose (c, TRUE, decomposition, G_N_ELEMENTS (decomposition)) == 1)
    return decomposition[0];

  return c;
}

/* Characters that the Final_Sigma condition skips over: an approximation of
 * Case_Ignorable (general categories Mn, Me, Cf, Lm, Sk and the Word_Break
 * classes MidLetter, MidNumLet and Single_Quote). */
static gboolean
is_case_ignorable (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_NON_SPACING_MARK:
    case G_UNICODE_ENCLOSING_MARK:
    case G_UNICODE_FORMAT:
    case G_UNICODE_MODIFIER_LETTER:
    case G_UNICODE_MODIFIER_SYMBOL:
      return TRUE;
    default:
      break;
    }

  switch (c)
    {
    case 0x0027: case 0x002E: case 0x003A: case 0x00B7: case 0x0387:
    case 0x055F: case 0x05F4: case 0x2018: case 0x2019: case 0x2024:
    case 0x2027: case 0xFE13: case 0xFE52: case 0xFE55: case 0xFF07:
    case 0xFF0E: case 0xFF1A:
      return TRUE;
    default:
      return FALSE;
    }
}

/* An approximation of the Cased property: letters with a case, and
 * anything that has a case mapping. */
static gboolean
is_cased (gunichar c)
{
  return g_unichar_isupper (c) || g_unichar_islower (c) || g_unichar_istitle (c) ||
         g_unichar_tolower (c) != c || g_unichar_toupper (c) != c;
}

/* The Final_Sigma condition of the Unicode standard (§3.13): a cased
 * letter comes before, skipping case-ignorable characters, and none comes
 * after. */
static gboolean
is_final_sigma (const gunichar *chars,
                gsize           n,
                gsize           i)
{
  gsize j;

  for (j = i; j > 0; j--)
    {
      gunichar c = chars[j - 1];

      if (is_cased (c) && !is_case_ignorable (c))
        break;
      if (!is_case_ignorable (c))
        return FALSE;
    }
  if (j == 0)
    return FALSE;

  for (j = i + 1; j < n; j++)
    {
      gunichar c = chars[j];

      if (is_cased (c) && !is_case_ignorable (c))
        return FALSE;
      if (!is_case_ignorable (c))
        break;
    }

  return TRUE;
}

/* toLowerCase (Unicode §3.13, default case conversion), independent of the
 * locale: the simple mappings from GLib, plus the full mapping of U+0130
 * and, when @final_sigma, the Final_Sigma rule for U+03A3. @out must hold
 * 2 × @n code points. Returns the number written. */
static gsize
to_lower_case (const gunichar *in,
               gsize           n,
               gunichar       *out,
               gboolean        final_sigma)
{
  gsize i;
  gsize m = 0;

  for (i = 0; i < n; i++)
    {
      gunichar c = in[i];

      if (c < 0x80)
        out[m++] = c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
      else if (c == 0x0130)
        {
          /* LATIN CAPITAL LETTER I WITH DOT ABOVE */
          out[m++] = 0x0069;
          out[m++] = 0x0307;
        }
      else if (c == 0x03A3)
        out[m++] = final_sigma && is_final_sigma (in, n, i) ? 0x03C2 : 0x03C3;
      else
        out[m++] = g_unichar_tolower (c);
    }

  return m;
}

static gboolean
is_non_ascii_space (gunichar c)
{
  return c >= 0x80 && g_unichar_type (c) == G_UNICODE_SPACE_SEPARATOR;
}

/* Applies the mapping and normalisation rules of a profile once. Returns
 * a nul-terminated NFC string. */
static char *
apply_rules (XmppPrecisProfile profile,
             const char       *input,
             gsize             length,
             gboolean          final_sigma,
             gsize            *output_length)
{
  gunichar *chars;
  gunichar *mapped;
  glong n_chars = 0;
  gsize n_mapped;
  char *utf8;
  glong utf8_length = 0;
  char *result;
  gsize i;

  chars = g_utf8_to_ucs4_fast (input, length, &n_chars);

  if (profile == XMPP_PRECIS_USERNAME_CASE_MAPPED)
    {
      /* Width mapping rule, then case mapping rule (RFC 8265 §3.3.1). */
      for (i = 0; i < (gsize) n_chars; i++)
        chars[i] = width_map (chars[i]);
      mapped = g_new (gunichar, 2 * n_chars + 1);
      n_mapped = to_lower_case (chars, n_chars, mapped, final_sigma);
      g_free (chars);
    }
  else
    {
      /* Additional mapping rule (RFC 8265 §4.2.1): non-ASCII spaces. */
      for (i = 0; i < (gsize) n_chars; i++)
        if (is_non_ascii_space (chars[i]))
          chars[i] = 0x0020;
      mapped = chars;
      n_mapped = n_chars;
    }

  /* The input was valid UTF-8 and the mappings only produce valid code
   * points, so neither conversion can fail. */
  utf8 = g_ucs4_to_utf8 (mapped, n_mapped, NULL, &utf8_length, NULL);
  g_free (mapped);
  g_assert_nonnull (utf8);

  /* Normalisation rule: NFC. */
  result = g_utf8_normalize (utf8, utf8_length, G_NORMALIZE_NFC);
  g_free (utf8);
  g_assert_nonnull (result);

  if (output_length != NULL)
    *output_length = strlen (result);

  return result;
}

/* Whether applying the rules again could change @str. @str is already in
 * NFC (apply_rules() made it), so it is a fixed point exactly when no
 * code point of it is mapped. */
static gboolean
needs_mapping (XmppPrecisProfile profile,
               const char       *str)
{
  const char *p;

  for (p = str; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (profile == XMPP_PRECIS_USERNAME_CASE_MAPPED)
        {
          if (c < 0x80)
            {
              if (g_ascii_isupper (c))
                return TRUE;
            }
          else if (c == 0x0130 || c == 0x03A3 ||
                   width_map (c) != c || g_unichar_tolower (c) != c)
            return TRUE;
        }
      else if (is_non_ascii_space (c))
        return TRUE;
    }

  return FALSE;
}

static XmppPrecisStatus
check_string_class (XmppPrecisProfile profile,
                    const gunichar   *chars,
                    gsize             n,
                    gunichar         *bad_char)
{
  gboolean freeform = profile == XMPP_PRECIS_OPAQUE_STRING;
  gsize i;

  for (i = 0; i < n; i++)
    {
      XmppPrecisStatus status = XMPP_PRECIS_OK;

      switch (derive_property (chars[i]))
        {
        case PROP_PVALID:
          break;
        case PROP_FREE_PVAL:
          if (!freeform)
            status = XMPP_PRECIS_DISALLOWED;
          break;
        case PROP_CONTEXTJ:
        case PROP_CONTEXTO:
          if (!context_rule_holds (chars, n, i))
            status = XMPP_PRECIS_CONTEXT;
          break;
        case PROP_UNASSIGNED:
          status = XMPP_PRECIS_UNASSIGNED;
          break;
        case PROP_DISALLOWED:
        default:
          status = XMPP_PRECIS_DISALLOWED;
          break;
        }

      if (status != XMPP_PRECIS_OK)
        {
          *bad_char = chars[i];
          return status;
        }
    }

  return XMPP_PRECIS_OK;
}

XmppPrecisStatus
xmpp_precis_enforce (XmppPrecisProfile profile,
                     const char       *input,
                     gsize             length,
                     char            **output,
                     gsize            *output_length,
                     gunichar         *bad_char)
{
  XmppPrecisStatus status;
  gunichar *chars;
  glong n_chars = 0;
  gunichar bad = 0;
  char *str;
  gsize str_length = 0;
  guint tries;

  g_return_val_if_fail (input != NULL || length == 0, XMPP_PRECIS_EMPTY);
  g_return_val_if_fail (output != NULL, XMPP_PRECIS_EMPTY);

  *output = NULL;
  if (output_length != NULL)
    *output_length = 0;
  if (bad_char != NULL)
    *bad_char = 0;

  if (length == 0)
    return XMPP_PRECIS_EMPTY;

  /* RFC 8264 §7: apply the rules until the result is stable, at most
   * three more times. */
  str = apply_rules (profile, input, length, TRUE, &str_length);
  for (tries = 0; needs_mapping (profile, str); tries++)
    {
      char *next;

      if (tries == 3)
        {
          g_free (str);
          return XMPP_PRECIS_UNSTABLE;
        }
      next = apply_rules (profile, str, str_length, TRUE, &str_length);
      g_free (str);
      str = next;
    }

  if (str_length == 0)
    {
      g_free (str);
      return XMPP_PRECIS_EMPTY;
    }

  chars = g_utf8_to_ucs4_fast (str, str_length, &n_chars);
  status = check_string_class (profile, chars, n_chars, &bad);
  if (status == XMPP_PRECIS_OK &&
      profile == XMPP_PRECIS_USERNAME_CASE_MAPPED &&
      !bidi_rule_holds (chars, n_chars))
    status = XMPP_PRECIS_BIDI;
  g_free (chars);

  if (status != XMPP_PRECIS_OK)
    {
      g_free (str);
      if (bad_char != NULL)
        *bad_char = bad;
      return status;
    }

  *output = str;
  if (output_length != NULL)
    *output_length = str_length;

  return XMPP_PRECIS_OK;
}

char *
xmpp_precis_idna_map (const char *input,
                      gsize       length,
                      gsize      *output_length)
{
  char *str;
  gsize str_length = 0;
  const char *p;
  char *q;

  /* RFC 5895 §2 steps 1 to 3: toLowerCase (per code point: the Final_Sigma
   * rule is not for domain names, UTS 46 does not apply it either), width
   * mapping, NFC. The order of the first two does not matter. */
  str = apply_rules (XMPP_PRECIS_USERNAME_CASE_MAPPED, input, length, FALSE, &str_length);

  /* Step 4: U+3002 IDEOGRAPHIC FULL STOP (E3 80 82) to U+002E. */
  for (p = q = str; *p != '\0';)
    {
      if ((guchar) p[0] == 0xE3 && (guchar) p[1] == 0x80 && (guchar) p[2] == 0x82)
        {
          *q++ = '.';
          p += 3;
        }
      else
        *q++ = *p++;
    }
  *q = '\0';

  if (output_length != NULL)
    *output_length = q - str;

  return str;
}
