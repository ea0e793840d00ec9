"""What a Chinese person's name opens with, and what ends a department's name (issue 15): the
two tell a writer ('张三') from the office a government or company page names in the writer's
place ('作者：办公室', '发布人：党政办', '撰稿：宣传科'), which is no author."""

from __future__ import annotations

import re

from feeds.lazyre import lazy

# The most common single-character surnames (about nine in ten people bear one) and the
# common two-character ones: a name that opens with none of them is not read.
SURNAMES = (
    "王李张張刘劉陈陳杨楊黄黃赵趙吴吳周徐孙孫马馬朱胡郭何高林罗羅郑鄭梁谢謝宋唐许許韩韓冯馮邓鄧"
    "曹彭曾肖萧蕭田董袁潘于蒋蔣蔡余杜叶葉程苏蘇魏吕呂丁任沈姚卢盧姜崔钟鍾谭譚陆陸汪范金石廖贾賈"
    "夏韦韋付傅方邹鄒孟熊秦邱江尹薛闫閆段雷侯龙龍史陶黎贺賀顾顧毛郝龚龔邵万萬钱錢严嚴覃武戴莫孔"
    "向汤湯常温溫康施文牛樊葛邢安齐齊易乔喬伍庞龐颜顏倪庄莊聂聶章鲁魯岳翟殷詹申欧歐耿关關兰蘭焦"
    "俞左柳甘祝包宁寧尚符舒阮柯纪紀梅童凌毕畢单單季裴霍涂成苗谷盛曲翁冉骆駱蓝藍路游辛靳管柴蒙鲍鮑"
    "华華喻祁蒲房滕屈饶饒解牟艾尤阳陽时時穆农農司卓古吉缪繆简簡车車项項连連芦蘆麦麥褚娄婁窦竇戚岑"
    "景党黨宫宮费費卜冷晏席卫衛米柏宗瞿桂全佟应應臧闵閔苟邬鄔边邊卞姬师師和仇栾欒隋商刁沙荣榮巫寇"
    "桑郎甄丛叢仲虞敖巩鞏明佘池查麻苑迟遲邝鄺官封谈談匡鞠惠荆荊乐樂冀郁胥南班储儲原栗燕楚鄢劳勞谌諶"
    "奚皮粟冼蔺藺楼樓盘盤满滿闻聞位厉厲伊仝区區郜海阚闞花权權强強帅帥屠豆朴蓬双雙"
)
# ('东方', '西门' open places and firms as often: '东方财富').
COMPOUND = (
    "欧阳|歐陽|司马|司馬|诸葛|諸葛|上官|皇甫|令狐|慕容|尉迟|尉遲|公孙|公孫|夏侯|宇文|司徒|端木"
)
_HAN_ONLY = lazy(r"[\u4e00-\u9fff]{2,16}")
# What ends a department's or a firm's name and never a person's ...
_DEPARTMENT = lazy(
    r"(?:办公室|辦公室|[办辦局处處厅廳署部]|中心|公司|集团|集團|协会|協會|学会|學會|大学|大學|中学|中學"
    r"|小学|小學|学院|學院|政府|街道|社区|社區|委员会|委員會)$"
)
# ... and what ends one as well as some given names ('王科', '张建社'): a department only when
# the text does not open with a surname or is longer than a name.
_UNIT = lazy(r"[科组組院所室队隊团團会會校馆館委]$")
# What a CMS or an editor writes where no writer is named: 'the editor', 'original', 'the web'.
_NOBODY = lazy(
    r"^(?:小编|小編|原创|原創|本站原创|互联网|互聯網|转载|轉載|综合|綜合|网友|網友|本站编辑|佚名)$"
)


def opens_with_surname(name: str) -> bool:
    """Whether a Han name opens with a common surname, with a given name after it."""
    compound = re.match(COMPOUND, name)
    return name[0] in SURNAMES or (compound is not None and len(name) > compound.end())


def department(name: str) -> bool:
    """Whether an all-Han text names a department, a firm or nobody ('办公室', '市教育局',
    '宣传科', '小编'), not a person; a medium ('新华网') is left to the publisher rules."""
    if not _HAN_ONLY.fullmatch(name):
        return False
    if _NOBODY.match(name) or _DEPARTMENT.search(name):
        return True
    personal = opens_with_surname(name) and len(name) <= 3
    return _UNIT.search(name) is not None and not personal
