"""Labelled fields of Chinese and Western article pages: '作者：qeexh', '核心提示：…', 'By …'.

Destoon and similar CMSs print several fields on one info line, separated by runs of spaces:
``日期:2024-12-06   作者:qeexh    caijiyuan   评论:0``. A value ends at the next label or at a
run of two or more spaces, so the author above is ``qeexh``.
"""

from __future__ import annotations

import re

from feeds.extract.zh_names import department
from feeds.lazyre import lazy

# Who wrote the story, and who edited or posted it: an editor is the author only when the page
# names nobody else.
WRITER_LABELS = (
    "作者", "本文作者", "文章作者", "文", "撰文", "撰稿", "撰稿人", "执笔", "執筆", "署名", "记者",
    "記者", "原作者", "发信人", "發信人", "楼主", "樓主",
    "发帖人", "发贴人", "投稿人", "Author", "By", "Autor", "Autorin", "Auteur", "Autore",
    "Interview", "Text", "Authors", "Autoren", "Autores", "Autori", "Auteurs", "Tekst", "Texto",
    "Testo", "Yazar", "Автор", "Автори", "Авторы", "通讯员", "通訊員", "主笔", "主筆",
    # More languages' labels: Indonesian and Malay, Finnish, Hungarian, Vietnamese, Russian,
    # Polish, Czech, Lithuanian, Latvian, Greek, Arabic; a reporter's label anywhere.
    "Penulis", "Reporter", "Wartawan", "Kirjoittaja", "Teksti", "Szerző", "Írta",
    "Текст", "Autorzy", "Autoři", "Autorius", "Autors", "Συντάκτης", "بقلم", "كتب", "供稿",
    # Who put the story together: compiled, translated, interviewed and written, text and photos.
    "整理", "编译", "編譯", "采写", "採寫", "图文", "圖文", "撰写", "撰寫",
)  # fmt: skip
EDITOR_LABELS = (
    "编辑", "編輯", "责任编辑", "責任編輯", "责编", "發布者", "发布者", "发布人", "發布人",
    "录入", "錄入", "Editor",
)  # fmt: skip
AUTHOR_LABELS = WRITER_LABELS + EDITOR_LABELS
SUMMARY_LABELS = ("核心提示", "内容提要", "摘要", "导读", "提要", "简介", "Summary")
# Not a clock's hour: 'Updated 3:45 PM', '2024-05-08 23:23' hold no label.
_ANY_LABEL = r"(?!\d{1,2}\s*[:：]\d)[\w\u4e00-\u9fff]{1,6}\s*[:：]"
_GAP = r"(?:\s{2,}|[\u00a0\u3000]+|\s*[|｜]\s*)"
_SPACE = lazy(r"[\s\u00a0\u3000]+")


def _label_pattern(labels: tuple[str, ...], opens: str = "") -> re.Pattern[str]:
    # Old pages pad two-character labels to the width of four: '作　者：', '来 源：'.
    names = "|".join(_spaced(label) for label in labels)
    return re.compile(
        rf"(?:^|(?<=[\s\u00a0\u3000|｜{opens}]))(?:{names})\s*[:：]\s*", re.IGNORECASE
    )


def _spaced(label: str) -> str:
    if len(label) == 2 and all("\u4e00" <= c <= "\u9fff" for c in label):
        return rf"{label[0]}[\s\u3000\u00a0]{{0,3}}{label[1]}"
    return re.escape(label)


# A writer's label may open a bracket: '【作者：张三】', '（作者：张三）'. An editor's in brackets
# ('（责任编辑：王五）' under the story) is left unread: an editor is the author only when the
# page names nobody else, and the one a page puts in brackets at the story's end is no byline.
_WRITER = _label_pattern(WRITER_LABELS, opens="【\\[（(")
_AUTHOR = lazy(rf"{_WRITER.pattern}|{_label_pattern(EDITOR_LABELS).pattern}", re.I)
_EDITOR = _label_pattern(EDITOR_LABELS)
_SUMMARY = _label_pattern(SUMMARY_LABELS)
_BY = lazy(r"^\s*by\s+(?=\S)", re.IGNORECASE)
# A value ends at the next label, a gap, or a lenticular bracket: '【作者：张三】【来源：本站】'.
_VALUE_END = lazy(rf"{_GAP}|\s+(?={_ANY_LABEL})|\s*[】【]")
_HAS_LABEL = lazy(_ANY_LABEL)
# A value in brackets of its own after the label: '作者：【李四】', '作者：〔李四〕'.
_BOXED = lazy(r"\s*[【〔［]\s*([^【】〔〕［］]{1,30}?)\s*[】〕］]")
# Input is cut to this before any pattern runs, so a hostile 32 KB string costs nothing (B15):
# an info line or a byline is far shorter, and a label opens a summary.
MAX_LINE = 1000
# A value this long is a paragraph the selector caught, not a name (nor a list of names).
MAX_AUTHOR = 100


def author_from(raw: str | None, label: re.Pattern[str] = _AUTHOR) -> str | None:
    """'日期：… 作者：qeexh  浏览：3' -> 'qeexh'; a bare 'qeexh' stays; 'By Ann' -> 'Ann'."""
    if not raw:
        return None
    raw = raw[:MAX_LINE]
    match = label.search(raw)
    if match:
        rest = raw[match.end() :]
        if boxed := _BOXED.match(rest):  # '作者：【李四】 浏览：3'
            return _name(boxed[1])
        end = _VALUE_END.search(rest)
        return _name(rest[: end.start()] if end else rest)
    if _HAS_LABEL.search(raw):
        return None  # other labels only: the author isn't on this line
    return _name(_BY.sub("", raw))


def labelled_author(raw: str) -> str | None:
    """The author only when the line labels one ('作者：qeexh'): for lines found on the page,
    where an unlabelled line is not an author."""
    name = author_from(raw, _WRITER) if _WRITER.search(raw[:MAX_LINE]) else None
    return None if name is None or MARKUP.search(name) else name


def labelled_editor(raw: str) -> str | None:
    """The editor a line labels ('责任编辑：杨逸凡'), or None."""
    name = author_from(raw, _EDITOR) if _EDITOR.search(raw[:MAX_LINE]) else None
    return None if name is None or MARKUP.search(name) else name


# Chinese news bylines without a colon: '本报记者罗科苏盈发自北京', '（记者 格桑边觉）',
# '记者马俊峰/文'. A name is two to four characters (three-part names with '·' up to eight);
# it ends where the byline goes on (发自, 报道, 摄, a bracket, a slash, a space).
# Characters that never open a name after 记者: '记者们', '记者会', '记者近日' are no bylines.
_NOT_A_NAME = (
    "们們会會近从從在了获獲表采採观觀注说說问問看走来來"
    "对對将將也还還就等调調招到见見前後后为為是的与與及所日"
)
_REPORTER_NAME = rf"(?![{_NOT_A_NAME}])"
# Who else a dateline's brackets name: '（记者 …）' is read above, '（通讯员 …）', '（图）' never.
_NOT_A_REPORTER = "记者|記者|通讯员|通訊員|实习生|實習生|特约|特約|本报|本報|图|圖"
_REPORTER = lazy(
    r"(?<!小)(?:本报|本報|特约|特約|实习|實習|首席)?(?:记者|記者|撰稿人)\s*"
    rf"(?:(?P<name>{_REPORTER_NAME}"
    r"(?:[\u4e00-\u9fff]{2,4}?|[\u4e00-\u9fff]{1,4}·[\u4e00-\u9fff]{1,5}?))"
    r"(?=发自|發自|报道|報導|報道|翻摄|翻攝|摄|攝|拍摄|拍攝|通讯员|通訊員|电|電|讯|訊"
    r"|[\s/／（）()【】\[\]、，,。;；|]|$)"
    # A news agency's dateline: '（中央社記者邱俊欽桃園19日電）', the place and the day after.
    rf"|(?P<name2>{_REPORTER_NAME}[\u4e00-\u9fff]{{2,4}})(?=[\u4e00-\u9fff]{{2,3}}\d{{1,2}}日[电電]))"
    # A byline in brackets at the story's end: '（王煌忠／台中報導）', '（姚峰 上海报道）'.
    r"|[（(](?P<name3>[\u4e00-\u9fff]{2,4})\s*[/／\s]\s*[\u4e00-\u9fff]{1,8}(?:报道|報導|報道)[)）]"
    # A news agency's dateline without 记者: '新华社北京5月19日电（刘艺、杨吉）', the first.
    rf"|(?<=\d日[电電][（(])(?!{_NOT_A_REPORTER})"
    r"(?P<name4>[\u4e00-\u9fff]{2,4}?)(?=[、，,\s]|[)）])"
    # A Korean byline: the name, then 기자 ('홍길동 기자 hong@site.kr'); not 기자회견, 기자단.
    r"|(?<![\uac00-\ud7af])(?P<name5>[\uac00-\ud7af]{2,4})\s*기자(?![\uac00-\ud7af])"
)
# A forum post's byline: '本贴由大卫于2005年8月12日16:12:21…发表', 'ggjj 发表于 2005-9-15'.
_POSTER = lazy(
    # The credit runs on to its verb ('…于2005年8月12日16:12:21在〖心灵体操〗发表.'): its end is
    # where a byline ends, so that one closing a long post counts (bylines.reporter).
    r"(?:本贴|本帖|此贴|此帖)由\s*(?P<name>[^\s，。,:：]{2,16}?)\s*于\s*\d"
    r"(?:[^\n。]{0,60}?(?:发表|發表|发布|發佈))?"
    r"|(?:^|(?<=\s))(?P<name2>[^\s，。,:：]{2,16})\s+发表于\s*[:：]?\s*\d"
)


# A photographer's credit ('新华社记者 才扬 摄', '記者林悅翻攝'): not who wrote the story.
_PHOTO_CREDIT = lazy(r"\s*(?:翻摄|翻攝|摄|攝|拍摄|拍攝)")


def reporter_from(raw: str | None) -> str | None:
    """'新华社拉萨电（记者 格桑边觉）记者近日…' -> '格桑边觉', '本贴由大卫于2005年…' -> '大卫';
    None for a photographer."""
    found = reporter_at(raw)
    return found[0] if found else None


def reporter_at(raw: str | None) -> tuple[str, int] | None:
    """``reporter_from``'s name and where it ends in ``raw``."""
    if not raw:
        return None
    if (poster := _POSTER.search(raw[:MAX_LINE])) and (
        name := clean_name(poster["name"] or poster["name2"])
    ):
        return name, poster.end()
    for match in _REPORTER.finditer(raw[:MAX_LINE]):
        if _PHOTO_CREDIT.match(raw, match.end()) or _in_prose(raw, match):
            continue
        name = match["name"] or match["name2"] or match["name3"] or match["name4"]
        return name or match["name5"], match.end()
    return None


# The story's prose speaking of the reporter, not a byline: '罗娟向记者介绍，', '告诉记者',
# '记者回访发现，' (a verb of four characters before a comma; names are two or three).
_TO_REPORTER = ("向", "对", "對", "告诉", "告訴", "跟", "给", "給", "让", "讓", "接受", "据", "據")


def _in_prose(raw: str, match: re.Match[str]) -> bool:
    if match["name"] is None:
        return False
    if raw[: match.start()].endswith(_TO_REPORTER):
        return True
    return len(match["name"]) == 4 and raw[match.end() : match.end() + 1] in ("，", ",")


def summary_from(raw: str | None) -> str | None:
    """'核心提示：全球最大…' -> '全球最大…'."""
    if not raw:
        return None
    match = _SUMMARY.search(raw[:MAX_LINE])
    if match:
        raw = raw[match.end() :]
    return _squash(raw)


_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
    # German, French, Spanish, Italian and Dutch: 'Newsdesk 28. Januar 2022'.
    r"|januar|februar|märz|maart|mai|juni|juli|oktober|dezember|januari|februari|mei|augustus"
    r"|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre"
    r"|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre"
    r"|diciembre|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre)"
)
# Where a name ends and the rest of a byline goes on: a counter ('阅读(1660)', '评论：3'), a
# date or a clock, a relative time, a follow button ('+加关注'), a separator.
_NAME_TAIL = lazy(
    r"\s*(?:[|｜»«›‹•]|(?:阅读|浏览|点击|评论|回复|人气|views?|comments?|reads?)\s*[:：(（]?\s*\d"
    r"|[(（]\s*\d+\s*[)）]|\+\s*\S|加关注|关注TA|私信|(?<![\w])(?:follow|subscribe)(?![\w])"
    # A follow button's word after the name, '管不饿 关注', '张三 已关注'.
    r"|\s+(?:已)?关注(?:他|她)?$"
    # Who else a Chinese byline names after the writer: '张三 实习生 李四', '张三 通讯员 李四'.
    r"|\s+(?:实习生|實習生|通讯员|通訊員|见习记者|見習記者|摄影|攝影|摄像|攝像)"
    r"|\d{4}\s*[-/.年]\s*\d|(?<!\d)\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d\d)(?!\d)|\d{1,2}:\d\d|\d{1,2}\s*月\s*\d{1,2}\s*日|\d+\s*(?:秒|分钟|小时|天)前"
    r"|(?<![\w])(?:vor|il y a|hace)\s+\d|\d+\s+\w+\s+ago(?![\w])|发表于|发布于|发表时间|发布时间"
    r"|(?<![\w])(?:posted|published|updated)\s+(?:on|at)(?![\w])"
    # 'Ann Lee on June 3, 2021', 'Anna Berg am 3. Juni': a preposition before a date.
    r"|\s(?:on|am|le|el|il|op|den|vom)\s+(?=(?:[^\W\d_]+\.?,?\s+){0,2}\d)"
    # English dates: 'Wednesday January 18, 2017', '18 Jan 2017' (a month with its day).
    r"|(?<![\w])(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?![\w])"
    rf"|(?<![\w]){_MONTH}\.?\s+\d{{1,2}}(?!\d)|(?<![\w])\d{{1,2}}\.?\s+{_MONTH}(?![\w])"
    # 'Ann Lee Published 2 hours ago', 'Ann Lee For Dailymail.com', 'Ann Lee in Politics',
    # 'Ann Lee of The Times', 'Ann Lee Read more'.
    r"|(?<=\S)\s+(?:published|updated|posted|last\s+updated)(?![\w])"
    # … and in the page's language: 'Jean Dupont Publié le 13 mai', 'Anna Berg Aktualisiert'.
    r"|(?<=\S)\s+(?:publié|publiée|mis\s+à\s+jour|publicado|actualizado|pubblicato|aggiornato"
    r"|veröffentlicht|aktualisiert|gepubliceerd|bijgewerkt)(?![\w])"
    r"|\s(?:for|für|in|of)\s+(?-i:[A-Z])"
    r"|(?<![\w])(?:read\s+more|more\s+(?:from|by|articles|stories)|(?:view|see)\s+(?:all|more|profile)"
    r"|all\s+(?:posts|articles|stories))(?![\w]))",
    re.IGNORECASE,
)
# A footer's claim, not a byline: 'Copyright © 2024 李建忠', '© Ann Lee. All rights reserved.'
_COPYRIGHT = lazy(
    r"^(?:copyright|版权所有|©|\(c\))(?:\s*(?:©|\(c\)))?\s*[:：]?\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?"
    r"\s*[,，]?\s*|\s*[.,]?\s*(?:all rights reserved|版权所有).*$",
    re.IGNORECASE,
)
# An e-mail address beside the name or instead of it: 'Ann Lee (ann@site.com)', 'mailto:…'.
_EMAIL = lazy(r"[(<\[]?\s*(?:mailto:)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+\s*[)>\]]?")
# A reporter's title after the name, in Korean and Japanese bylines.
_JOB_TITLE = lazy(
    r"(?<=\S)\s+(?:기자|특파원|記者|特派員|编辑|編輯)$"
    # and in brackets in Chinese ones: '张三（实习生）', '李四(通讯员)'.
    r"|\s*[（(](?:实习生|實習生|通讯员|通訊員|实习记者|實習記者|特约记者|特約記者|摄影|攝影)[)）]$"
)
# A writer's title after the name in English bylines, after a comma or on the next line:
# 'Ann Lee, Staff Writer', 'Ann Lee Senior Correspondent'; a title alone names nobody.
_ROLE = (
    r"(?:(?:senior|chief|staff|contributing|special|political|foreign|deputy|managing|executive"
    r"|associate|assistant|news|sports?|business|science|health|tech(?:nology)?|education"
    r"|investigative|digital|freelance|guest|regular)\s+){0,3}"
    r"(?:writer|reporter|correspondent|editor|columnist|contributor|journalist|producer"
    r"|photographer|analyst|intern|staff)s?"
)
_WESTERN_TITLE = lazy(rf"(?:\s*[,|–—]\s*|\s+)(?:an?\s+|the\s+)?{_ROLE}$", re.IGNORECASE)
# After a comma any beat may qualify the role: 'Ann Lee, Senior Transport Reporter'.
_COMMA_ROLE = lazy(
    r"\s*[,|–—]\s*(?:an?\s+|the\s+)?(?:[^\W\d_][\w&'.-]*\s+){1,4}"
    r"(?:writer|reporter|correspondent|editor|columnist|contributor|journalist|producer"
    r"|photographer|analyst)s?$",
    re.IGNORECASE,
)
# A news agency after a writer's name: 'Ann Lee, Reuters', 'Ann Lee / AP' (an agency alone,
# 'AFP, MANILA', stays).
_AGENCY = lazy(
    r"(?<=[^\W\d_])\s*[,/]\s*(?:reuters|ap|afp|associated\s+press|bloomberg|dpa|apa|efe|ansa"
    r"|xinhua|kyodo|upi|pa\s+media|kna|epd|kap)$",
    re.IGNORECASE,
)
# A writer's initials in brackets after the name, as German-language papers sign: 'Elena
# Oberholzer (obe)'.
_INITIALS = lazy(r"(?<=[^\W\d_])\s+\((?-i:[a-zäöü]{2,4})\)$")
# A Twitter handle beside the name: 'Ann Lee (@annlee)', 'Ann Lee @annlee'.
_HANDLE_BESIDE = lazy(r"(?<=\S)\s*[(\[]?\s*@[A-Za-z0-9_]{1,15}\s*[)\]]?(?=\s|$)")
_OPENERS, _CLOSERS = "(（[【「『《", ")）]】」』》"
# Sentence punctuation: a question or a sentence is never a name.
_SENTENCE = lazy(r"[。！？!?；;]|[\u4e00-\u9fff]{11}")
# Markup or code that leaked into a page's text ('size="20"' from a broken template): no name
# found on the page holds it (a configured selector's text is kept as it is, escaped).
MARKUP = lazy(r'[=<>{}"]')
# A name padded to align ('赵  培', '王　芳', '张 三丰'): a part of one character; two names of
# two ('张三 李四') stay apart.
_SPACED_HAN = lazy(r"^[\u4e00-\u9fff](?:\s*[\u4e00-\u9fff]){1,3}$")
# After a Chinese name: a portal's editor code ('王晓_NN9999', '王晓 SF099'), or what the
# writer is in brackets ('张三（某某大学教授）').
_HAN_SUFFIX = lazy(
    r"(?<=[\u4e00-\u9fff])(?:_[A-Za-z]{0,4}\d{2,}|\s+[A-Za-z]{1,4}\d{2,}|\s*[（(][^（()）]{2,20}[)）])$"
)
# A blog's or a profile's name, 'X's blog': the name is X's ('张三的博客' -> '张三').
_BLOG_OF = lazy(r"(?<=\S)的(?:个人)?(?:博客|空间|空間|主页|主頁|微博|专栏|專欄)$")
# Words a Chinese name never holds: '该作者文章' heads a list of the author's other stories.
# Nor a date's label: '更新时间' over the date is no name.
_NOT_NAME_WORDS = lazy(r"作者|文章|记者|編輯|编辑|发表|評論|评论|阅读|閱讀|时间|時間|日期")
# What a CMS prints where nobody is named: 'anonymous', its default account, 'this site'.
_PLACEHOLDER = lazy(
    r"^(?:佚名|未知|匿名|不详|管理员|超级管理员|本站|本网|本網|本站编辑|本站原创|网络|網絡|admin|administrator|webmaster|unknown|anonymous"
    r"|guest|游客|null|none|n/?a|your\s*name|作者名|作者姓名)$",
    re.IGNORECASE,
)
# What a byline says before the name, alone: the name itself is elsewhere.
_BARE_WORDS = frozenset(
    {"by", "von", "par", "por", "di", "de", "door", "av", "from", "written by", "posted by",
     "作者", "文", "记者", "編輯", "编辑", "来源", "author", "authors", "autor"}
)  # fmt: skip


def clean_name(text: str) -> str | None:
    """A byline's text reduced to the name: 'zboygirl 阅读(1660)' -> 'zboygirl', '魏喆 ）' ->
    '魏喆', 'Copyright © 李建忠' -> '李建忠'; None for what is not a name (a sentence, a
    question, a slogan, markup, a bare 'By')."""
    name = _squash(text[:MAX_LINE])
    if name is None:
        return None
    name = _EMAIL.sub(" ", _COPYRIGHT.sub("", name)).strip()
    name = _NAME_TAIL.split(name, maxsplit=1)[0]
    name = _strip_brackets(name.strip(" ,;:|/·-—–，；：、■□●○◆◇★☆▪►»"))
    if not name or _SENTENCE.search(name) or name.casefold() in _BARE_WORDS:
        return None
    name = _JOB_TITLE.sub("", name)  # '신현주 기자' -> '신현주'
    name = _AGENCY.sub("", _without_role(_HANDLE_BESIDE.sub("", _INITIALS.sub("", name))))
    name = name.strip()
    if not name:
        return None
    name = _BLOG_OF.sub("", _HAN_SUFFIX.sub("", name))
    if _SPACED_HAN.match(name) and _padded(name):  # '赵  培', '王　芳': a name padded to align
        name = _SPACE.sub("", name)
    if _NOT_NAME_WORDS.search(name) or _PLACEHOLDER.match(name) or department(name):
        return None  # nobody, or an office in a writer's place ('作者：办公室')
    return name if any(c.isalpha() for c in name) else None


def _without_role(name: str) -> str:
    """'Ann Lee, Staff Writer' -> 'Ann Lee'; but 'Example News Staff' stays whole: a title
    after one word with no comma is a newsroom's name ('Example News Staff'), no person's."""
    match = _COMMA_ROLE.search(name) or _WESTERN_TITLE.search(name)
    if match is None:
        return name
    rest = name[: match.start()]
    if len(rest.split()) == 1 and not re.match(r"\s*[,|–—]", match[0]):
        return name
    return rest


def _padded(name: str) -> bool:
    """Whether a spaced Han text is one name padded ('赵 培', '张 三丰', '王 小 明'), not two
    names ('张三 李四')."""
    parts = name.split()
    return (
        len(parts) == 1
        or all(len(p) == 1 for p in parts)
        or (len(parts) == 2 and min(len(p) for p in parts) == 1)
    )


def _strip_brackets(name: str) -> str:
    """Brackets that open or close nothing in the name: '魏喆 ）', '（张三'."""
    while name and name[-1] in _CLOSERS and _OPENERS[_CLOSERS.index(name[-1])] not in name:
        name = name[:-1].rstrip()
    while name and name[0] in _OPENERS and _CLOSERS[_OPENERS.index(name[0])] not in name:
        name = name[1:].lstrip()
    if len(name) > 2 and name[0] in _OPENERS and name[-1] == _CLOSERS[_OPENERS.index(name[0])]:
        name = name[1:-1].strip()
    return name


def _name(text: str) -> str | None:
    name = clean_name(text)
    return name if name is not None and len(name) <= MAX_AUTHOR else None


def _squash(text: str) -> str | None:
    text = _SPACE.sub(" ", text).strip(" ,;，；|｜")
    return text or None
