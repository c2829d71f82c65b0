"""Entity resolution for imports: normalisers that give people and companies comparable keys, and the fuzzy scorer.

Pure Python (no Django). docs/strength.md ("How imports recognise the same person") explains it to users.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import unquote

from rapidfuzz import fuzz

# --- Text folding shared by the keys ---

# Letters that carry no combining mark, so NFKD alone would not fold them.
_LETTER_FOLDS = str.maketrans(
    {"ø": "o", "đ": "d", "ð": "d", "ł": "l", "ŀ": "l", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"}
)
_SPACES = re.compile(r"\s+")


def _fold_once(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold()).translate(_LETTER_FOLDS)
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith("M")).casefold()


@lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    """Case- and accent-folded text: 'Jörg' -> 'jorg', 'ß' -> 'ss'."""
    if text.isascii():  # most names: nothing to decompose
        return text.lower()
    # NFKD can turn a folded character into one that needs folding again (e.g. 'ℌ' -> 'H'): repeat until stable.
    for _ in range(4):
        folded = _fold_once(text)
        if folded == text:
            break
        text = folded
    return text


def _words(folded: str, joiners: str = "'’.") -> list[str]:
    """Alphanumeric words of folded text. Joiners vanish ("o'brien" -> "obrien"), other punctuation splits."""
    out = []
    current: list[str] = []
    for ch in folded:
        if ch.isalnum():
            current.append(ch)
        elif ch in joiners:
            continue
        elif current:
            out.append("".join(current))
            current = []
    if current:
        out.append("".join(current))
    return out


# --- LinkedIn ---

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_NOT_IN_SLUG = frozenset("/?#%")
# What nearly every export row holds; anything else takes the general path below.
_PLAIN_PROFILE = re.compile(r"(?:https?://)?(?:www\.)?linkedin\.com/in/([a-z0-9-]+)/?")


def linkedin_slug(url: str) -> str:
    """The normalised profile slug of a LinkedIn URL ('jane-doe-123', or 'pub/jane-doe/1/2b/3a4'); '' if none.

    Accepts full URLs with any scheme, subdomain (www., uk.), query string, fragment and trailing slash, a
    path like '/in/jane', and drops a locale suffix ('/in/jane/de'). The slug is percent-decoded and lower-case.
    A bare word ('jane-doe') is not clearly a profile, so it gives ''.
    """
    plain = _PLAIN_PROFILE.fullmatch(url)
    if plain:
        return plain.group(1)
    text = _SCHEME.sub("", url.strip())
    text = text.split("#", 1)[0].split("?", 1)[0]
    if not text.startswith("/"):
        host, _, rest = text.partition("/")
        host = host.rsplit("@", 1)[-1].split(":", 1)[0].rstrip(".").lower()
        if "." in host:
            if host != "linkedin.com" and not host.endswith(".linkedin.com"):
                return ""
            text = rest
    parts = [p for p in text.split("/") if p]
    if len(parts) < 2:
        return ""
    kind = parts[0].lower()
    if kind == "in":
        # Anything after the slug is a locale ('/de') or a sub-page ('/recent-activity'): not part of the profile.
        slug = _slug_part(parts[1])
        return slug
    if kind == "pub" and parts[1].lower() != "dir":
        # Old public URLs: /pub/<name>/<3 id parts>, possibly followed by a locale.
        pieces = [_slug_part(p) for p in parts[1:5]]
        if not all(pieces):
            return ""
        return "pub/" + "/".join(pieces)
    return ""


def _slug_part(raw: str) -> str:
    text = raw
    # Decode until stable so that the result is the same however many times it was encoded.
    for _ in range(3):
        decoded = unquote(text, errors="replace")
        if decoded == text:
            break
        text = decoded
    text = unicodedata.normalize("NFC", text.lower())
    return "".join(ch for ch in text if ch not in _NOT_IN_SLUG and not ch.isspace() and ch.isprintable())


# --- Email and domains ---

_EMAIL_FORBIDDEN = frozenset(' \t\r\n<>(),;:"[]\\')


def normalize_email(s: str) -> str:
    """'<Mailto:Jane@Acme.COM>' -> 'jane@acme.com'; '' if it is not a plausible address."""
    text = s.strip()
    if text.endswith(">") and "<" in text:
        text = text[text.rindex("<") + 1 : -1].strip()  # '<jane@acme.com>' or 'Jane Doe <jane@acme.com>'
    if text[:7].lower() == "mailto:":
        text = text[7:].split("?", 1)[0].strip()
    text = text.lower()
    if text.count("@") != 1:
        return ""
    local, domain = text.split("@")
    if not local or any(ch in _EMAIL_FORBIDDEN or ch.isspace() or not ch.isprintable() for ch in text):
        return ""
    labels = domain.split(".")
    if len(labels) < 2 or not all(labels):
        return ""
    return text


def normalize_domain(s: str) -> str:
    """'https://www.Acme.com/about', 'acme.com', 'WWW.ACME.COM.' -> 'acme.com'; '' if it is not a domain."""
    text = _SCHEME.sub("", s.strip())
    for stop in "/?#":
        text = text.split(stop, 1)[0]
    text = text.rsplit("@", 1)[-1]  # an email address or user@host: the host part
    text = text.split(":", 1)[0].rstrip(".").lower()
    while text.startswith("www.") and "." in text[4:]:
        text = text[4:]
    labels = text.split(".")
    if len(labels) < 2:
        return ""
    for label in labels:
        if not label or label[0] == "-" or label[-1] == "-":
            return ""
        if not all(ch.isalnum() or ch == "-" for ch in label):
            return ""
    if labels[-1].isdigit():  # an IP address, not a company's domain
        return ""
    return text


FREE_MAIL_DOMAINS = frozenset(
    """
    gmail.com googlemail.com yahoo.com ymail.com rocketmail.com hotmail.com outlook.com live.com msn.com
    passport.com icloud.com me.com mac.com aol.com aim.com proton.me protonmail.com protonmail.ch pm.me
    gmx.com gmx.net gmx.de gmx.at gmx.ch gmx.fr gmx.us web.de t-online.de freenet.de posteo.de mailbox.org
    mail.com email.com usa.com inbox.com lycos.com hushmail.com fastmail.com fastmail.fm hey.com zoho.com
    zohomail.com tutanota.com tutanota.de tuta.io yandex.com yandex.ru ya.ru mail.ru bk.ru list.ru inbox.ru
    rambler.ru qq.com 163.com 126.com yeah.net sina.com sina.cn sohu.com aliyun.com foxmail.com naver.com
    daum.net hanmail.net orange.fr wanadoo.fr free.fr laposte.net sfr.fr neuf.fr libero.it virgilio.it
    tiscali.it alice.it seznam.cz centrum.cz wp.pl o2.pl interia.pl onet.pl op.pl rediffmail.com
    btinternet.com sky.com virginmedia.com ntlworld.com talktalk.net comcast.net verizon.net att.net
    sbcglobal.net bellsouth.net cox.net charter.net earthlink.net optonline.net frontier.com shaw.ca
    rogers.com sympatico.ca videotron.ca bigpond.com bigpond.net.au optusnet.com.au uol.com.br bol.com.br
    terra.com.br ig.com.br skynet.be telenet.be bluewin.ch ziggo.nl kpnmail.nl xs4all.nl hetnet.nl home.nl
    planet.nl telia.com online.no
    """.split()
)
# Brands with a free-mail domain in many countries (gmx.*, yandex.*, yahoo.co.uk, hotmail.fr...).
_FREE_MAIL_BRANDS = frozenset({"gmx", "yandex", "yahoo", "hotmail", "outlook", "live", "windowslive"})
_COUNTRY_SECOND_LEVELS = frozenset({"co", "com", "net", "org", "ne", "or"})


def is_free_mail_domain(domain: str) -> bool:
    """True for gmail.com, yahoo.co.uk, gmx.de...: the domain says nothing about the person's employer."""
    domain = normalize_domain(domain)
    if domain in FREE_MAIL_DOMAINS:
        return True
    brand, _, suffix = domain.partition(".")
    if brand not in _FREE_MAIL_BRANDS:
        return False
    labels = suffix.split(".")
    # 'yahoo.de' or 'yahoo.co.uk', but not 'live.nation.com'.
    return len(labels) == 1 or (len(labels) == 2 and labels[0] in _COUNTRY_SECOND_LEVELS and len(labels[1]) == 2)


def company_domain_from_email(email: str) -> str:
    """The employer's domain from a work address ('jane@eu.acme.com' -> 'eu.acme.com'); '' for free mail."""
    address = normalize_email(email)
    if not address:
        return ""
    domain = normalize_domain(address.split("@", 1)[1])
    if not domain or is_free_mail_domain(domain):
        return ""
    return domain


# --- Companies ---

# Legal forms dropped from the end of a company name. 'company' and 'group' are included because "Acme Group"
# and "Acme" are one company for introductions; a name is never reduced to nothing.
LEGAL_SUFFIXES = frozenset(
    """
    inc incorporated llc llp lp ltd limited corp corporation co company plc gmbh mbh ag kg se sa sas sarl
    bv nv oy oyj ab as asa aps spa srl sl sro pty pte pvt private kk group
    """.split()
)


_SLASHED_INITIALS = re.compile(r"\b(\w)/(\w)\b")
_WEB_SUFFIX = re.compile(r"(?<=\w)\.(?:com|net|org|io|ai)\b", re.IGNORECASE)
# Endings that make a word without spaces a web domain ('acme.com', 'acme.de'), unlike 'St.Gallen' or 'I.B.M.'.
_COMMON_TLDS = frozenset("com net org io ai co biz info app dev tech cloud xyz global digital agency eu asia".split())
_SECOND_LEVELS = frozenset({"co", "com", "net", "org", "ac", "gov", "edu", "ne", "or"})


def _domain_name(text: str) -> str:
    """'acme.com', 'https://www.acme.co.uk/' -> 'acme'; '' when the text is not a web domain."""
    if not text or any(ch.isspace() for ch in text):
        return ""
    labels = normalize_domain(text).split(".")
    tld = labels[-1]
    if len(labels) < 2 or not (tld in _COMMON_TLDS or (len(tld) == 2 and tld.isalpha() and tld.isascii())):
        return ""
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVELS and len(tld) == 2:
        return labels[-3]
    return labels[-2]


@lru_cache(maxsize=65536)
def company_key(name: str) -> str:
    """Matching key of a company name: "Acme, Inc.", "ACME Inc", "Acme Incorporated", "acme.com" -> 'acme'.

    Folds case and accents, '&' -> 'and', drops punctuation, a leading 'the' and legal suffixes at the end
    (never all words: "The Company" -> 'company', "Group" -> 'group'). A web domain gives its name part
    ('www.acme.co.uk' -> 'acme'), and "Amazon.com, Inc." is 'amazon', so a company known only by its domain
    meets the same company known by name.
    """
    text = name.strip()
    text = _domain_name(text) or _WEB_SUFFIX.sub("", text)
    text = _SLASHED_INITIALS.sub(r"\1\2", text.replace("&", " and ").replace("+", " and "))  # 'A/S' -> 'AS'
    words = _words(_fold(text))
    while len(words) > 1 and words[0] == "the":
        words = words[1:]
    dropped = False
    while len(words) > 1 and (words[-1] in LEGAL_SUFFIXES or (dropped and words[-1] == "and")):
        # A dangling 'and' goes only with a suffix after it: "Smith & Co." -> 'smith'.
        words = words[:-1]
        dropped = True
    return " ".join(words)


# --- Person names ---

GENERATIONAL_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "v", "vi", "2nd", "3rd", "4th"})
CREDENTIALS = frozenset(
    """
    phd dphil md do dds dmd jd llm mba emba msc ms ma mphil mpa mph meng msw bsc bs ba beng bba cpa ca cfa caia
    frm pmp prince2 cissp cism cisa ccna ccnp csm cspo safe itil cma cima acca aca fca cfp chfc clu pe peng
    rn np pa esq shrm shrmcp shrmscp sphr phr cpp cfe cia crisc aws gcp ceng fcca fcma mcips dipl
    """.split()
)
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame"})
_PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "di", "du", "del", "della", "la", "le", "st", "bin"})
_EMOJI_EXTRA = frozenset({0x200D, 0x20E3}) | set(range(0xFE00, 0xFE10)) | set(range(0xE0020, 0xE0080))


def _strip_pictographs(text: str) -> str:
    """Remove emoji and other pictographs (with their joiners, variation selectors and skin tones)."""
    if text.isascii():
        return text
    out = []
    for ch in text:
        cp = ord(ch)
        if cp in _EMOJI_EXTRA or 0x1F3FB <= cp <= 0x1F3FF:
            continue
        if unicodedata.category(ch) in ("So", "Cs", "Co", "Cn"):
            continue
        out.append(ch)
    return "".join(out)


def _tidy(text: str) -> str:
    return _SPACES.sub(" ", _strip_pictographs(text)).strip(" ,;|")


def _is_suffix(segment: str) -> bool:
    words = _words(_fold(segment))
    return bool(words) and all(w in GENERATIONAL_SUFFIXES for w in words)


def _is_credential_word(token: str) -> bool:
    if "".join(_words(_fold(token), joiners="'’.-")) in CREDENTIALS:
        return True
    # Unknown capitals with a digit or hyphen ('PRINCE2', 'CSCP-2'); plain capitals may be a name in capitals.
    letters = [ch for ch in token if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters) and any(ch.isdigit() or ch == "-" for ch in token)


def _is_credential(segment: str) -> bool:
    """'CFA', 'MBA PMP', 'Ph.D.', 'SHRM-CP': credentials; anything else (e.g. 'Jane', 'JANE') is not."""
    tokens = segment.split()
    return bool(tokens) and all(_is_credential_word(t) for t in tokens)


def _drop_trailing_credentials(text: str, keep: int) -> str:
    """'Smith MBA' -> 'Smith': credentials in capitals after the name, without a comma; `keep` words always stay."""
    words = text.split()
    while len(words) > keep and words[-1].upper() == words[-1] and _is_credential_word(words[-1]):
        words.pop()
    return " ".join(words)


def _drop_credentials(text: str) -> str:
    """'Smith, MBA, PMP' -> 'Smith'; 'Smith, Jr., CPA' -> 'Smith, Jr.'; 'Smith, Jane' stays."""
    segments = [s.strip() for s in text.split(",")]
    kept = [segments[0]] + [s for s in segments[1:] if s and not _is_credential(s)]
    return ", ".join(s for s in kept if s)


@lru_cache(maxsize=65536)
def clean_person_name(first: str, last: str, full: str = "") -> tuple[str, str, str]:
    """Display-clean (first, last, full): spaces, emoji and credentials removed; full split when first/last empty.

    "Jane Q. Smith" -> ("Jane Q.", "Smith"); "Smith, Jane" -> ("Jane", "Smith"); a last name "Smith, CFA" -> "Smith"
    but "Smith, Jr." keeps its suffix. The full display name is always "first last".
    """
    first = _tidy(_drop_credentials(_tidy(first)))
    last = _tidy(_drop_trailing_credentials(_drop_credentials(_tidy(last)), keep=1))
    if not first and not last:
        first, last = _split_full(_tidy(full))
    return first, last, f"{first} {last}".strip()


def _split_full(full: str) -> tuple[str, str]:
    segments = [s.strip() for s in full.split(",") if s.strip()]
    if not segments:
        return "", ""
    segments = [segments[0]] + [s for s in segments[1:] if not _is_credential(s)]
    suffixes = [s for s in segments[1:] if _is_suffix(s)]
    others = [s for s in segments[1:] if not _is_suffix(s)]
    if others:
        # "Smith, Jane": last name first.
        return _tidy(" ".join(others)), _tidy(", ".join([segments[0], *suffixes]))
    # Keep two words, or "JACK MA" would lose its last name.
    words = _drop_trailing_credentials(segments[0], keep=2).split()
    tail: list[str] = []
    while len(words) > 2 and _is_suffix(words[-1]):  # "Martin Luther King Jr."
        tail.insert(0, words.pop())
    if len(words) == 1:
        return words[0], " ".join(tail)
    start = len(words) - 1
    while start > 1 and _fold(words[start - 1]).strip(".") in _PARTICLES:  # "Vincent van Gogh"
        start -= 1
    last = " ".join(words[start:] + tail)
    if suffixes:
        last = ", ".join([last, *suffixes])
    return " ".join(words[:start]), last


@lru_cache(maxsize=65536)
def _name_parts_key(first: str, last: str) -> tuple[str, str]:
    first, last, _ = clean_person_name(first, last)
    first_words, last_words = _words(_fold(first)), _words(_fold(last))
    # Honorifics lead the name ('Dr Jane', or 'Dr Smith' with no first name); a name that is only 'Dr' stays.
    while first_words and first_words[0] in HONORIFICS and (len(first_words) > 1 or last_words):
        first_words = first_words[1:]
    while not first_words and len(last_words) > 1 and last_words[0] in HONORIFICS:
        last_words = last_words[1:]
    return " ".join(first_words), " ".join(last_words)


def name_key(first: str, last: str) -> str:
    """Matching key of a person's name: 'Jörg', 'Müller, MBA 🚀' -> 'jorg muller'."""
    first_key, last_key = _name_parts_key(first, last)
    return f"{first_key} {last_key}".strip()


def block_key(first: str, last: str) -> str:
    """Blocking key for candidate generation: '<last name key>|<initial of the formal first name>'.

    Only people with the same block key are scored against each other. The initial is taken after nicknames
    are resolved, so 'Bob Smith' and 'Robert Smith' share 'smith|r'; 'Jr.', 'III'... are left out of it. People with one name only block on it
    ('cher|'). A typo in the last name ('Smith'/'Smyth') puts people in different blocks: deterministic keys
    (LinkedIn profile, email, CRM id) catch those.
    """
    first_key, last_key = _name_parts_key(first, last)
    if not last_key:
        return f"{first_key}|"
    last_words = last_key.split()
    while len(last_words) > 1 and last_words[-1] in GENERATIONAL_SUFFIXES:  # 'Smith Jr.' blocks with 'Smith'
        last_words.pop()
    last_key = " ".join(last_words)
    first_word = first_key.split(" ", 1)[0]
    return f"{last_key}|{_formal_first_names(first_word)[0][:1] if first_word else ''}"


# Nicknames, by formal name. A nickname may belong to several formal names (Chris: Christopher, Christina).
_NICKNAMES = {
    "robert": "bob bobby rob robbie bert",
    "william": "bill billy will willy liam",
    "elizabeth": "liz lizzie beth betty eliza libby elisabeth",
    "michael": "mike mikey mick",
    "james": "jim jimmy jamie",
    "katherine": "kate katie kathy cathy kat catherine kathryn katharine",
    "thomas": "tom tommy",
    "david": "dave davey",
    "christopher": "chris kit",
    "christina": "chris christine tina",
    "daniel": "dan danny",
    "alexander": "alex sasha",
    "alexandra": "alex sasha lexi",
    "samuel": "sam sammy",
    "samantha": "sam sammy",
    "nicholas": "nick nicky",
    "matthew": "matt matty",
    "jennifer": "jen jenny",
    "richard": "rick ricky dick rich",
    "edward": "ed eddie ted",
    "anthony": "tony",
    "joseph": "joe joey",
    "benjamin": "ben benny",
    "jonathan": "jon jonny",
    "timothy": "tim timmy",
    "stephen": "steve stevie steven",
    "andrew": "andy drew",
    "gregory": "greg",
    "patrick": "pat",
    "patricia": "pat patty trish",
    "margaret": "maggie meg peggy",
    "rebecca": "becky becca",
    "susan": "sue susie",
    "deborah": "deb debbie",
    "victoria": "vicky tori",
    "jacqueline": "jackie",
    "abigail": "abby",
    "kimberly": "kim",
    "charles": "charlie chuck",
    "frederick": "fred freddie",
    "lawrence": "larry",
    "gerald": "jerry",
    "donald": "don",
    "ronald": "ron",
    "kenneth": "ken kenny",
    "peter": "pete",
    "philip": "phil",
    "zachary": "zach zack",
    "joshua": "josh",
    "jeffrey": "jeff",
}
_FORMAL: dict[str, tuple[str, ...]] = {}
for _formal, _nicks in _NICKNAMES.items():
    for _name in [_formal, *_nicks.split()]:
        _FORMAL[_name] = (*_FORMAL.get(_name, ()), _formal)


def _formal_first_names(word: str) -> tuple[str, ...]:
    """The formal names a first name may stand for ('bob' -> ('robert',)); the name itself if it is none."""
    return _FORMAL.get(word, (word,))


# --- Titles ---

_TITLE_ABBREVIATIONS = {
    "vp": "vice president",
    "svp": "senior vice president",
    "evp": "executive vice president",
    "avp": "assistant vice president",
    "ceo": "chief executive officer",
    "cfo": "chief financial officer",
    "coo": "chief operating officer",
    "cto": "chief technology officer",
    "cio": "chief information officer",
    "cmo": "chief marketing officer",
    "cro": "chief revenue officer",
    "cso": "chief sales officer",
    "chro": "chief human resources officer",
    "md": "managing director",
    "gm": "general manager",
    "dir": "director",
    "mgr": "manager",
    "sr": "senior",
    "snr": "senior",
    "jr": "junior",
    "eng": "engineer",
    "exec": "executive",
    "ae": "account executive",
    "sdr": "sales development representative",
    "bdr": "business development representative",
    "rep": "representative",
    "hr": "human resources",
    "ops": "operations",
    "mktg": "marketing",
    "bizdev": "business development",
    "bd": "business development",
}
_TITLE_FILLERS = frozenset({"of", "and", "the", "for", "at", "in"})


def _title_key(title: str) -> str:
    words = []
    for word in _words(_fold(title.replace("&", " and "))):
        if word in _TITLE_FILLERS:
            continue
        words.extend(_TITLE_ABBREVIATIONS.get(word, word).split())
    return " ".join(words)


# --- The fuzzy scorer ---

MERGE_THRESHOLD = 92.0  # at or above: the same person, merge automatically
REVIEW_THRESHOLD = 75.0  # from here up to MERGE_THRESHOLD: put the pair in the review queue

FIRST_NAME_WEIGHT = 0.7  # each point of first-name dissimilarity costs 0.7 points ('Jane'/'John': -35)
LAST_NAME_WEIGHT = 1.0  # each point of last-name dissimilarity costs a full point ('Smith'/'Smyth': -20)
NICKNAME_SIMILARITY = 95.0  # 'Bob' ~ 'Robert': nearly, not quite, the same first name
INITIAL_SIMILARITY = 85.0  # 'J.' ~ 'Jane'
MISSING_NAME_SIMILARITY = 50.0  # a first or last name absent on either side proves nothing
SWAPPED_NAME_PENALTY = 10.0  # 'Smith Jane' ~ 'Jane Smith': first and last were swapped somewhere
COMPANY_UNKNOWN_PENALTY = 14.0  # no company on one side, or related names ('Acme' / 'Acme Health')
COMPANY_DIFFERENT_PENALTY = 35.0  # same-named people at different firms are usually different people
SIMILAR_TITLE_BONUS = 4.0  # titles agree (token_set_ratio >= 85 after expanding 'VP', 'Sr'...)
DIFFERENT_TITLE_PENALTY = 3.0  # titles disagree (< 50); mild, people change roles
SIMILAR_TITLE_RATIO = 85.0
DIFFERENT_TITLE_RATIO = 50.0
FUZZY_MAX = 99.0  # 100 is kept for deterministic matches (same email, same LinkedIn profile)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A person as the matcher sees them. Keys are computed once, when the candidate is made."""

    first: str
    last: str
    company_key: str = ""
    title: str = ""
    linkedin_slug: str = ""
    emails: frozenset[str] = frozenset()
    _first: str = field(init=False, repr=False, compare=False)
    _last: str = field(init=False, repr=False, compare=False)
    _formal: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _company: str = field(init=False, repr=False, compare=False)
    _title: str = field(init=False, repr=False, compare=False)
    _slug: str = field(init=False, repr=False, compare=False)
    _emails: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        first_key, last_key = _name_parts_key(self.first, self.last)
        first_word = first_key.split(" ", 1)[0]
        setter = object.__setattr__
        setter(self, "_first", first_key)
        setter(self, "_last", last_key)
        setter(self, "_formal", _formal_first_names(first_word) if first_word else ())
        # company_key() is idempotent, so a key passed in stays as it is and a raw name becomes a key.
        setter(self, "_company", company_key(self.company_key))
        setter(self, "_title", _title_key(self.title))
        setter(self, "_slug", self.linkedin_slug.strip().lower())
        setter(self, "_emails", frozenset(e for e in map(normalize_email, self.emails) if e))


@dataclass(frozen=True, slots=True)
class Match:
    score: float  # 0..100
    reasons: tuple[str, ...]  # plain words, e.g. "same name", "same company"

    @property
    def verdict(self) -> str:
        """'merge', 'review' or 'distinct', by the thresholds."""
        if self.score >= MERGE_THRESHOLD:
            return "merge"
        if self.score >= REVIEW_THRESHOLD:
            return "review"
        return "distinct"


def match(a: Candidate, b: Candidate) -> Match:
    """How sure we are that two candidates are the same person: a score 0..100 and its reasons.

    1. Deterministic keys. The same LinkedIn profile -> 100. Different LinkedIn profiles -> 0, except that a
       shared email as well goes to review (REVIEW_THRESHOLD): two profiles of one person, or a shared mailbox.
       A shared email otherwise -> 100.
    2. Otherwise a fuzzy score, symmetric and at most 99:
         name = 100 - 0.7 * (100 - first) - 1.0 * (100 - last)
       where first/last are rapidfuzz token_set_ratio of the folded keys (nicknames 95, an initial 85, absent 50);
       a swapped first/last ('Smith Jane') scores 100 - (100 - min of the cross ratios) - 10 and the better
       reading wins. Then company: same key +0, absent or related ('acme' / 'acme health') -14, different -35;
       and title, when both have one: similar (token_set_ratio >= 85 after expanding abbreviations) +4,
       different (< 50) -3. The sum is clamped to 0..99.
    So: same name + same company -> 99 (merge); + similar title -> 99; same name, company unknown -> 86 (review);
    same name, different company -> 65 (distinct: a job change is caught by email or LinkedIn, not by name);
    'Smith'/'Smyth' at one company -> 80 (review; 84 with a similar title); 'Jane'/'John' Smith at one company
    -> 65 (distinct).
    """
    shared_email = bool(a._emails & b._emails)
    if a._slug and b._slug:
        if a._slug == b._slug:
            return Match(100.0, ("same LinkedIn profile",))
        if shared_email:
            return Match(REVIEW_THRESHOLD, ("same email", "different LinkedIn profiles"))
        return Match(0.0, ("different LinkedIn profiles",))
    if shared_email:
        return Match(100.0, ("same email",))

    reasons: list[str] = []
    score = _name_score(a, b, reasons)
    score += _company_score(a, b, reasons)
    score += _title_score(a, b, reasons)
    return Match(round(min(max(score, 0.0), FUZZY_MAX), 1), tuple(reasons))


def _first_similarity(a: Candidate, b: Candidate) -> tuple[float, str]:
    fa, fb = a._first, b._first
    if not fa or not fb:
        return MISSING_NAME_SIMILARITY, ""
    ratio = fuzz.token_set_ratio(fa, fb)
    if ratio == 100:
        return 100.0, ""
    wa, wb = fa.split(" ", 1)[0], fb.split(" ", 1)[0]
    if wa != wb and set(a._formal) & set(b._formal):
        # Compare the first words only: 'Bob' ~ 'Robert'.
        return NICKNAME_SIMILARITY, f"nickname '{_cap(wa)}' = '{_cap(wb)}'"
    if (len(wa) == 1 or len(wb) == 1) and wa[0] == wb[0]:
        return max(ratio, INITIAL_SIMILARITY), f"initial '{_cap(wa if len(wa) == 1 else wb)}.'"
    return ratio, ""


def _name_score(a: Candidate, b: Candidate, reasons: list[str]) -> float:
    first, note = _first_similarity(a, b)
    if a._last and b._last:
        last = fuzz.token_set_ratio(a._last, b._last)
    else:
        last = MISSING_NAME_SIMILARITY
    score = 100.0 - FIRST_NAME_WEIGHT * (100.0 - first) - LAST_NAME_WEIGHT * (100.0 - last)
    if a._first and a._last and b._first and b._last:
        # Symmetric by construction: the weaker of the two cross comparisons decides.
        cross = min(fuzz.token_set_ratio(a._first, b._last), fuzz.token_set_ratio(a._last, b._first))
        swapped = 100.0 - (100.0 - cross) - SWAPPED_NAME_PENALTY
        if swapped > score:
            reasons.append(f"same name with first and last swapped '{_display(a)}' ~ '{_display(b)}'")
            return swapped
    if first == 100 and last == 100:
        reasons.append("same name")
    elif score >= REVIEW_THRESHOLD:
        reasons.append(f"similar name '{_display(a)}' ~ '{_display(b)}'" + (f" ({note})" if note else ""))
    else:
        reasons.append(f"different names '{_display(a)}' vs '{_display(b)}'")
    return score


def _company_score(a: Candidate, b: Candidate, reasons: list[str]) -> float:
    ca, cb = a._company, b._company
    if not ca or not cb:
        reasons.append("company unknown on one side" if ca or cb else "company unknown")
        return -COMPANY_UNKNOWN_PENALTY
    if ca == cb:
        reasons.append("same company")
        return 0.0
    wa, wb = ca.split(), cb.split()
    shorter, longer = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    if longer[: len(shorter)] == shorter:
        # 'Acme' and 'Acme Health': perhaps a subsidiary, perhaps not.
        reasons.append(f"related company names '{ca}' ~ '{cb}'")
        return -COMPANY_UNKNOWN_PENALTY
    reasons.append(f"different companies '{ca}' vs '{cb}'")
    return -COMPANY_DIFFERENT_PENALTY


def _title_score(a: Candidate, b: Candidate, reasons: list[str]) -> float:
    if not a._title or not b._title:
        return 0.0
    ratio = fuzz.token_set_ratio(a._title, b._title)
    if ratio >= SIMILAR_TITLE_RATIO:
        same = _fold(a.title.strip()) == _fold(b.title.strip())
        reasons.append("same title" if same else f"similar title '{a.title.strip()}' ~ '{b.title.strip()}'")
        return SIMILAR_TITLE_BONUS
    if ratio < DIFFERENT_TITLE_RATIO:
        reasons.append(f"different titles '{a.title.strip()}' vs '{b.title.strip()}'")
        return -DIFFERENT_TITLE_PENALTY
    return 0.0


def _display(c: Candidate) -> str:
    return f"{c.first.strip()} {c.last.strip()}".strip()


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:]
