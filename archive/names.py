"""Name keys for matching names across spellings, word orders, scripts and mishearings.

Whisper writes a Chinese name the way it heard it: ``Liu Jing-jun``, ``Jingjun Liu``,
``Jingle`` (tiny.en), or in characters that sound the same but differ from the family's
(刘晶军 for 刘景军). String distance alone cannot tell a variant from a different child
(``Liu Jianjun`` is closer to ``Liu Jingjun`` than ``Jingle`` is), so names are compared
as *pinyin syllables*: romanized names are split into syllables, characters become every
toneless reading (heteronyms too: 曾 zeng/ceng, 单 shan/dan), and a coarse per-syllable
sound key merges what listeners and romanizations confuse (zh/z, -ing/-in, luo/lou)
while keeping apart syllables that make a different name (jian is not jing).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from tapelog.transcribe.numbers import numeral as _numeral

# Every toneless pinyin syllable (from pypinyin's dictionary; ü written v).
_SYLLABLE_TEXT = """
    a ai an ang ao ba bai ban bang bao bei ben beng bi bian biang biao bie bin bing bo bong bu
    ca cai can cang cao ce cei cen ceng cha chai chan chang chao che chen cheng chi chong chou
    chu chua chuai chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang
    dao de dei den deng di dia dian diao die din ding diu dong dou du duan dui dun duo e ei en
    eng er fa fan fang fei fen feng fiao fo fou fu ga gai gan gang gao ge gei gen geng gong
    gou gu gua guai guan guang gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua
    huai huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun
    ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan
    lang lao le lei len leng li lia lian liang liao lie lin ling liu lo long lou lu luan lue
    lun luo ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai
    nan nang nao ne nei nen neng ni nia nian niang niao nie nin ning niu nong nou nu nuan nue
    nun nuo o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia
    qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong
    rou ru rua ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she
    shei shen sheng shi shou shu shua shuai shuan shuang shui shun shuo si song sou su suan
    sui sun suo ta tai tan tang tao te tei teng ti tian tiao tie ting tong tou tu tuan tui tun
    tuo wa wai wan wang wei wen weng wo wong wu xi xia xian xiang xiao xie xin xing xiong xiu
    xu xuan xue xun ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang
    zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua
    zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo
"""
SYLLABLES = frozenset(_SYLLABLE_TEXT.split())
_MAX_SYL = max(len(s) for s in SYLLABLES)

# Common surnames in pinyin: a leading token that is one of these is the family name.
_SURNAME_TEXT = """
    wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he lin gao luo
    zheng liang xie song tang han feng deng cao peng zeng xiao tian dong pan yuan cai
    jiang yu du ye cheng wei su lu ding ren shen yao jin fu zhong lv tan jia fan
    fang shi qiu xia hou zou xiong meng qin bai kong cui kang mao qiu qian yan gu hao
    dai mo duan lei long tao wan shao chang yin le lai gong wen geng niu shan ou hong
"""
SURNAMES = frozenset(_SURNAME_TEXT.split())

# Titles that are part of how a person is named (``Mr. Liu``), never a name on their own.
_HONORIFIC_TEXT = "mr mrs ms miss dr prof mister madam auntie uncle grandma grandpa"
HONORIFICS = frozenset(_HONORIFIC_TEXT.split())

_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_TOKEN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[^\W_]+", re.UNICODE)


def is_han(ch: str) -> bool:
    return bool(_HAN_RE.fullmatch(ch))


def has_han(text: str) -> bool:
    return bool(_HAN_RE.search(text))


def fold(text: str) -> str:
    """Casefolded, accents and tone marks removed (``Liú`` -> ``liu``, ``Lü`` -> ``lv``)."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text).replace("ü", "v").replace("Ü", "v")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped).casefold()


def tokens(text: str) -> list[str]:
    """Words of ``text``, folded; punctuation, hyphens and spaces separate; each Chinese
    character is a token of its own."""
    return list(_tokens(text))


@lru_cache(maxsize=65536)
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN_RE.findall(fold(text)))


@lru_cache(maxsize=4096)
def token_spans(text: str) -> tuple[tuple[str, int, int], ...]:
    """Tokens of ``text`` with their character offsets (for quoting the mention).
    Memoised: the linking asks again for each name found in a line."""
    folded = fold(text)
    return tuple((m.group(0), m.start(), m.end()) for m in _TOKEN_RE.finditer(folded))


def compact(text: str) -> str:
    """The name with no spaces, hyphens or punctuation: ``Liu Jing-jun`` -> ``liujingjun``."""
    return "".join(tokens(text))


@lru_cache(maxsize=65536)
def split_syllables(word: str) -> tuple[str, ...] | None:
    """A romanized word as pinyin syllables (``jingjun`` -> jing jun), or None.

    Chooses the split with the fewest syllables (``xian`` stays one syllable), and
    prefers, among equals, the one whose first syllable is longest.
    """
    word = word.lower()
    n = len(word)
    if not n or not word.isascii() or not word.isalpha():
        return None
    best: list[tuple[str, ...] | None] = [None] * (n + 1)
    best[n] = ()
    for i in range(n - 1, -1, -1):
        choice: tuple[str, ...] | None = None
        for j in range(min(n, i + _MAX_SYL), i, -1):
            rest = best[j]
            if rest is None or word[i:j] not in SYLLABLES:
                continue
            cand = (word[i:j], *rest)
            if choice is None or len(cand) < len(choice):
                choice = cand
        best[i] = choice
    return best[0]


# Syllables no name is made of: interjections and particles ("lo" 咯, "yo" 哟, "ei" 诶)
# and rare readings. A word that splits into pinyin only through one of them is an
# English word or name, not pinyin: "Lola" (lo-la), which tiny.en wrote for Le Le.
NO_NAME_SYLLABLES = frozenset(
    "lo yo o ei eng biang bong cei den dia din fiao kei len nou rua tei".split()
)


def name_syllables(word: str) -> tuple[str, ...] | None:
    """``split_syllables``, unless the split needs a syllable no name is made of."""
    syls = split_syllables(word)
    if syls is None or any(x in NO_NAME_SYLLABLES for x in syls):
        return None
    return syls


@lru_cache(maxsize=8192)
def han_readings(ch: str) -> tuple[str, ...]:
    """Every toneless pinyin reading of one character (heteronyms included)."""
    from pypinyin import Style, pinyin

    readings = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore", v_to_u=False)
    out = []
    for group in readings:
        for r in group:
            r = fold(r).replace("u:", "v")
            if r and r not in out:
                out.append(r)
    return tuple(out)


@lru_cache(maxsize=8192)
def phon(syllable: str) -> str:
    """A coarse sound key for one syllable: what romanizations and ears confuse.

    zh/ch/sh ~ z/c/s, n ~ l, -ing ~ -in, -eng ~ -en, luo ~ lou ~ lo, v ~ u. Finals that
    make a different name (jian/jing, an/ang) stay apart.
    """
    s = syllable.replace("v", "u")
    if s[:2] in ("zh", "ch", "sh"):
        s = s[0] + s[2:]
    if s.startswith("n") and len(s) > 1 and s[1] != "g":
        s = "l" + s[1:]
    if s.endswith("ing"):
        s = s[:-3] + "in"
    elif s.endswith("eng") and len(s) > 3:
        s = s[:-3] + "en"
    if len(s) > 2 and (s.endswith("uo") or s.endswith("ou")):
        s = s[:-2] + "o"
    return s


# Finals an ear (or an English model) confuses in a family name: liu / lou / luo / lo.
_LOOSE_FINALS = {"iu": "o", "ou": "o", "uo": "o", "o": "o", "iou": "o"}


def loose_syllable(syllable: str) -> str:
    """The syllable's initial and a coarse class of its final, for family names heard
    wrong: ``liu``, ``lou`` and ``luo`` all give ``l-o``; ``lin`` gives ``l-in``;
    ``huang`` and ``wang`` give ``w-ang`` (Whisper writes Wang for Huang)."""
    s = phon(syllable)
    ini = initial(s)
    final = s[len(ini) :]
    if ini == "h" and final[:1] == "u" and final[1:2] in ("a", "o", "i"):
        ini, final = "w", final[1:]  # huang ~ wang, hui ~ wei: hu- glides to w- by ear
    elif ini == "w" and final == "ei":
        final = "i"  # wei ~ hui
    return f"{ini}-{_LOOSE_FINALS.get(final, final)}"


_ENGLISH_EAR = (("zh", "j"), ("x", "sh"), ("q", "ch"), ("ks", "k"), ("v", "w"))


def english_spelling(word: str) -> str:
    """A pinyin word spelled roughly as an English model writes what it heard
    (``xiaoyu`` -> ``shiaoyu``, ``zhengzhou`` -> ``jengjou``), for comparing the two."""
    for a, b in _ENGLISH_EAR:
        word = word.replace(a, b)
    return word


def initial(syllable: str) -> str:
    """The initial consonant(s) of a pinyin syllable ('' for a vowel-initial one)."""
    for i, c in enumerate(syllable):
        if c in "aeiouv":
            return syllable[:i]
    return syllable


def syllables_of(text: str, limit: int = 16) -> list[tuple[str, ...]]:
    """Every pinyin syllable sequence ``text`` can be read as (empty when it cannot).

    Romanized words are split into syllables; each character contributes each of its
    readings, so 曾 gives both ``zeng`` and ``ceng`` (at most ``limit`` sequences).
    """
    seqs: list[tuple[str, ...]] = [()]
    options: list[tuple[str, ...]]
    for tok in tokens(text):
        if is_han(tok):
            options = [(r,) for r in han_readings(tok)] or [(tok,)]
        else:
            split = split_syllables(tok)
            if split is None:
                return []
            options = [split]
        seqs = [s + o for s in seqs for o in options][:limit]
    return [s for s in seqs if s]


def sound_key(text: str) -> str:
    """A phonetic-ish key for comparing mishearings (``Lou Run`` == ``Luo Run``).

    Pinyin words become the sound keys of their syllables; other words (``Jingle``) are
    folded with the same consonant merges so that fuzzy scores compare like with like.
    """
    out = []
    for tok in tokens(text):
        split = split_syllables(tok) if not is_han(tok) else (han_readings(tok)[:1] or None)
        if split:
            out.append("".join(phon(s) for s in split))
        else:
            t = re.sub(r"(zh|ch|sh)", lambda m: m.group(0)[0], tok)
            out.append(re.sub(r"(.)\1+", r"\1", t))
    return "".join(out)


def place_name(missing_place: str, first: bool = False) -> str:
    """The place a case's child went missing from, as a name to listen for: the first
    part of ``missing_place`` written as one (every word capitalised, or in characters).
    "Zhengzhou, Henan" -> "Zhengzhou"; "bus station, Guangdong" -> "Guangdong";
    "outside his father's shop, southern China" -> "". Not the province after the
    city: it is said in passing and, short, sounds like ordinary words ("one in" sounded
    like Henan, 0.82, and linked Zhang Haoran's case in natural26's nz02).

    ``first``: the first part only, or nothing ("bus station, Guangdong" -> ""), as the
    looks' prompts have it: given "Guangdong" too, the prompts changed, and base wrote a
    line of natural26's nz05 without the "Luo An Xin" it had written, for no name gained
    (the sound keys, which change no decode, take "Guangdong": natural's "guan none")."""
    for part in re.split(r"[,，、;/]", missing_place or ""):
        part = part.strip()
        if part and (has_han(part) or all(w[:1].isupper() for w in part.split())):
            return part
        if first:
            break
    return ""


def name_parts(name: str) -> tuple[list[str], list[str]]:
    """(family, given) tokens of a romanized Chinese name, family first.

    ``Liu Jingjun`` -> (["liu"], ["jingjun"]); ``Jingjun Liu`` -> same when ``liu`` is a
    known surname and ``jingjun`` is not; a title (``Mr. Liu``) leaves the given part
    empty, since a title with a surname names nobody's given name.
    """
    family, given = _name_parts(name)
    return list(family), list(given)


@lru_cache(maxsize=65536)
def _name_parts(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    toks = tuple(t for t in tokens(name) if not is_han(t))
    if len(toks) < 2:
        return (), toks
    if toks[0] in HONORIFICS:
        return toks[1:], ()
    if toks[0] in SURNAMES:
        return toks[:1], toks[1:]
    if toks[-1] in SURNAMES:
        return toks[-1:], toks[:-1]
    return toks[:1], toks[1:]


def order_variants(name: str) -> set[str]:
    """Compact keys of ``name`` in both orders: family-given and given-family."""
    toks = tokens(name)
    if not toks:
        return set()
    keys = {"".join(toks)}
    family, given = name_parts(name)
    if family and given:
        keys.add("".join(given + family))
        keys.add("".join(family + given))
    return keys


# A number said or written: the word after it is a unit (``transcribe.numbers``).
numeral = _numeral
