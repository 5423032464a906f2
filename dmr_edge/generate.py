"""Deterministic generator of realistic upstream files for the six DMR sources.

Used by the tests and by ``dmr-edge bench`` to stand in for the real downloads
(``../shared/FORMATS.md`` describes the real shapes). Every record is derived
from ``(seed, id)`` through a 64-bit hash, never from a shared random stream,
so generation is fully deterministic, streams record by record in constant
memory, and a "changed" file can be produced without generating the base file
first::

    generate_file("radioid_users", "week1.json", scale=0.1, seed=7)
    generate_file("radioid_users", "week2.json", scale=0.1, seed=7, change=0.0033)  # a week on

With ``change=c`` the output equals the ``change=0`` output of the same seed
and scale except for about ``c`` of the records: 55 % of those are modified in
place (city, callsign, name, frequency...), 35 % are added with new ids slotted
between existing ones, 10 % are removed. The choice is a hash of the id, so it
is spread across the file, and the removed set grows monotonically with ``c``.

What the generated files carry (so the parsers meet it): radioid ids sorted and
unique inside the country prefixes radioid uses (310xxxx-329xxxx and 110xxxx
United States, 262xxxx Germany, ...), always inside 24 bits; names and cities
with accents, Cyrillic, Greek, CJK, Hangul, Thai and Hebrew, apostrophes, and a
few commas and double quotes; empty surnames and empty states; repeaters in the
old format (``trustee`` a string) and the new one (``trustee`` a list and a
``talkgroups`` list, ``lat``/``lng`` sometimes absent), with ``null`` and ``""``
coordinates, ``"None"`` map_info, ``"0.00000"`` frequencies, ``""`` offsets and
several spellings of one network; BrandMeister devices whose callsign repeats
across ids; a talkgroup *object* rather than array; base64 TGIF descriptions and
names with trailing spaces; hearham frequencies and offsets as integer Hz with
callsigns shared by many repeaters, free-form mode strings and a few
double-encoded (mojibake) cities.

Scales up to about 26 fit the 24-bit radioid id space; beyond, ``ValueError``.
Standard library only. ``python -m dmr_edge.generate SOURCE OUT`` writes one file.
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any, NamedTuple, TypeVar

__all__ = ["DEFAULT_COUNTS", "SOURCES", "generate", "generate_file", "main", "record_count"]

SOURCES: tuple[str, ...] = (
    "radioid_users",
    "radioid_repeaters",
    "brandmeister_devices",
    "brandmeister_talkgroups",
    "tgif_talkgroups",
    "hearham_repeaters",
)

DEFAULT_COUNTS: dict[str, int] = {
    "radioid_users": 295_000,
    "radioid_repeaters": 10_600,
    "brandmeister_devices": 34_000,
    "brandmeister_talkgroups": 3_000,
    "tgif_talkgroups": 2_500,
    "hearham_repeaters": 16_000,
}

# Share of the changed records that are modified / added / removed.
_MODIFIED, _ADDED, _REMOVED = 0.55, 0.35, 0.10

_T = TypeVar("_T")

# --------------------------------------------------------------------------------------------
# Hashing: splitmix64 gives every (seed, id) its own reproducible stream of choices.

_M64 = 0xFFFFFFFFFFFFFFFF


def _mix(x: int) -> int:
    """splitmix64 finaliser: a well-spread 64-bit hash of a 64-bit integer."""
    x = (x + 0x9E3779B97F4A7C15) & _M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _M64
    return x ^ (x >> 31)


def _key(seed: int, salt: int) -> int:
    return _mix(_mix(seed & _M64) ^ salt)


class _Draw:
    """Small random choices cut from a 64-bit hash, refilled by re-hashing (no random.Random)."""

    __slots__ = ("_h", "_s")

    def __init__(self, h: int) -> None:
        self._h = h
        self._s = h

    def below(self, n: int) -> int:
        h = self._h
        if h < 0x100000000:
            self._s = h = _mix(self._s)
        self._h = h // n
        return h % n

    def pick(self, seq: Sequence[_T]) -> _T:
        return seq[self.below(len(seq))]

    def per10k(self, n: int) -> bool:
        """True with probability n / 10000."""
        return self.below(10000) < n


def _weighted(pairs: Sequence[tuple[_T, int]]) -> tuple[_T, ...]:
    """Expand (value, weight) pairs into a tuple where one uniform pick is a weighted pick."""
    out: list[_T] = []
    for value, weight in pairs:
        out.extend([value] * weight)
    return tuple(out)


def _spec(text: str) -> tuple[str, ...]:
    """``"a:3|b|:2"`` -> weighted tuple of strings (weight defaults to 1; ``""`` allowed)."""
    pairs: list[tuple[str, int]] = []
    for part in text.split("|"):
        name, sep, weight = part.rpartition(":")
        if sep and weight.isdigit():
            pairs.append((name, int(weight)))
        else:
            pairs.append((part, 1))
    return _weighted(pairs)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_SUFFIX_LEN = _weighted([(1, 2), (2, 28), (3, 68), (4, 2)])


class _CallTemplate(NamedTuple):
    head: str
    digit: bool
    tail: str


def _templates(text: str) -> tuple[_CallTemplate, ...]:
    """``"K#|KA#|2E0"``: ``#`` is one random digit; a random letter suffix follows."""
    out = []
    for part in text.split("|"):
        head, sep, tail = part.partition("#")
        out.append(_CallTemplate(head, bool(sep), tail))
    return tuple(out)


def _callsign(templates: Sequence[_CallTemplate], d: _Draw) -> str:
    t = d.pick(templates)
    n = d.pick(_SUFFIX_LEN)
    if t.tail and n > 2:  # "VE#R" + "PT", not "VE3RPRT"
        n = 2
    k = d.below(26**n)
    suffix = ""
    for _ in range(n):
        k, r = divmod(k, 26)
        suffix += _LETTERS[r]
    if t.digit:
        return f"{t.head}{d.below(10)}{t.tail}{suffix}"
    return t.head + t.tail + suffix


# --------------------------------------------------------------------------------------------
# Names by language. Mostly Latin script as in the real files, with native scripts mixed in.

_LANGS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "en": (
        _words(
            "James|John|Robert|Michael|William|David|Richard|Joseph|Thomas|Charles|Christopher|"
            "Daniel|Matthew|Anthony|Mark|Donald|Steven|Paul|Andrew|Joshua|Kenneth|Kevin|Brian|"
            "George|Timothy|Ronald|Edward|Jason|Jeffrey|Ryan|Jacob|Gary|Nicholas|Eric|Jonathan|"
            "Stephen|Larry|Justin|Scott|Brandon|Benjamin|Samuel|Gregory|Alexander|Frank|Patrick|"
            "Raymond|Jack|Dennis|Jerry|Tyler|Aaron|Jose|Adam|Nathan|Henry|Douglas|Zachary|Peter|"
            "Kyle|Walter|Ethan|Jeremy|Harold|Keith|Christian|Roger|Noah|Gerald|Carl|Terry|Sean|"
            "Austin|Arthur|Lawrence|Jesse|Dylan|Bryan|Joe|Jordan|Billy|Bruce|Albert|Willie|Logan|"
            "Alan|Wayne|Roy|Ralph|Randy|Eugene|Vincent|Russell|Louis|Bobby|Philip|Johnny|Bob|Mike|"
            "Jim|Dave|Steve|Tom|Bill|Rick|Chuck|Ron|Don|Ken|Jeff|Greg|Doug|Kev|Mary|Patricia|"
            "Jennifer|Linda|Elizabeth|Susan|Karen|Nancy|Lisa|Sarah|Donna|Carol|Michelle|Amy|"
            "Seán|Zoë|Renée|D'Andre|Mary-Jo|Dalton|Geoffrey|Alasdair|Damo|Trevor|Dale|Allen|"
            "Aled|Siôn|Eoin|Niamh|Ciarán|Pádraig|Rhys|Gareth|Owain|Jean-Paul|André"
        ),
        _words(
            "Smith|Johnson|Williams|Brown|Jones|Miller|Davis|Wilson|Anderson|Taylor|Thomas|Moore|"
            "Martin|Jackson|Thompson|White|Harris|Clark|Lewis|Robinson|Walker|Young|Allen|King|"
            "Wright|Scott|Hill|Green|Adams|Baker|Nelson|Carter|Mitchell|Roberts|Turner|Phillips|"
            "Campbell|Parker|Evans|Edwards|Collins|Stewart|Morris|Murphy|Cook|Rogers|O'Brien|"
            "O'Connor|McDonald|MacLeod|D'Angelo|St. John|Nguyen|Müller|Ó Súilleabháin|Smith-Jones"
        ),
    ),
    "de": (
        _words(
            "Hans|Jürgen|Klaus|Wolfgang|Dieter|Uwe|Peter|Michael|Thomas|Andreas|Stefan|Frank|"
            "Bernd|Günter|Günther|Horst|Manfred|Werner|Helmut|Rainer|Jörg|Ralf|Holger|Matthias|"
            "Markus|Tobias|Sebastian|Florian|Jan|Lars|Sven|Dirk|Detlef|Heinz|Karl-Heinz|"
            "Hans-Jürgen|Ulrich|Gerd|Volker|Norbert|Reinhard|Harald|Bernhard|Björn|Jens|Torsten|"
            "Kai|Udo|Ingo|Olaf|Achim|Rüdiger|Sönke|Maik|Sabine|Petra|Birgit|Ludwig|Josef|Franz|"
            "Alois|Johannes|Karlo|Chris|Patrick|Hans Juergen|Juergen|Guenter"
        ),
        _words(
            "Müller|Schmidt|Schneider|Fischer|Weber|Meyer|Wagner|Becker|Schulz|Hoffmann|Schäfer|"
            "Koch|Bauer|Richter|Klein|Wolf|Schröder|Neumann|Schwarz|Zimmermann|Braun|Krüger|"
            "Hofmann|Hartmann|Lange|Schmitt|Werner|Krause|Meier|Lehmann|Köhler|Maier|Groß|Weiß|"
            "Jäger|Böhm|von Berg|Mueller"
        ),
    ),
    "it": (
        _words(
            "Giuseppe|Giovanni|Antonio|Mario|Luigi|Francesco|Angelo|Vincenzo|Pietro|Salvatore|"
            "Carlo|Franco|Domenico|Bruno|Paolo|Michele|Giorgio|Aldo|Sergio|Luciano|Roberto|"
            "Stefano|Marco|Andrea|Alessandro|Luca|Massimo|Fabio|Claudio|Maurizio|Davide|Simone|"
            "Emilio|Fernando|Nicolò|Niccolò|Gianluca|Pierluigi|Gianfranco|Gian Paolo|GIOVANNI|"
            "Iz5rkc|Raffaele|Gennaro|Ciro"
        ),
        _words(
            "Rossi|Russo|Ferrari|Esposito|Bianchi|Romano|Colombo|Ricci|Marino|Greco|Bruno|Gallo|"
            "Conti|De Luca|Costa|Giordano|Mancini|Rizzo|Lombardi|Moretti|D'Amico|D'Angelo|"
            "Dell'Orto|Lo Russo"
        ),
    ),
    "es": (
        _words(
            "José|Antonio|Manuel|Francisco|Juan|David|Javier|Jesús|Carlos|Daniel|Miguel|Rafael|"
            "Pedro|Ángel|Alejandro|Fernando|Pablo|Luis|Sergio|Jorge|Alberto|Juan Carlos|"
            "Miguel Ángel|José Luis|Andrés|Raúl|Enrique|Ramón|Vicente|Joaquín|Íñigo|Nuria|"
            "Begoña|Eugenio|FERNANDO|Pedro|JUAN|Marcekino|Mario|Rolando|Eleazar|Rodrigo|Gonzalo"
        ),
        _words(
            "García|Fernández|González|Rodríguez|López|Martínez|Sánchez|Pérez|Gómez|Martín|"
            "Jiménez|Ruiz|Hernández|Díaz|Moreno|Muñoz|Álvarez|Romero|Alonso|Gutiérrez|Navarro|"
            "Torres|Domínguez|Vázquez|Ramos|Gil|Ramírez|Serrano|Blanco|Núñez|Peña|de la Fuente"
        ),
    ),
    "pt": (
        _words(
            "João|José|Antônio|Francisco|Carlos|Paulo|Pedro|Lucas|Luiz|Marcos|Luís|Gabriel|"
            "Rafael|Daniel|Marcelo|Bruno|Eduardo|Felipe|Raimundo|Rodrigo|Sérgio|Gérson|Otávio|"
            "Adriano|Danilo|Gilvan|José Luiz|Otavio Augusto|João Paulo|Sebastião|Cláudio|Márcio|"
            "Fábio|Hitoshi|ERNESTO|Gerson|Jose Luiz Dos|Conceição"
        ),
        _words(
            "Silva|Santos|Oliveira|Souza|Rodrigues|Ferreira|Alves|Pereira|Lima|Gomes|Costa|"
            "Ribeiro|Martins|Carvalho|Almeida|Lopes|Soares|Fernandes|Vieira|Barbosa|Araújo|"
            "Magalhães|Gonçalves|da Silva|dos Santos"
        ),
    ),
    "fr": (
        _words(
            "Jean|Pierre|Michel|André|Philippe|Alain|Bernard|Jacques|Daniel|Patrick|Christian|"
            "Éric|Gérard|François|Frédéric|Stéphane|Sébastien|Thierry|Didier|Laurent|Olivier|"
            "Hervé|Jérôme|Rémi|Benoît|Loïc|Gaël|Noël|Jean-Pierre|Jean-Luc|Jean-François|"
            "Marie-Claude|Hélène|Serge|Yves|René"
        ),
        _words(
            "Martin|Bernard|Dubois|Thomas|Robert|Richard|Petit|Durand|Leroy|Moreau|Simon|Laurent|"
            "Lefèbvre|Michel|Garcia|David|Bertrand|Roux|Vincent|Fournier|Morel|Girard|André|"
            "Lefèvre|Mercier|Dupont|Lambert|Bonnet|Lévêque|D'Arcy|Le Goff"
        ),
    ),
    "nl": (
        _words(
            "Jan|Johannes|Hendrik|Pieter|Cornelis|Willem|Gerrit|Hans|Kees|Henk|Piet|Joost|Bram|"
            "Sander|Maarten|Koen|Wim|Ruud|Rob|Frank|Marcel|Erik|Bart|Dirk|Jeroen|Han|Ton|Geert|"
            "Luc|Serge|Jan-Willem|Gijs|IJsbrand|Stijn|Wouter"
        ),
        _words(
            "de Jong|Jansen|de Vries|van den Berg|van Dijk|Bakker|Janssen|Visser|Smit|Meijer|"
            "de Boer|Mulder|de Groot|Bos|Vos|Peters|Hendriks|van Leeuwen|Dekker|Brouwer|de Wit|"
            "Dijkstra|Smits|de Graaf|van der Meer|Peeters|Maes|Willems|Claes|Goossens|'t Hart"
        ),
    ),
    "pl": (
        _words(
            "Piotr|Krzysztof|Andrzej|Tomasz|Paweł|Marcin|Michał|Grzegorz|Jan|Józef|Marek|"
            "Jarosław|Jaroslaw|Adam|Zbigniew|Ryszard|Łukasz|Dariusz|Mariusz|Wojciech|Rafał|"
            "Sławomir|Artur|Przemysław|Zdzisław|Zdzislaw|Bogdan|Kazimierz|Stanisław|Jerzy"
        ),
        _words(
            "Nowak|Kowalski|Wiśniewski|Wójcik|Kowalczyk|Kamiński|Lewandowski|Zieliński|"
            "Szymański|Woźniak|Dąbrowski|Kozłowski|Jankowski|Mazur|Kwiatkowski|Krawczyk|"
            "Piotrowski|Grabowski|Nowakowski|Pawłowski|Michalski|Król|Wieczorek|Jabłoński"
        ),
    ),
    "tr": (
        _words(
            "Mehmet|Mustafa|Ahmet|Ali|Hüseyin|Hasan|İbrahim|İsmail|Osman|Yusuf|Murat|Ömer|"
            "Ramazan|Halil|Süleyman|Abdullah|Mahmut|Recep|Salih|Fatih|Kadir|Emre|Hakan|Serkan|"
            "Tolga|Tunç|Tunc|Ulaş|Tarık|Sefa|Aydın|Aydin|Alp|Osman Nuri|Mehmet Hamdi|Çağlar|"
            "Gökhan|Şükrü|Elif Çiğdem|Haluk SANCAR|Aydin Akkus"
        ),
        _words(
            "Yılmaz|Kaya|Demir|Şahin|Çelik|Yıldız|Yıldırım|Öztürk|Aydın|Özdemir|Arslan|Doğan|"
            "Kılıç|Aslan|Çetin|Kara|Koç|Kurt|Özkan|Şimşek|Akkuş|Sancar"
        ),
    ),
    "ru": (
        _words(
            "Aleksandr|Alexander|Alexey|Aleksey|Dmitry|Dmitrii|Sergey|Sergei|Andrey|Vladimir|"
            "Mikhail|Igor|Oleg|Yuri|Nikolay|Evgeny|Pavel|Viktor|Konstantin|Roman|Maxim|Ivan|"
            "Anatoly|Valery|Vitaly|Gennady|Vadim|Training|Александр|Алексей|Дмитрий|Сергей|"
            "Андрей|Владимир|Михаил|Игорь|Олег|Юрий|Николай|Евгений|Павел|Виктор"
        ),
        _words(
            "Ivanov|Smirnov|Kuznetsov|Popov|Vasiliev|Petrov|Sokolov|Mikhailov|Новиков|Фёдоров|"
            "Морозов|Волков|Алексеев|Лебедев|Семёнов"
        ),
    ),
    "uk": (
        _words(
            "Oleksandr|Olexiy|Volodymyr|Andriy|Serhiy|Mykola|Vasyl|Yuriy|Taras|Bohdan|Ihor|"
            "Олександр|Володимир|Андрій|Сергій|Тарас|Богдан|Юрій"
        ),
        _words("Shevchenko|Bondarenko|Kovalenko|Boyko|Tkachenko|Kravchenko|Шевченко|Коваленко"),
    ),
    "bg": (
        _words("Ivan|Georgi|Dimitar|Nikolay|Petar|Hristo|Stoyan|Todor|Иван|Георги|Димитър|Петър"),
        _words("Ivanov|Georgiev|Dimitrov|Petrov|Nikolov|Иванов|Георгиев|Димитров"),
    ),
    "zh": (
        _words(
            "Wei|Jun|Yong|Jie|Tao|Ming|Chao|Qiang|Lei|Bin|Hui|Gang|Ping|Hua|Jian|Feng|Bo|Yang|"
            "Dongsheng|Zijin|Yuqi|Zheng Lei|Lu Chao Ya|Jiang|Xin|Hao|Yu|Liang|Zhiwei|Xiaoming|"
            "Vydong|王伟|李娜|张伟|刘洋|陈杰|杨帆|赵磊|黄强|周敏|吴军|徐涛|孙浩|马超|朱明|郭方军|"
            "林志强|意铖| Xu "
        ),
        _words(
            "Wang|Li|Zhang|Liu|Chen|Yang|Huang|Zhao|Wu|Zhou|Xu|Sun|Ma|Zhu|Hu|Guo|He|Lin|Luo|Gao"
        ),
    ),
    "tw": (
        _words("Ho-Ying|Chih-Ming|Wen-Hsiung|Chia-Hao|Yu-Ting|Kuo-Hua|志明|家豪|俊傑|建宏"),
        _words("Chen|Lin|Huang|Chang|Lee|Wang|Wu|Liu|Tsai|Yang|陳|林|黃"),
    ),
    "hk": (
        _words("Ka Ming|Wai Kit|Chi Keung|Siu Wah|Kwok Wai|Man Kit|家明|偉傑"),
        _words("Chan|Wong|Cheung|Lau|Leung|Lee|Ho|Ng|陳|黃"),
    ),
    "ja": (
        _words(
            "Hiroshi|Takashi|Satoshi|Kazuo|Yoshio|Masashi|Toshihiko|Akira|Makoto|Kenji|Hideo|"
            "Shigeru|Tadashi|Yuki|Takeshi|Koji|Osamu|Noboru|Minoru|Ichiro|Katsumi|Tetsuya|"
            "Yasuhiro|Nobuo|HONDA|Katto-Ke|Monary|浩|博|健一|隆|誠|明|正|茂|清|勝|裕之|和夫|さとし|"
            "ひろし|タカシ"
        ),
        _words(
            "Sato|Suzuki|Takahashi|Tanaka|Watanabe|Ito|Yamamoto|Nakamura|Kobayashi|Kato|Yoshida|"
            "Yamada|Sasaki|佐藤|鈴木|高橋|田中"
        ),
    ),
    "ko": (
        _words(
            "In Soo|Kwi Hyun|Jihan|Jeungho|Sun|Chayeop|Min-jun|Seo-jun|Dong Hyun|Sung Ho|"
            "Young Jin|Jae Won|Kyung-soo|Sang-woo|민준|서준|지훈|영호|성민"
        ),
        _words("Kim|Lee|Park|Choi|Jung|Kang|Cho|Yoon|Jang|Lim|김|이|박"),
    ),
    "el": (
        _words(
            "Georgios|Dimitrios|Konstantinos|Ioannis|Nikolaos|Christos|Panagiotis|Vasileios|"
            "Athanasios|Evangelos|Sotiris|Vanggelis|Simos|Tolios|Stavros|Spyros|Kostas|Giannis|"
            "Γιώργος|Δημήτρης|Κωνσταντίνος|Γιάννης|Νίκος|Χρήστος|Παναγιώτης"
        ),
        _words(
            "Papadopoulos|Papadakis|Georgiou|Oikonomou|Nikolaidis|Παπαδόπουλος|Γεωργίου|Οικονόμου"
        ),
    ),
    "nordic": (
        _words(
            "Lars|Anders|Johan|Per|Erik|Nils|Karl|Lennart|Björn|Göran|Mats|Jan|Åke|Sven|Tobias|"
            "Magnus|Ole|Jens|Søren|Henrik|Niels|Poul|Bjørn|Øyvind|Knut|Arne|Terje|Jørgen|Han|"
            "Jón|Sigurður|Ragnar|Pål"
        ),
        _words(
            "Andersson|Johansson|Karlsson|Nilsson|Eriksson|Larsson|Olsen|Hansen|Jensen|Nielsen|"
            "Pedersen|Johansen|Sørensen|Østergaard|Ågren|Jónsson|Bækkelund"
        ),
    ),
    "fi": (
        _words("Juha|Jari|Mika|Timo|Matti|Pekka|Kari|Jukka|Esa|Heikki|Antti|Jyrki|Väinö|Sakari"),
        _words("Virtanen|Korhonen|Mäkinen|Nieminen|Hämäläinen|Laine|Heikkinen|Koskinen|Järvinen"),
    ),
    "slav": (
        _words(
            "Jiří|Jan|Petr|Josef|Pavel|Martin|Tomáš|Jaroslav|Miroslav|Zdeněk|Václav|Milan|Vojta|"
            "Marko|Ivan|Luka|Matej|Goran|Dragan|Zoran|Nenad|Dejan|Branko|Željko|Miloš|Đorđe|"
            "Janez|Andrej|Boštjan|Primož|Tomaž|Čedomir|Драган|Милош|Зоран|Ľubomír|Ján"
        ),
        _words(
            "Novák|Svoboda|Novotný|Dvořák|Černý|Horvat|Kovačević|Babić|Marić|Jovanović|"
            "Petrović|Nikolić|Kranjc|Zupančič|Krajnc|Јовановић|Horváth|Kováč"
        ),
    ),
    "hu": (
        _words(
            "László|István|József|János|Zoltán|Sándor|Gábor|Ferenc|Attila|Péter|Tamás|Zsolt|"
            "Tibor|Csaba|Árpád|Gyula|Lajos"
        ),
        _words("Nagy|Kovács|Tóth|Szabó|Horváth|Varga|Kiss|Molnár|Németh|Farkas"),
    ),
    "ro": (
        _words(
            "Ion|Gheorghe|Vasile|Constantin|Alexandru|Mihai|Florin|Adrian|Cristian|Dan|Ștefan|"
            "Răzvan|Sorin|Ovidiu|Bogdan|Radu|Cătălin"
        ),
        _words("Popescu|Ionescu|Popa|Pop|Radu|Dumitru|Stoica|Stan|Munteanu|Constantin|Țîrlea"),
    ),
    "th": (
        _words(
            "Somchai|Somsak|Anan|Prasert|Surachai|Wichai|Chaiwat|Kittisak|Nattapong|Sompong|"
            "Thanawat|สมชาย|สมศักดิ์|ประเสริฐ"
        ),
        _words("Saetang|Srisuk|Wongsa|Chaiyaporn|Rattanakul|แซ่ตั้ง"),
    ),
    "id": (
        _words(
            "Agus|Budi|Bambang|Hendra|Joko|Eko|Dedi|Andi|Rudi|Yudi|Ahmad|Muhammad|Mohd|"
            "Mohd Faizal|Ismail|Rahman|Hafiz|Azman|Hasan|Wan|Siti"
        ),
        _words("Santoso|Wijaya|Saputra|Hidayat|Setiawan|bin Abdullah|bin Ismail|Tan|Lim"),
    ),
    "hi": (
        _words(
            "Rajesh|Suresh|Ramesh|Sanjay|Vijay|Anil|Sunil|Ashok|Prakash|Venkatesh|Srinivas|Arun|"
            "Kiran|Manoj|Deepak|Krishna|Ramesh Kumar|राजेश"
        ),
        _words("Kumar|Sharma|Singh|Nair|Reddy|Iyer|Patel|Rao|Menon|Das"),
    ),
    "he": (
        _words("Moshe|David|Yosef|Avi|Eli|Yaakov|Itzik|Amir|Doron|Uri|משה|דוד|יוסי"),
        _words("Cohen|Levi|Mizrahi|Peretz|Biton|Ben-David|Friedman|כהן|לוי"),
    ),
    "ar": (
        _words("Mohammed|Ahmed|Khalid|Omar|Ali|Hassan|Youssef|Abdulla|Saeed|Salem|محمد|أحمد|خالد"),
        _words("Al-Harthy|Al Balushi|Al-Mansoori|El Amrani|Benali|Haddad|Al-Farsi|الحارثي"),
    ),
    "ph": (
        _words(
            "Jose|Reynaldo|Rodel|Jun|Ramil|Arnel|Romeo|Rolando|Edgardo|Danilo|Mark|John Paul|"
            "Ma. Cristina|Nestor|Efren|Jun-Jun"
        ),
        _words("Santos|Reyes|Cruz|Bautista|Ocampo|Garcia|Mendoza|Dela Cruz|Villanueva"),
    ),
}


# --------------------------------------------------------------------------------------------
# Countries: radioid name, real record counts (users, repeaters), MCC-style id prefixes,
# name language, callsign templates (users; repeaters), states, cities, bounding box, band plan.


class _Country:
    __slots__ = (
        "alt",
        "box",
        "calls",
        "cities",
        "given",
        "name",
        "native",
        "plan",
        "prefixes",
        "rcalls",
        "rptrs",
        "states",
        "surnames",
        "users",
    )

    def __init__(
        self,
        name: str,
        users: int,
        rptrs: int,
        prefixes: str,
        lang: str,
        calls: str,
        rcalls: str,
        states: str,
        cities: str,
        box: tuple[float, float, float, float],
        plan: str,
        native: str = "",
        alt: str = "",
    ) -> None:
        self.name = name
        self.users = users
        self.rptrs = rptrs
        pre: list[int] = []
        for part in prefixes.split(","):
            lo, _, hi = part.partition("-")
            pre.extend(range(int(lo), int(hi or lo) + 1))
        self.prefixes = tuple(pre)
        self.given, self.surnames = _LANGS[lang]
        self.calls = _templates(calls)
        self.rcalls = _templates(rcalls) if rcalls else self.calls
        self.states = _spec(states)
        self.cities = _words(cities)
        self.box = box
        self.plan = plan
        self.native = native or name
        self.alt = alt


_C = _Country
_US_STATES = (
    "California:126|Texas:89|Florida:87|Ohio:55|North Carolina:53|New York:50|Washington:45|"
    "Pennsylvania:43|Colorado:42|Michigan:40|Tennessee:37|Illinois:37|Virginia:37|Georgia:35|"
    "Arizona:33|Indiana:27|Oregon:26|Missouri:25|Alabama:22|South Carolina:22|Kentucky:20|"
    "Wisconsin:20|Minnesota:19|Oklahoma:19|Utah:18|Maryland:18|New Jersey:18|Massachusetts:17|"
    "Louisiana:14|Idaho:12|Iowa:12|Kansas:12|Arkansas:11|Connecticut:11|Nevada:11|New Mexico:10|"
    "Mississippi:9|West Virginia:9|New Hampshire:8|Nebraska:7|Maine:7|Montana:6|Alaska:5|"
    "Hawaii:5|Delaware:3|Rhode Island:3|South Dakota:3|North Dakota:3|Vermont:3|Wyoming:3|"
    "District of Columbia:1|:1"
)
_US_CITIES = (
    "Springfield|Portland|Columbus|Austin|Denver|Phoenix|Seattle|Atlanta|Houston|Dallas|"
    "San Antonio|San Diego|Los Angeles|Sacramento|Fresno|Bakersfield|Tucson|Albuquerque|El Paso|"
    "Oklahoma City|Tulsa|Wichita|Omaha|Kansas City|St. Louis|Chicago|Indianapolis|Detroit|"
    "Grand Rapids|Cleveland|Cincinnati|Pittsburgh|Philadelphia|New York|Brooklyn|Buffalo|"
    "Rochester|Boston|Hartford|Providence|Baltimore|Richmond|Virginia Beach|Raleigh|Charlotte|"
    "Greenville|Jacksonville|Tampa|Orlando|Miami|Fort Myers|Sarasota|Nashville|Memphis|"
    "Knoxville|Louisville|Lexington|Birmingham|Huntsville|Mobile|New Orleans|Baton Rouge|"
    "Little Rock|Des Moines|Minneapolis|Milwaukee|Madison|Boise|Salt Lake City|Las Vegas|Reno|"
    "Anchorage|Honolulu|Coeur d'Alene|O'Fallon|Port St. Lucie|Española|Cañon City|"
    "La Cañada Flintridge|Winston-Salem|Wilkes-Barre|Lake Havasu City|Bonny Doon|Walnut Creek|"
    "Carlsbad|Thousand Oaks|Wrightwood|Moore|Claremore|Paducah|Tyler|Albany|Aurora|Auburn|"
    "Seymour|Staten Island|La Mesa|Lehi|Tuscaloosa|Whitehall|Homer|Northbrook|Des Plaines|"
    "Boulder City|Wilsonville|Hawaiʻi Kai|Kāneʻohe"
)

# fmt: off
_COUNTRIES: tuple[_Country, ...] = (
    _C(
        "United States", 126672, 4681, "310-329,110-115", "en",
        "K#|W#|N#|KA#|KB#|KC#|KD#|KE#|KF#|KG#|KI#|KJ#|KK#|KN#|KO#|KQ#|KM#|WA#|WB#|WD#|WX#|"
        "AA#|AB#|AC#|AD#|AE#|AF#|AG#|AI#|AJ#|AK#|NA#|NF#|NJ#",
        "", _US_STATES, _US_CITIES, (25.0, 49.0, -124.0, -67.0), "na", "USA",
    ),
    _C(
        "United Kingdom", 18142, 400, "234-237", "en",
        "G#|M#|2E0|2E1|M0|M6|M7|GW#|GM#|MW#|MM#|GI#|2W0|2M0",
        "GB3|GB7",
        ":103|England:62|Scotland:8|Wales:5|Northern Ireland:2|Isle of Man|Channel Isles",
        "London|Manchester|Birmingham|Leeds|Glasgow|Edinburgh|Cardiff|Belfast|Bristol|Liverpool|"
        "Sheffield|Newcastle upon Tyne|Nottingham|Leicester|Chelmsford|Rochdale|Kettering|Exeter|"
        "Bolton|Selkirk|Marlborough  Wiltshire|Llanfairpwllgwyngyll|Ynys Môn|Stoke-on-Trent|"
        "Milton Keynes|Bury St Edmunds|Kidderminster|Romford|King's Lynn|Bishop's Stortford",
        (50.0, 58.5, -6.0, 1.7), "uk", "United Kingdom",
    ),
    _C(
        "Germany", 17038, 733, "262-265", "de",
        "DL#|DK#|DJ#|DG#|DF#|DH#|DB#|DC#|DD#|DM#|DO#|DN#|DA#",
        "DB0|DM0|DO0",
        ":105|Nordrhein-Westfalen:14|Bayern:13|Niedersachsen / Bremen:9|Baden-Wuerttemberg:8|"
        "Hessen:5|Hamburg / Schleswig-Holstein:5|Rheinland-Pfalz / Saarland:4|"
        "Berlin / Brandenburg:3|Sachsen / Thueringen:3|Sachsen-Anhalt / Mecklenburg-Vorpommen:2",
        "Berlin|Hamburg|München|Köln|Frankfurt am Main|Stuttgart|Düsseldorf|Dortmund|Essen|"
        "Leipzig|Bremen|Dresden|Hannover|Nürnberg|Duisburg|Bochum|Wuppertal|Bielefeld|Bonn|"
        "Münster|Mönchengladbach|Osnabrück|Göttingen|Würzburg|Lüneburg|Wipperfürth|Paderborn|"
        "Witten|Ribbesbüttel|Rheinfelden|Storkow|Waldbroel|Baden-Baden|Fürth|Saarbrücken|"
        "Garmisch-Partenkirchen|Halle (Saale)|Frankfurt (Oder)",
        (47.3, 55.0, 6.0, 15.0), "eu", "Deutschland",
    ),
    _C(
        "China", 14512, 122, "460-462", "zh",
        "BA#|BD#|BG#|BH#|BI#|BY#", "BR#|BA#",
        "Shanghai Shandong Jiangsu:29|Beijing:19|Hunan Guangdong Guangxi Hainan:17|"
        "Heilongjiang Jilin Liaoning:15|Henan Hubei Anhui:13|:12|Shanxi Hebei Tianjin:10|"
        "Guizhou Sichuan :10|Zhejiang Fujian Jiangxi:8|Shaanxi Ningxia Gansu Qinghai :5|"
        "Xinjiang:3|Inner Mongolia :2|Hong Kong",
        "Beijing|Shanghai|Guangzhou|Shenzhen|Chengdu|Wuhan|Hangzhou|Nanjing|Xi'an|Chongqing|"
        "Tianjin|Shenyang|Lanzhou|Changzhou|CHANGZHOU|北京|上海|广州|深圳|成都|杭州|辽宁 盘锦|中国|"
        "BEIJING|henan  xinxiang|None",
        (22.0, 45.0, 100.0, 125.0), "cn", "中国",
    ),
    _C(
        "Italy", 12267, 548, "222-224", "it",
        "I#|IK#|IW#|IU#|IZ#|IN3|IV3|IS0|IT9|IQ#", "IR#|IQ#",
        ":74|Lombardy:8|Veneto / Trentino-AA / Friuli-VG:8|Lazio / Umbria / Sardinia:6|"
        "Piedmont / Liguria / Aosta:6|Sicily:5|Molise / Campania / Calabria:4|Emilia-Romagna:4|"
        "Tuscany:3|Apulia / Basilicata:3|Marche / Abruzzo:2",
        "Roma|Milano|Napoli|Torino|Palermo|Genova|Bologna|Firenze|Bari|Catania|Venezia|Verona|"
        "Messina|Padova|Trieste|Brescia|Prato|Taranto|Reggio Calabria|Modena|L'Aquila|Forlì|"
        "Cantù|Sant'Angelo Lodigiano|Revigliasco dAsti|Massa e Cozzile|Maratea|alcamo|Baronissi",
        (37.0, 46.5, 7.0, 18.0), "eu", "Italia",
    ),
    _C(
        "Spain", 9776, 163, "214-215", "es",
        "EA#|EB#|EC#|ED#|EE#", "ED#|EA#",
        ":57|Madrid:6|Barcelona:5|Valencia:2|Alicante:2|Asturias:2|Murcia:2|Sevilla|Zaragoza|"
        "Cadiz|Malaga|Vizcaya|Santa Cruz de Tenerife|A Coruna",
        "Madrid|Barcelona|Valencia|Sevilla|Zaragoza|Málaga|Murcia|Palma|"
        "Las Palmas de Gran Canaria|Bilbao|Alicante|Córdoba|Valladolid|Vigo|Gijón|"
        "L'Hospitalet de Llobregat|A Coruña|Cádiz|Jaén|Logroño|Gójar|Cieza|Novelda|Ujo Mieres|"
        "Ribera Del Fresno  Badajoz|None",
        (36.0, 43.7, -9.0, 3.3), "eu", "España",
    ),
    _C(
        "Turkiye", 7407, 60, "286-287", "tr",
        "TA#|TB#|TC#|YM#", "",
        ":30|Marmara Region:19|Aegean Region:8|Central Anatolia Region:7|Black Sea Region:4|"
        "Mediterranean Region:4|Eastern Anatolia Region:2|Southeastern Anatolia Region",
        "İstanbul|Istanbul|Ankara|İzmir|Bursa|Antalya|Adana|Konya|Gaziantep|Mersin|Kayseri|"
        "KAYSERİ|Eskişehir|Samsun|Kocaeli\u0307|Tekirdağ|Bolu|Muğla|Çanakkale|"
        "Muratpasa Antalya Turkiye",
        (36.0, 42.0, 26.0, 44.0), "eu", "Türkiye", "Türkiye",
    ),
    _C(
        "Canada", 7123, 418, "302,102", "en",
        "VE#|VA#|VY#|VO#", "VE#R|VA#R|VE#",
        "Ontario:27|Quebec:18|British Columbia:12|Alberta:6|Nova Scotia:2|Manitoba:2|"
        "New Brunswick:2|Newfoundland|Saskatchewan|Yukon|Prince Edward Island",
        "Toronto|Montréal|Québec|Ottawa|Vancouver|Calgary|Edmonton|Winnipeg|Halifax|Gatineau|"
        "Trois-Rivières|Saint-Jérôme|Lévis|Sherbrooke|Kitchener|Hamilton|London|Victoria|Regina|"
        "Saskatoon|St. John's|Moncton|Niagara Falls|Cornwall|Nepean|Scarborough|Val-d'Or|"
        "Rivière-du-Loup|Glace Bay|Vanier",
        (42.0, 55.0, -123.0, -60.0), "na", "Canada",
    ),
    _C(
        "Brazil", 6618, 286, "724-725", "pt",
        "PY#|PU#|PP#|PT#|PR#|PS#|PV#", "PY#|PR#",
        "Sao Paulo:25|Minas Gerais:7|Rio de Janeiro:6|Parana:5|Santa Catarina:4|"
        "Rio Grande do Sul:3|Pernambuco:2|Ceara:2|Bahia:2|:1|Paraiba|Distrito Federal",
        "São Paulo|SÃO PAULO|Rio de Janeiro|Rio De Janeiro|Brasília|Salvador|Fortaleza|"
        "Belo Horizonte|Manaus|Curitiba|Recife|Porto Alegre|Belém|Goiânia|Campinas|"
        "Florianópolis|Criciúma|Itapetininga|Caldas Novas|Presidente Prudente|Nova Friburgo RJ|"
        "Bagé RS |SOROCABA - SAO PAULO -|Maringá|Uberlândia|Ribeirão Preto",
        (-33.0, -3.0, -57.0, -35.0), "la", "Brasil",
    ),
    _C(
        "Poland", 4965, 223, "260-261", "pl",
        "SP#|SQ#|SO#|SN#|SR#|3Z#", "SR#",
        ":13|mazowieckie:7|śląskie:4|małopolskie:4|dolnośląskie:3|łódzkie:3|wielkopolskie:3|"
        "pomorskie:2|zachodniopomorskie:2|kujawsko-pomorskie|podkarpackie|warmińsko-mazurskie",
        "Warszawa|Kraków|Krakow|Łódź|Wrocław|Poznań|Gdańsk|Szczecin|Bydgoszcz|Lublin|Białystok|"
        "Katowice|Gdynia|Częstochowa|Czestochowa|Radom|Żywiec|Zurawniki|Makow Mazowiecki|Toruń|"
        "Rzeszów|Bielsko-Biała",
        (49.0, 54.8, 14.1, 24.0), "eu", "Polska",
    ),
    _C(
        "Australia", 4651, 182, "505-506", "en",
        "VK#", "VK#R",
        "New South Wales:14|Victoria:11|Queensland:9|Western Australia:3|South Australia:3|"
        "Tasmania:2|Australian Capital Territory:2|:1|Northern Territory",
        "Sydney|Melbourne|Brisbane|Perth|Adelaide|Adelaide |Gold Coast|Canberra|Newcastle|"
        "Wollongong|Hobart|Geelong|Townsville|Cairns|Darwin|Toowoomba|Ballarat|Bendigo|Croydon|"
        "Mernda|Taree|Woombye  Q Australia|WYEE",
        (-38.5, -12.5, 115.0, 153.0), "ap", "Australia",
    ),
    _C(
        "Chile", 3335, 60, "730", "es",
        "CA#|CB#|CD#|CE#|XQ#", "CE#",
        "Reg.Metr. de Santiago:9|Valparaiso:5|Bio Bio:3|Coquimbo:2|Antofagasta:2|:2|Maule:2|"
        "La Araucania:2|Los Lagos|Atacama|Tarapac|O'Higgins|Reg.Metr. De Santiago|Magallanes",
        "Santiago|Valparaíso|Viña Del Mar|Viña del Mar|Concepción|La Serena|Antofagasta|Temuco|"
        "Rancagua|Talca|Arica|Iquique|Puerto Montt|Coyhaique|Punta Arenas|Chillán",
        (-45.0, -18.0, -73.0, -69.0), "la", "Chile",
    ),
    _C(
        "France", 3333, 251, "208-209", "fr",
        "F#|F1|F4|F5|F6|F8", "F1Z|F5Z|F8Z",
        ":20|Auvergne-Rhone-Alpes:2|Nouvelle-Aquitaine:2|Ile-de-France|"
        "Provence-Alpes-Cote d Azur|Occitanie|Hauts-de-France|Grand Est|Centre-Val de Loire|"
        "Normandie|Pays de la Loire|Bretagne",
        "Paris|Marseille|Lyon|Toulouse|Nice|Nantes|Strasbourg|Montpellier|Bordeaux|Lille|Rennes|"
        "Reims|Le Havre|Saint-Étienne|Toulon|Grenoble|Dijon|Angers|Nîmes|Besançon|Orléans|Évry|"
        "Clermont-Ferrand|Aix-en-Provence|MARCAY|Châteauroux|Béziers|L'Isle-d'Abeau",
        (42.5, 51.0, -4.5, 7.5), "eu", "France",
    ),
    _C(
        "Netherlands", 3260, 120, "204-205", "nl",
        "PA#|PD#|PE#|PH#|PB#", "PI2|PI3|PI4",
        ":21|Zuid-Holland:2|Noord-Holland:2|Noord-Brabant:2|Gelderland|Utrecht|Overijssel|"
        "Limburg|Groningen|Flevoland|Friesland|Drenthe|Zeeland",
        "Amsterdam|Rotterdam|Den Haag|The Hague|Utrecht|Eindhoven|Groningen|Tilburg|Almere|Breda|"
        "Nijmegen|Apeldoorn|Haarlem|Arnhem|Enschede|'s-Hertogenbosch|Zwolle|Leeuwarden|"
        "Maastricht|Ouddorp|Den Helder",
        (51.3, 53.4, 3.6, 7.1), "eu", "Nederland",
    ),
    _C(
        "Russia", 2968, 153, "250-251", "ru",
        "R#|RA#|RV#|RW#|RX#|RZ#|UA#|UB#|UD#|RK#|RN#", "RR#|R#",
        "All Regions:62|:38",
        "Moscow|Москва|Saint Petersburg|Санкт-Петербург|Novosibirsk|Новосибирск|Yekaterinburg|"
        "Екатеринбург|Kazan|Казань|Nizhny Novgorod|Chelyabinsk|Samara|Omsk|Rostov-on-Don|Ufa|"
        "Krasnoyarsk|Красноярск|Voronezh|Perm|Volgograd|Wladiwostok|Ivanovo|"
        "Kamensk Shakhtinsky  Ro|None",
        (44.0, 60.0, 30.0, 90.0), "eu", "Россия",
    ),
    _C(
        "Japan", 2839, 40, "440-441", "ja",
        "JA#|JE#|JF#|JG#|JH#|JI#|JJ#|JK#|JL#|JM#|JN#|JO#|JP#|JQ#|JR#|7K#|7L#|7M#|7N#", "JP#Y",
        "Kanto:38|Kinki:15|Tokai:10|Kyushu:8|Chugoku:8|Tohoku:5|Shikoku:4|Hokkaido:4|Shinetsu:3|"
        "Hokuriku:3|:2",
        "Tokyo|東京|Osaka|大阪市|Yokohama|横浜市|Nagoya|Sapporo|札幌市|Fukuoka|Kobe|Kyoto|京都市|"
        "Kawasaki|Saitama|さいたま市桜区|Hiroshima|Sendai|仙台市|Matsue-City Shimane|"
        "Kamiinagun Naganoke|Chiba|Kitakyushu|Hamamatsu",
        (31.0, 43.0, 130.0, 145.0), "jp", "日本",
    ),
    _C(
        "Austria", 2564, 110, "232-233", "de",
        "OE#", "OE#X",
        ":60|Niederoesterreich:9|Wien:6|Tirol:6|Steiermark:5|Oberoesterreich:5|Kaernten:4|"
        "Vorarlberg:3|Salzburg:2|Burgenland",
        "Wien|Graz|Linz|Salzburg|Innsbruck|Klagenfurt|Villach|Wels|Sankt Pölten|St. Pölten|"
        "Dornbirn|Wiener Neustadt|Steyr|Feldkirch|Bregenz|Leoben|Kötschach-Mauthen|Baden|Mödling|"
        "Gänserndorf",
        (46.4, 48.9, 9.6, 17.0), "eu", "Österreich",
    ),
    _C(
        "Sweden", 2476, 156, "240-241", "nordic",
        "SM#|SA#|SK#|SG#|SE#", "SK#|SM#",
        ":54|Stockholm:20|Skane:5|Vastra Gotaland:5|Ostergotland|Uppsala|Dalarna|Gavleborg|"
        "Sodermanland|Halland|Jonkoping|Norrbotten",
        "Stockholm|Göteborg|Malmö|Uppsala|Västerås|Örebro|Linköping|Helsingborg|Jönköping|"
        "Norrköping|Lund|Umeå|Gävle|Borås|Södertälje|Eskilstuna|Täby|Haninge|Luleå|Växjö",
        (55.4, 67.0, 11.5, 23.0), "eu", "Sverige",
    ),
    _C(
        "Korea Republic of", 2374, 50, "450-451", "ko",
        "DS#|HL#|6K#|6L#|DT#", "HL#|DS#",
        "Seoul:19|KyungKi-Do:12|:10|Gyeonggi Province:7|BuSan Si:7|Jeonlla Nam Do:6|"
        "KyungSang Nam-Do:6|KyungSang Buk-Do:5|DaeKu Si:4|InChon Si:3",
        "Seoul|서울|Busan|부산|Incheon|인천|Daegu|Daejeon|Gwangju|Suwon|Ulsan|Changwon|Seongnam|"
        "Goyang|Yongin|Bucheon|Nandong|ulan|None",
        (34.5, 38.3, 126.2, 129.5), "ap", "대한민국",
    ),
    _C(
        "Greece", 2283, 60, "202-203", "el",
        "SV#|SW#|SZ#|SY#", "SZ#R|SV#",
        ":58|Attiki / Sterea Ellada / Dytiki Ellada:16|Dytiki Makedonia / Kentriki Makedonia:8|"
        "Thessalia:5|Peloponnisos:4|Kriti:3|Anatoliki Makedonia kai Thraki:2|Ipeiros",
        "Αθήνα|Athens|Θεσσαλονίκη|Thessaloniki|Patra|Πάτρα|Heraklion|Ηράκλειο|Larissa|Volos|"
        "Ioannina|Almiros|Petroupolis|Karditsa|Dafni attica|Chania|Kalamata|Rhodes",
        (35.0, 41.5, 20.0, 28.0), "eu", "Ελλάδα",
    ),
    _C(
        "Philippines", 2064, 60, "515-516", "ph",
        "DU#|DV#|DW#|DX#|DY#|DZ#|4F#|4I#", "",
        "National Capital Region:27|Central Luzon:13|Calabarzon:12|Zamboanga Peninsula:7|"
        "Central Visayas:6|Ilocos Region:5|Davao Region:5|:3|Bicol Region:3|Western Visayas:3",
        "Manila|Quezon City|Davao City|Caloocan|Cebu City|Zamboanga City|Taguig|Antipolo|Pasig|"
        "Cagayan de Oro|Las Piñas|Parañaque|Makati|Bacolod|Iloilo City|Pampanga|Baguio",
        (6.0, 18.5, 120.0, 126.0), "ap", "Pilipinas",
    ),
    _C(
        "Switzerland", 2051, 139, "228-229", "de",
        "HB9|HB3|HE#", "HB9",
        ":66|Zurich:5|Bern:4|Aargau:3|Ticino:3|Vaud:2|Lucerne:2|St. Gallen:2|Geneva:2|Solothurn",
        "Zürich|Genève|Basel|Lausanne|Bern|Winterthur|Luzern|St. Gallen|Lugano|Biel/Bienne|Thun|"
        "Köniz|La Chaux-de-Fonds|Fribourg|Schaffhausen|Chur|Neuchâtel|Sion|Zug",
        (45.9, 47.7, 6.0, 10.4), "eu", "Schweiz",
    ),
    _C(
        "Thailand", 2033, 30, "520-521", "th",
        "HS#|E2#|E20|E21|E22", "",
        "Bangkok:31|Rayong:5|Nonthaburi:5|Chon Buri:4|Pathum Thani:3|:3|Phuket:3|"
        "Nakhon Ratchasima:2|Chiang Mai:2",
        "Bangkok|กรุงเทพมหานคร|Nonthaburi|Pak Kret|Hat Yai|Chiang Mai|เชียงใหม่|"
        "Nakhon Ratchasima|Udon Thani|Pattaya|Khon Kaen|Phuket|Rayong|Chon Buri",
        (6.0, 20.0, 98.0, 105.0), "ap", "ประเทศไทย",
    ),
    _C(
        "Argentina Republic", 2006, 60, "722-723", "es",
        "LU#|LW#|LT#|AY#|AZ#", "LU#",
        "Buenos Aires:47|Ciudad de Buenos Aires:9|Santa Fe:8|:7|Cordoba:7|Caba:3|Mendoza:3|"
        "Entre Rios:3|Rio Negro:2",
        "Buenos Aires|Córdoba|Rosario|Mendoza|La Plata|San Miguel de Tucumán|Mar del Plata|Salta|"
        "Santa Fe|San Juan|Resistencia|Neuquén|Posadas|Bahía Blanca|Paraná|CABA",
        (-50.0, -22.0, -70.0, -56.0), "la", "Argentina",
    ),
    _C(
        "Belgium", 1900, 90, "206-207", "nl",
        "ON#|OO#|OR#|OT#", "ON0",
        ":68|Oost-Vlaanderen:7|Antwerp:5|West-Vlaanderen:4|Hainaut:3|Vlaams Brabant:3|"
        "Limburg:3|Liege:2|Namur:2|Wal. Brabant|Luxemburg|Brussels",
        "Brussel|Bruxelles|Antwerpen|Gent|Charleroi|Liège|Brugge|Namur|Leuven|Mons|Aalst|"
        "Mechelen|La Louvière|Kortrijk|Hasselt|Oostende|Waregem|Beauvechain|Sint-Niklaas",
        (49.6, 51.4, 2.6, 6.3), "eu", "België",
    ),
    _C(
        "Indonesia", 1725, 40, "510-511", "id",
        "YB#|YC#|YD#|YG#|YH#", "",
        "Jawa Barat:19|Jawa Tengah:19|DKI Jakarta:14|Jawa Timur:11|Banten:4|Sumatera Utara:4|"
        "DI Yogyakarta:3|Sulawesi Utara:3|Riau:3|Bali:2|:2",
        "Jakarta|Surabaya|Bandung|Medan|Bekasi|Semarang|Tangerang|Depok|Palembang|Makassar|"
        "Yogyakarta|Malang|Denpasar|Bogor|Manado",
        (-8.5, 3.5, 95.0, 125.0), "ap", "Indonesia",
    ),
    _C(
        "Denmark", 1723, 70, "238-239", "nordic",
        "OZ#|OU#|5Q#|5P#", "OZ#R",
        ":79|Hovedstaden:6|Sjaelland:5|Syddanmark:4|Midtjylland:4|Nordjylland:2",
        "København|Copenhagen|Aarhus|Odense|Aalborg|Esbjerg|Randers|Kolding|Horsens|Vejle|"
        "Roskilde|Herning|Hørsholm|Helsingør|Næstved|Silkeborg|Frederiksberg",
        (54.6, 57.7, 8.1, 12.6), "eu", "Danmark",
    ),
    _C(
        "Portugal", 1535, 60, "268-269", "pt",
        "CT#|CS#|CR#|CQ#", "CQ0|CT#",
        ":37|Regiao de Lisboa:22|Regiao Norte:15|Regiao Centro:13|Regiao de Algarve:5|Azores:3|"
        "Regiao de Alentejo:3|Madeira",
        "Lisboa|Porto|Vila Nova de Gaia|Amadora|Braga|Funchal|Coimbra|Setúbal|Almada|"
        "Agualva-Cacém|Queluz|Évora|Aveiro|Faro|Guimarães|Ponta Delgada|Viseu",
        (37.0, 42.0, -9.4, -6.3), "eu", "Portugal",
    ),
    _C(
        "Finland", 1519, 60, "244-245", "fi",
        "OH#|OG#|OF#|OI#", "OH#R",
        ":78|All Regions:22",
        "Helsinki|Espoo|Tampere|Vantaa|Oulu|Turku|Jyväskylä|Lahti|Kuopio|Pori|Kouvola|Joensuu|"
        "Lappeenranta|Hämeenlinna|Vaasa|Seinäjoki|Rovaniemi",
        (60.0, 69.0, 21.0, 31.0), "eu", "Suomi",
    ),
    _C(
        "New Zealand", 1433, 60, "530-531", "en",
        "ZL#|ZM#", "ZL#",
        "South Island:33|North Island 1:32|North Island 2:29|:7",
        "Auckland|Wellington|Christchurch|Hamilton|Tauranga|Napier|Dunedin|Palmerston North|"
        "Nelson|Rotorua|Whangārei|New Plymouth|Invercargill|Whanganui|Gisborne|Taupō",
        (-46.5, -35.0, 167.0, 178.5), "ap", "Aotearoa",
    ),
    _C(
        "Norway", 1403, 60, "242-243", "nordic",
        "LA#|LB#|LC#|LG#|LE#", "LD#|LA#",
        ":64|Akershus:8|Rogaland:4|Nordland:3|Oslo:3|Troms:3|Troendelag:3|Innlandet:2|Vestfold:2",
        "Oslo|Bergen|Trondheim|Stavanger|Drammen|Fredrikstad|Kristiansand|Sandnes|Tromsø|"
        "Sarpsborg|Skien|Ålesund|Sandefjord|Haugesund|Tønsberg|Moss|Bodø|Arendal|Hamar|"
        "Lillehammer",
        (58.0, 70.0, 5.0, 30.0), "eu", "Norge",
    ),
    _C(
        "India", 1216, 20, "404-405", "hi",
        "VU2|VU3", "",
        "Karnataka:23|Kerala:17|Tamil Nadu:13|Maharashtra:8|West Bengal:6|:6|Rajasthan:5|"
        "Delhi:5|Andhra Pradesh:5|Gujarat:4",
        "Bengaluru|Bangalore|Mumbai|Delhi|New Delhi|Chennai|Kolkata|Hyderabad|Pune|Ahmedabad|"
        "Kochi|Thiruvananthapuram|Coimbatore|Mysuru|Jaipur|Lucknow|Mangaluru",
        (8.0, 30.0, 70.0, 88.0), "ap", "भारत",
    ),
    _C(
        "Malaysia", 1110, 40, "502-503", "id",
        "9M2|9W2|9M6|9W6|9M8", "9M2|9M6",
        "West Malaysia:84|East Malaysia:13|:3",
        "Kuala Lumpur|Johor Bahru|George Town|Ipoh|Shah Alam|Petaling Jaya|Kuching|"
        "Kota Kinabalu|Seremban|Melaka|Kuantan|Alor Setar",
        (1.3, 6.7, 100.0, 119.0), "ap", "Malaysia",
    ),
    _C(
        "Romania", 1044, 50, "226-227", "ro",
        "YO#|YP#|YR#", "",
        ":50|Bucuresti / Ilfov:15|Hunedoara / Timis:7|"
        "Alba / Bihor / Bistrita-Nasaud / Cluj / Maramures / Salaj / Satu Mare:7|"
        "Bacau / Botosani / Iasi / Neamt / Suceava / Vaslui:7",
        "București|Bucuresti|Cluj-Napoca|Timișoara|Iași|Constanța|Craiova|Brașov|Galați|"
        "Ploiești|Oradea|Brăila|Arad|Pitești|Sibiu|Bacău",
        (43.7, 48.2, 20.3, 29.6), "eu", "România",
    ),
    _C(
        "Slovenia", 1009, 40, "293", "slav",
        "S5#", "S55",
        ":61|Osrednjeslovenska:10|Savinjska:6|Gorenjska:6|Podravska:4|Obalno - Kraška:3|"
        "Goriška:2|Primorsko - Notranjska:2|Koroška:2",
        "Ljubljana|Maribor|Celje|Kranj|Koper|Velenje|Novo Mesto|Ptuj|Trbovlje|Kamnik|Jesenice|"
        "Nova Gorica|Domžale|Škofja Loka|Murska Sobota|Ajdovščina",
        (45.5, 46.8, 13.4, 16.5), "eu", "Slovenija",
    ),
    _C(
        "Mexico", 953, 50, "334-335", "es",
        "XE#|XF#|XH#|XR#", "",
        "Mexico City:14|Jalisco:9|Nuevo Leon:6|Baja California Norte:6|Durango:5|Mexico:5|"
        "Michoacan:4|Sonora:4|Yucatan:4|Chihuahua:4|:3",
        "Ciudad de México|Guadalajara|Monterrey|Puebla|Tijuana|León|Juárez|Zapopan|Mérida|"
        "San Luis Potosí|Aguascalientes|Hermosillo|Saltillo|Mexicali|Culiacán|Querétaro|"
        "Chihuahua|Durango|Cancún",
        (15.0, 32.0, -117.0, -87.0), "na", "México",
    ),
    _C(
        "Czech Republic", 926, 60, "230", "slav",
        "OK#|OL#", "OK0",
        ":58|Prague:7|Central Bohemian Region:6|South Moravian Region:4|"
        "Moravian-Silesian Region:3|Usti nad Labem Region:3|South Bohemian Region:3",
        "Praha|Brno|Ostrava|Plzeň|Liberec|Olomouc|České Budějovice|Hradec Králové|"
        "Ústí nad Labem|Pardubice|Zlín|Havířov|Kladno|Most|Opava|Frýdek-Místek|Karviná|Jihlava",
        (48.6, 51.0, 12.1, 18.8), "eu", "Česko",
    ),
    _C(
        "Hungary", 833, 50, "216", "hu",
        "HA#|HG#", "HG#R|HA#",
        ":67|Budapest:13|Borsod-Abauj-Zemplen / Heves / Jasz-Nagykun-Szolnok / Nogr:6|"
        "Pest / Eger / Erd / Miskolc / Salgotarjan / Szolnok:6|"
        "Baranya / Somogy / Tolna / Kaposvar / Pecs / Szekszard:5|Győr-Moson-Sopron:3",
        "Budapest|Debrecen|Szeged|Miskolc|Pécs|Győr|Nyíregyháza|Kecskemét|Székesfehérvár|"
        "Szombathely|Szolnok|Tatabánya|Kaposvár|Érd|Veszprém|Békéscsaba|Zalaegerszeg|Sopron|Eger",
        (45.8, 48.5, 16.2, 22.8), "eu", "Magyarország",
    ),
    _C(
        "Ukraine", 827, 40, "255", "uk",
        "UR#|UT#|US#|UX#|UY#|UZ#|EM#", "",
        ":59|All Regions:41",
        "Kyiv|Київ|Kharkiv|Харків|Odesa|Одеса|Dnipro|Zaporizhzhia|Lviv|Львів|Kryvyi Rih|"
        "Mykolaiv|Vinnytsia|Poltava|Chernihiv",
        (44.5, 52.0, 22.5, 40.0), "eu", "Україна",
    ),
    _C(
        "Puerto Rico", 793, 60, "330", "es",
        "KP4|NP4|WP4|KP3", "",
        ":68|All Regions:30|Florida",
        "San Juan|Bayamón|Carolina|Ponce|Caguas|Guaynabo|Arecibo|Toa Baja|Mayagüez|"
        "Trujillo Alto|Aguadilla|Humacao|Cataño|Río Grande|Añasco",
        (17.9, 18.5, -67.2, -65.6), "na", "Puerto Rico",
    ),
    _C(
        "Bulgaria", 764, 40, "284", "bg",
        "LZ#", "",
        ":66|All Regions:33|Plovdiv",
        "Sofia|София|Plovdiv|Пловдив|Varna|Варна|Burgas|Ruse|Stara Zagora|Pleven|Sliven|Dobrich|"
        "Shumen|Pernik|Haskovo|Yambol|Smolyan",
        (41.3, 44.2, 22.4, 28.6), "eu", "България",
    ),
    _C(
        "South Africa", 746, 50, "655", "en",
        "ZS#|ZR#|ZU#|ZT#", "ZS#",
        ":48|Gauteng:25|Cape:15|Kwazulu-Natal:5|Eastern Cape:2|Mpumalanga:2|Freestate",
        "Johannesburg|Cape Town|Durban|Pretoria|Port Elizabeth|Gqeberha|Bloemfontein|"
        "East London|Polokwane|Nelspruit|Kimberley|Pietermaritzburg|Rustenburg|Stellenbosch|Soweto",
        (-34.5, -22.5, 17.0, 32.8), "ap", "South Africa",
    ),
    _C(
        "Colombia", 733, 30, "732", "es",
        "HK#|HJ#|5K#", "",
        "Cundinamarca:24|Antioquia:22|Valle del Cauca:12|:5|Santander:5|Quindio:4|Rosaralda:3|"
        "Tolima:3|Caldas:3|Atlantico:3",
        "Bogotá|Medellín|Cali|Barranquilla|Cartagena|Cúcuta|Soledad|Ibagué|Bucaramanga|Soacha|"
        "Santa Marta|Villavicencio|Pereira|Manizales|Armenia|Neiva|Pasto",
        (-4.0, 12.0, -79.0, -67.0), "la", "Colombia",
    ),
    _C(
        "Serbia", 719, 40, "220", "slav",
        "YU#|YT#", "",
        ":51|All Regions:49",
        "Beograd|Београд|Novi Sad|Нови Сад|Niš|Ниш|Kragujevac|Subotica|Zrenjanin|Pančevo|Čačak|"
        "Kraljevo|Smederevo|Leskovac|Valjevo|Kruševac|Vranje|Šabac",
        (42.3, 46.1, 19.0, 22.9), "eu", "Србија",
    ),
    _C(
        "Croatia", 680, 40, "219", "slav",
        "9A#", "9A0",
        ":50|Zagreb:7|City of Zagreb:6|Primorje-Gorski Kotar:5|Istria:5|Varaždin:3|Karlovac:3|"
        "Split-Dalmatia:3|Osijek-Baranja:2",
        "Zagreb|Split|Rijeka|Osijek|Zadar|Velika Gorica|Slavonski Brod|Pula|Karlovac|Sesvete|"
        "Varaždin|Šibenik|Sisak|Vinkovci|Dubrovnik|Bjelovar|Koprivnica|Čakovec",
        (42.4, 46.5, 13.5, 19.4), "eu", "Hrvatska",
    ),
    _C(
        "Taiwan", 666, 30, "466", "tw",
        "BM#|BV#|BX#|BU#|BW#", "",
        "Northern Taiwan:45|Central Taiwan:20|Southern Taiwan:25|Eastern Taiwan:5|:5",
        "Taipei|台北|臺北市|Kaohsiung|高雄|Taichung|台中|Tainan|台南|Taoyuan|Hsinchu|新竹|Keelung|"
        "Chiayi|Changhua|Pingtung|Yilan|Hualien",
        (22.0, 25.3, 120.0, 121.9), "ap", "臺灣",
    ),
    _C(
        "Venezuela", 629, 20, "734", "es",
        "YV#|YW#|YY#", "",
        "Distrito Capital:30|Miranda:20|Carabobo:15|Zulia:15|Aragua:10|:10",
        "Caracas|Maracaibo|Valencia|Barquisimeto|Maracay|Ciudad Guayana|Barcelona|Maturín|"
        "Puerto La Cruz|Petare|Turmero|Ciudad Bolívar|Mérida|Barinas|Cumaná",
        (1.0, 12.0, -73.0, -60.0), "la", "Venezuela",
    ),
    _C(
        "Bosnia and Hercegovina", 529, 20, "218", "slav",
        "E7#", "",
        ":60|All Regions:40",
        "Sarajevo|Banja Luka|Tuzla|Zenica|Mostar|Bijeljina|Brčko|Prijedor|Doboj|Бања Лука",
        (42.6, 45.2, 15.8, 19.6), "eu", "Bosna i Hercegovina",
    ),
    _C(
        "Uruguay", 463, 20, "748", "es",
        "CX#", "",
        "Montevideo:50|Canelones:20|Maldonado:10|:20",
        "Montevideo|Salto|Ciudad de la Costa|Paysandú|Las Piedras|Rivera|Maldonado|Tacuarembó|"
        "Melo|Mercedes|San José de Mayo|Durazno",
        (-34.9, -30.1, -58.4, -53.1), "la", "Uruguay",
    ),
    _C(
        "Israel", 445, 30, "425", "he",
        "4X#|4Z#", "4X#",
        ":40|Center:30|North:15|South:10|Jerusalem:5",
        "Tel Aviv|תל אביב|Jerusalem|ירושלים|Haifa|חיפה|Rishon LeZion|Petah Tikva|Ashdod|Netanya|"
        "Beersheba|Holon|Ramat Gan|Rehovot|Herzliya|Kfar Saba",
        (29.5, 33.3, 34.3, 35.9), "eu", "ישראל",
    ),
    _C(
        "Ireland", 418, 50, "272", "en",
        "EI#|EJ#", "EI#",
        ":70|Leinster:12|Munster:10|Connacht:5|Ulster:3",
        "Dublin|Baile Átha Cliath|Cork|Limerick|Galway|Waterford|Drogheda|Dundalk|Swords|Bray|"
        "Navan|Kilkenny|Ennis|Carlow|Tralee|Letteragh Galway|Dún Laoghaire",
        (51.4, 55.4, -10.5, -6.0), "uk", "Éire",
    ),
    _C(
        "Panama", 357, 10, "714", "es", "HP#|HO#", "", ":50|Panama:50",
        "Panamá|Ciudad de Panamá|Colón|David|La Chorrera|Santiago de Veraguas|Chitré",
        (7.2, 9.6, -83.0, -77.2), "la", "Panamá",
    ),
    _C(
        "Dominican Republic", 330, 10, "370", "es", "HI#|HI8", "", ":60|All Regions:40",
        "Santo Domingo|Santiago de los Caballeros|La Romana|San Pedro de Macorís|Higüey|Moca",
        (17.6, 19.9, -72.0, -68.3), "la", "República Dominicana",
    ),
    _C(
        "Slovakia", 320, 20, "231", "slav", "OM#", "OM0", ":70|All Regions:30",
        "Bratislava|Košice|Prešov|Žilina|Nitra|Banská Bystrica|Trnava|Martin|Trenčín|Poprad",
        (47.7, 49.6, 16.8, 22.6), "eu", "Slovensko",
    ),
    _C(
        "Hong Kong", 316, 10, "454", "hk", "VR2", "", ":50|Hong Kong:50",
        "Hong Kong|香港|Kowloon|九龍|Sha Tin|Tsuen Wan|Tuen Mun|Yuen Long|Tai Po|Causeway Bay",
        (22.15, 22.56, 113.83, 114.43), "cn", "香港",
    ),
    _C(
        "Ecuador", 288, 10, "740", "es", "HC#|HD#", "", ":40|Pichincha:30|Guayas:30",
        "Quito|Guayaquil|Cuenca|Santo Domingo|Machala|Durán|Manta|Portoviejo|Loja|Ambato",
        (-5.0, 1.4, -81.0, -75.2), "la", "Ecuador",
    ),
    _C(
        "Luxemburg", 242, 10, "270", "fr", "LX#", "LX0", ":1",
        "Luxembourg|Lëtzebuerg|Esch-sur-Alzette|Differdange|Dudelange|Ettelbruck|Diekirch",
        (49.45, 50.18, 5.73, 6.53), "eu", "Lëtzebuerg",
    ),
    _C(
        "Costa Rica", 227, 10, "712", "es", "TI#|TE#", "", ":50|San José:50",
        "San José|Alajuela|Cartago|Heredia|Liberia|Puntarenas|Limón|Pérez Zeledón",
        (8.0, 11.2, -85.9, -82.6), "la", "Costa Rica",
    ),
    _C(
        "Belarus", 224, 10, "257", "ru", "EW#|EU#", "", ":60|All Regions:40",
        "Minsk|Мінск|Минск|Gomel|Гомель|Mogilev|Vitebsk|Grodno|Brest|Babruysk",
        (51.3, 56.2, 23.2, 32.8), "eu", "Беларусь",
    ),
    _C(
        "Oman", 164, 10, "422", "ar", "A4#", "", ":1",
        "Muscat|مسقط|Seeb|Salalah|Sohar|Nizwa|Sur|Ibri",
        (16.6, 26.4, 52.0, 59.8), "eu", "عُمان",
    ),
    _C(
        "Kazakhstan", 158, 10, "401", "ru", "UN#|UP#", "", ":1",
        "Almaty|Алматы|Astana|Астана|Shymkent|Karaganda|Aktobe|Pavlodar",
        (40.6, 55.4, 46.5, 87.3), "eu", "Қазақстан",
    ),
    _C(
        "Lithuania", 157, 10, "246", "slav", "LY#", "", ":1",
        "Vilnius|Kaunas|Klaipėda|Šiauliai|Panevėžys|Alytus|Marijampolė",
        (53.9, 56.4, 21.0, 26.8), "eu", "Lietuva",
    ),
    _C(
        "Peru", 140, 10, "716", "es", "OA#|OB#", "", ":50|Lima:50",
        "Lima|Arequipa|Trujillo|Chiclayo|Piura|Cusco|Huancayo|Iquitos",
        (-18.0, -0.1, -81.3, -68.7), "la", "Perú",
    ),
    _C(
        "Estonia", 136, 10, "248", "fi", "ES#", "", ":1",
        "Tallinn|Tartu|Narva|Pärnu|Kohtla-Järve|Viljandi|Rakvere",
        (57.5, 59.7, 21.8, 28.2), "eu", "Eesti",
    ),
    _C(
        "Morocco", 132, 10, "604", "ar", "CN#", "", ":1",
        "Casablanca|الدار البيضاء|Rabat|Marrakech|Fès|Tanger|Agadir|Meknès|Oujda",
        (27.7, 35.9, -13.2, -1.0), "eu", "المغرب",
    ),
    _C(
        "Cyprus", 104, 10, "280", "el", "5B4|C4#|P3#", "", ":1",
        "Λευκωσία|Nicosia|Limassol|Λεμεσός|Larnaca|Paphos|Famagusta",
        (34.5, 35.7, 32.2, 34.6), "eu", "Κύπρος",
    ),
    _C(
        "United Arab Emirates", 104, 10, "430-431", "ar", "A6#", "", ":1",
        "Dubai|دبي|Abu Dhabi|أبو ظبي|Sharjah|Al Ain|Ajman|Ras Al Khaimah",
        (22.6, 26.1, 51.5, 56.4), "eu", "الإمارات",
    ),
    _C(
        "Latvia", 99, 10, "247", "slav", "YL#", "", ":1",
        "Rīga|Riga|Daugavpils|Liepāja|Jelgava|Jūrmala|Ventspils",
        (55.7, 58.1, 20.9, 28.2), "eu", "Latvija",
    ),
    _C(
        "Malta", 81, 10, "278", "en", "9H#", "9H#", ":1",
        "Valletta|Birkirkara|Mosta|Qormi|Żabbar|Sliema|Naxxar|Rabat Għawdex",
        (35.8, 36.1, 14.2, 14.6), "eu", "Malta",
    ),
    _C(
        "Iceland", 25, 5, "274", "nordic", "TF#", "", ":1",
        "Reykjavík|Kópavogur|Hafnarfjörður|Akureyri|Reykjanesbær|Garðabær|Ísafjörður",
        (63.3, 66.5, -24.5, -13.5), "eu", "Ísland",
    ),
    _C(
        "Singapore", 70, 5, "525", "id", "9V1", "", ":1",
        "Singapore|新加坡|Jurong West|Tampines|Woodlands|Ang Mo Kio|Bedok",
        (1.22, 1.47, 103.6, 104.04), "ap", "Singapore",
    ),
)
# fmt: on

# --------------------------------------------------------------------------------------------
# Frequencies. Band plans in integer Hz: (first channel, channels, step, offsets, weight).

_Band = tuple[int, int, int, tuple[int, ...]]


def _bands(
    spec: Sequence[tuple[int, int, int, Sequence[tuple[int, int]], int]],
) -> tuple[_Band, ...]:
    return _weighted([((lo, n, step, _weighted(offs)), w) for lo, n, step, offs, w in spec])


_UHF_NA = (440_000_000, 800, 12_500, ((5_000_000, 6), (-5_000_000, 4)), 80)
_PLANS: dict[str, tuple[_Band, ...]] = {
    "na": _bands([
        _UHF_NA,
        (145_110_000, 152, 15_000, ((-600_000, 1), (600_000, 1)), 15),
        (927_000_000, 80, 12_500, ((-25_000_000, 1),), 3),
        (223_850_000, 56, 20_000, ((-1_600_000, 1),), 2),
    ]),
    "la": _bands([
        _UHF_NA,
        (146_000_000, 200, 10_000, ((-600_000, 1), (600_000, 1)), 20),
    ]),
    "eu": _bands([
        (438_000_000, 160, 12_500,
         ((-7_600_000, 75), (-9_400_000, 8), (-2_000_000, 6), (-5_000_000, 5), (1_600_000, 6)), 82),
        (145_575_000, 18, 12_500, ((-600_000, 1),), 18),
    ]),
    "uk": _bands([
        (439_000_000, 80, 12_500, ((-9_000_000, 1),), 80),
        (145_575_000, 18, 12_500, ((-600_000, 1),), 15),
        (430_000_000, 80, 12_500, ((9_000_000, 1),), 5),
    ]),
    "ap": _bands([
        (438_000_000, 160, 12_500, ((-5_000_000, 5), (-7_000_000, 3), (5_000_000, 2)), 80),
        (146_000_000, 160, 12_500, ((-600_000, 1), (600_000, 1)), 20),
    ]),
    "jp": _bands([(439_000_000, 80, 12_500, ((-5_000_000, 1),), 1)]),
    "cn": _bands([
        (439_000_000, 80, 12_500, ((-5_000_000, 3), (-8_000_000, 1)), 85),
        (145_000_000, 72, 12_500, ((-600_000, 1),), 15),
    ]),
}  # fmt: skip


def _channel(plan: str, d: _Draw) -> tuple[int, int]:
    lo, n, step, offsets = d.pick(_PLANS[plan])
    return lo + d.below(n) * step, d.pick(offsets)


def _mhz(hz: int, decimals: int) -> str:
    """Integer Hz -> MHz string with ``decimals`` places, e.g. 440587500, 5 -> "440.58750"."""
    return f"{hz // 1_000_000}.{hz % 1_000_000:06d}"[: decimals - 6 or None]


_OFFSET_STYLE = _weighted([(0, 900), (1, 25), (2, 20), (3, 12), (4, 8), (5, 15), (6, 10)])


def _offset_text(hz: int, d: _Draw) -> str:
    """radioid writes offsets as typed by people: "+5.000", "-7.6", "5.000", "+5.00", ""."""
    sign = "-" if hz < 0 else "+"
    mhz = _mhz(abs(hz), 3)
    style = d.pick(_OFFSET_STYLE)
    if style == 0:
        return sign + mhz
    if style == 1:
        return sign + mhz[:-1]
    if style == 2:
        return (sign if hz < 0 else "") + mhz
    if style == 3:
        return sign + mhz.rstrip("0").rstrip(".")
    if style == 4:
        return sign + mhz + "0"
    if style == 5:
        return ""
    return "0.000"


def _coord(lo: float, hi: float, d: _Draw) -> float:
    return lo + (hi - lo) * d.below(1_000_000) / 1_000_000


# --------------------------------------------------------------------------------------------
# Ids: every source is a sorted run of ids laid out in blocks (a country's MCC-style prefix
# times the block size). Consecutive ids are at least 2 apart so a change can slot new ids in.


class _Seg(NamedTuple):
    base: int  # first id of the block
    span: int  # ids base .. base + span - 1 may be used
    n: int  # records in the block
    group: int  # index of the country (or other group) that owns the block


def _split(count: int, weights: Sequence[int]) -> list[int]:
    """Split count into integer parts proportional to weights (cumulative rounding)."""
    total = sum(weights)
    out: list[int] = []
    acc = prev = 0
    for w in weights:
        acc += w
        cur = (2 * acc * count + total) // (2 * total)
        out.append(cur - prev)
        prev = cur
    return out


def _plan(
    count: int, weights: Sequence[int], prefixes: Sequence[Sequence[int]], block: int,
    pool: Sequence[int],
) -> list[_Seg]:  # fmt: skip
    """Lay count records out over the groups' prefix blocks; overflow takes free prefixes."""
    span = block - 10
    cap = span // 2
    used = {p for pre in prefixes for p in pre}
    free = (p for p in pool if p not in used)
    segs: list[_Seg] = []
    for g, demand in enumerate(_split(count, weights)):
        if demand <= 0:
            continue
        m = -(-demand // cap)
        blocks = list(prefixes[g][:m])
        while len(blocks) < m:
            p = next(free, None)
            if p is None:
                raise ValueError("scale too large: the id space of this source is exhausted")
            blocks.append(p)
        q, r = divmod(demand, m)
        for k, p in enumerate(blocks):
            n = q + (1 if k < r else 0)
            if n:
                segs.append(_Seg(p * block + 1, span, n, g))
    segs.sort()
    return segs


_Slot = tuple[int, int, int, int]  # id, owner id (first id of its run), group, position in run


def _slots(segs: Sequence[_Seg], salt: int, share: int, max_run: int) -> Iterator[_Slot]:
    """Ids of each block, with jitter; ``share`` per mille of them belong to the previous owner.

    Ids within a block are base + j*span//n plus a jitter below span//n - 1, so consecutive ids
    differ by 2 or more. The owner (a person, a club) lets consecutive records share a callsign.
    """
    for base, span, n, g in segs:
        jit = span // n - 1
        owner = base
        run = 0
        for j in range(n):
            h = _mix(salt ^ (base + j))
            i = base + j * span // n
            if jit > 1:
                i += h % jit
            if j and run < max_run and (h >> 32) % 1000 < share:
                run += 1
            else:
                owner = i
                run = 0
            yield i, owner, g, run


def _fixed(items: Sequence[tuple[int, int]]) -> Iterator[_Slot]:
    """Slots for a fixed, sorted list of (id, group) pairs (well-known talkgroups)."""
    for i, g in items:
        yield i, i, g, 0


_USER_POOL = tuple(range(100, 1000)) + tuple(range(1000, 1677))  # 7 digits first, then 24-bit
_SMALL_POOL = tuple(range(100, 10000))


# --------------------------------------------------------------------------------------------
# Output: records are encoded one at a time and written in bounded chunks.

_ENC = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_CHUNK = 512


class _Source(NamedTuple):
    slots: Iterator[_Slot]
    make: Callable[[int, int, int, int], Any]  # (id, owner, group, run) -> record
    alter: Callable[[Any, int, int], None]  # (record, group, hash) modifies a record in place
    encode: Callable[[Any], str]
    head: str
    sep: str
    tail: str


def _drive(src: _Source, out: IO[bytes], change: float, ckey: int) -> int:
    """Write the document: every slot's record, with removals, modifications and additions."""
    t_rem = int(change * _REMOVED * 2**32)
    t_mod = int(change * (_REMOVED + _MODIFIED) * 2**32)
    t_add = int(change * _ADDED * 2**32)
    make, alter, encode, sep = src.make, src.alter, src.encode, src.sep
    buf: list[str] = []
    written = 0
    started = False
    out.write(src.head.encode("utf-8"))

    def flush() -> None:
        nonlocal started
        if buf:
            text = sep.join(buf)
            out.write(((sep + text) if started else text).encode("utf-8"))
            started = True
            buf.clear()

    if not change:
        for slot in src.slots:
            buf.append(encode(make(*slot)))
            if len(buf) >= _CHUNK:
                written += len(buf)
                flush()
        written += len(buf)
    else:
        for i, owner, g, run, gap in _with_next(src.slots):
            hc = _mix(ckey ^ i)
            u = hc & 0xFFFFFFFF
            if u >= t_rem:
                rec = make(i, owner, g, run)
                if u < t_mod:
                    alter(rec, g, hc)
                buf.append(encode(rec))
                written += 1
            if (hc >> 32) < t_add and gap >= 2:
                new = i + 1 + (hc >> 40) % min(gap - 1, 3)
                buf.append(encode(make(new, new, g, 0)))
                written += 1
            if len(buf) >= _CHUNK:
                flush()
    flush()
    out.write(src.tail.encode("utf-8"))
    return written


def _with_next(slots: Iterator[_Slot]) -> Iterator[tuple[int, int, int, int, int]]:
    """Each slot with the gap to the next id (4 after the last one)."""
    prev: _Slot | None = None
    for slot in slots:
        if prev is not None:
            yield (*prev, slot[0] - prev[0])
        prev = slot
    if prev is not None:
        yield (*prev, 4)


def _other(old: str, choices: Sequence[str], d: _Draw) -> str:
    """A value from choices that differs from old (so a modified record really differs)."""
    for _ in range(8):
        value = d.pick(choices)
        if value != old:
            return value
    return old + " 2"


# --------------------------------------------------------------------------------------------
# radioid.net users: {"users":[...]} sorted by id.

_EMAIL = _weighted([(1, 650), (0, 347), (2, 3)])
_NICK_SUFFIX = (", Jr.", ", Sr.", ", III", ", II")
_EN_GIVEN = _LANGS["en"][0]


def _radioid_users(count: int, seed: int) -> _Source:
    pkey, rkey = _key(seed, 0x5553_4552), _key(seed, 0x5245_4331)
    countries = _COUNTRIES
    segs = _plan(
        count, [c.users for c in countries], [c.prefixes for c in countries], 10_000, _USER_POOL
    )
    letters = _LETTERS

    def make(i: int, owner: int, g: int, run: int) -> dict[str, Any]:
        c = countries[g]
        p = _Draw(_mix(pkey ^ owner))  # the person: the same for all their ids
        given = c.given
        fname = p.pick(given)
        k = p.below(1000)
        if k < 120:
            fname = f"{fname} {p.pick(given)}"
        elif k < 200:
            fname = f"{fname} {letters[p.below(26)]}"
        surname = p.pick(c.surnames) if p.below(100) < 25 else ""
        callsign = _callsign(c.calls, p)
        k = p.below(10000)
        if k < 100:
            fname, surname = callsign, ""
        elif k < 400:
            fname, surname = fname.upper(), surname.upper()
        elif k < 450:
            fname += " "
        elif k < 480:  # a comma: "Smith, John" or "John, Jr."
            if given is _EN_GIVEN and p.below(2):
                fname += p.pick(_NICK_SUFFIX)
            else:
                fname = f"{p.pick(c.surnames)}, {fname}"
            surname = ""
        elif k < 490:
            fname = f'{fname} "{p.pick(given)}"'
        state = p.pick(c.states)
        city = p.pick(c.cities)
        k = p.below(10000)
        if k < 250:
            city = ""
        elif k < 290:
            city = "None"
        elif k < 590:
            city = city.upper()
        elif k < 690:
            city = city.lower()
        elif k < 790:
            city += " "
        elif k < 820:
            city = f"{city}, {state or c.name}"
        elif k < 825:
            city = f'"{city}"'
        country = c.alt if c.alt and p.below(500) == 0 else c.name
        r = _mix(rkey ^ i)  # this id's own flags
        unvalidated = 1 if r % 100 < 4 else 0
        return {
            "name": f"{fname} {surname}" if surname else fname,
            "fname": fname,
            "surname": surname,
            "country": country,
            "callsign": callsign,
            "city": city,
            "radio_id": i,
            "id": i,
            "state": state,
            "has_valid_callsign": "1" if (r >> 16) % 100 < 83 else "0",
            "has_valid_email": _EMAIL[(r >> 32) % 1000],
            "account_unvalidated": unvalidated,
            "account_validation_status": "unvalidated" if unvalidated else "validated",
        }

    def alter(rec: dict[str, Any], g: int, h: int) -> None:
        c = countries[g]
        d = _Draw(_mix(h ^ 0xA17E))
        k = d.below(100)
        if k < 35:
            rec["city"] = _other(rec["city"], c.cities, d)
        elif k < 60:
            old = rec["callsign"]
            while rec["callsign"] == old:
                rec["callsign"] = _callsign(c.calls, d)
        elif k < 85:
            fname = _other(rec["fname"], c.given, d)
            rec["fname"] = fname
            rec["name"] = f"{fname} {rec['surname']}" if rec["surname"] else fname
        else:
            rec["has_valid_email"] = 0 if rec["has_valid_email"] else 1
            rec["has_valid_callsign"] = "1" if rec["has_valid_callsign"] == "0" else "0"

    return _Source(
        _slots(segs, _key(seed, 0x1D5), 80, 2), make, alter, _ENC, '{"users":[\n', ",\n", "\n]}"
    )


# --------------------------------------------------------------------------------------------
# radioid.net repeaters: {"rptrs":[...]}, old format (trustee string) and new (trustee list,
# talkgroups list).

_ASSIGNED = _weighted([
    ("Peer", 4539), (None, 1696), ("Master", 3838), ("None", 198), ("", 98), ("peer", 45),
    ("PEER", 27), ("master", 20), ("Select Repeater Type", 7), ("Master/Peer", 6), ("3102", 6),
])  # fmt: skip
_TS_LINKED = _weighted([
    ("TS1 TS2", 822), ("Mixed Mode", 91), (None, 49), ("TS1", 36), ("TS2", 30), ("2", 7),
    ("1", 6), ("None", 3), ("1 and 2", 2), ("1&2", 2), ("TS1 & TS2", 2), ("TS1, TS2", 2),
])  # fmt: skip
_NETWORKS = _weighted([
    ("BM", 3472), ("Brandmeister", 1078), ("BrandMeister", 893), ("DMR-plus", 829),
    ("None", 446), ("DMR-MARC", 168), ("DMR", 156), ("NEDECN", 101), ("brandmeister", 73),
    ("DMR+", 55), ("BRANDMEISTER", 54), ("Interstate", 53), ("TGIF", 49), ("FreeDMR", 40),
    ("VK-DMR Network", 48), ("Western States DMR", 46), ("PNW Digital", 40), ("Mi5", 30),
    ("Mountain West DMR", 30), ("West Brandmeister", 10), ("", 20), ("ADN Systems", 25),
])  # fmt: skip
_COLOR_CODES = _weighted([
    (1, 7998), (2, 435), (7, 361), (3, 316), (5, 253), (0, 219), (4, 147), (9, 130), (8, 127),
    (10, 124), (15, 115), (11, 99), (6, 93), (12, 80), (13, 57), (14, 50),
])  # fmt: skip
_MAP_INFO = _weighted([("", 655), (None, 18), ("None", 9), ("*", 318)])
_MAP_TEXT = (
    "See www.{club}.org for talkgroups and other info.",
    "For repeater information please go to:<br>www.{club}.net<br>contact : {name} {call}",
    "TS 1 - TG 91 = Worldwide<br>TS 1 - TG {tg} = {country}<br>TS 2 - TG 9 = Local Repeater only"
    "<br><br>You Must Have [ARS] Disabled Within Your Radio.",
    "Talkgroup info at http://www.{club}.com",
    "TBD",
    "Slot2 TG 2, TG 8 (clusters)",
    "Linked to {network} &amp; {city}<br>Contact: {name} {call}<br>Email: {call_lc}@{club}.org",
    "{city} – {name} {call} – 73!",
)
_CLUBS = _words(
    "nydmr|fdarn|delmarvadmr|westernstatesdmr|dmrtexas|sardmr|k4usd|papasys|mi5dmr|w2xrx|"
    "dmr-marc|pnwdigital|brandmeister|hamdigital|cqnorth|radioclub|arrl|rsgb|darc|ari"
)
_RPTR_TG_DESC = ("{country} / {state}", "{country}", "{city} Local", "TAC {tg}", "Worldwide")


def _map_text(c: _Country, d: _Draw, callsign: str, network: str, tg: int) -> str:
    return d.pick(_MAP_TEXT).format(
        club=d.pick(_CLUBS), name=d.pick(c.given), call=callsign, call_lc=callsign.lower(),
        tg=tg, country=c.name, network=network or "BM", city=d.pick(c.cities),
    )  # fmt: skip


def _latlng_text(c: _Country, d: _Draw) -> tuple[str | None, str | None]:
    k = d.below(1000)
    if k < 10:
        return None, None
    if k < 40:
        return "", ""
    lat = _coord(c.box[0], c.box[1], d)
    lng = _coord(c.box[2], c.box[3], d)
    places = d.pick((6, 6, 7, 5))
    return f"{lat:.{places}f}", f"{lng:.{places}f}"


def _radioid_repeaters(count: int, seed: int) -> _Source:
    okey, rkey = _key(seed, 0x4F57_4E52), _key(seed, 0x5250_5452)
    countries = _COUNTRIES
    segs = _plan(
        count, [c.rptrs for c in countries], [c.prefixes for c in countries], 1000, _SMALL_POOL
    )

    def frequency(c: _Country, d: _Draw) -> tuple[str, str]:
        if d.below(1000) < 8:
            return "0.00000", d.pick(("", "", "0.000", "+5.000"))
        hz, off = _channel(c.plan, d)
        return _mhz(hz, 5), _offset_text(off, d)

    def make(i: int, owner: int, g: int, run: int) -> dict[str, Any]:
        c = countries[g]
        o = _Draw(_mix(okey ^ owner))  # the owner: callsign, trustee, network
        callsign = _callsign(c.rcalls, o)
        trustee: str | None = callsign if o.below(100) < 45 else _callsign(c.calls, o)
        network = o.pick(_NETWORKS)
        r = _Draw(_mix(rkey ^ i))
        city = "" if r.below(100) < 4 else r.pick(c.cities)
        state = r.pick(c.states)
        freq, offset = frequency(c, r)
        color_code = r.pick(_COLOR_CODES)
        assigned = r.pick(_ASSIGNED)
        ts_linked = r.pick(_TS_LINKED)
        map_info = r.pick(_MAP_INFO)
        if map_info == "*":
            map_info = _map_text(c, r, callsign, network, c.prefixes[0] * 10 + r.below(10))
        map_ = 1 if r.below(100) < 36 else 0
        lat, lng = _latlng_text(c, r)
        status = "UNKNOWN" if r.below(1000) < 4 else "ACTIVE"
        head: dict[str, Any] = {
            "locator": i, "id": i, "callsign": callsign, "city": city, "state": state,
            "country": c.name, "frequency": freq, "color_code": color_code, "offset": offset,
            "assigned": assigned, "ts_linked": ts_linked,
        }  # fmt: skip
        if r.below(100) >= 25:  # old format
            if r.below(1000) < 6:
                trustee = None
            head.update(
                trustee=trustee, map_info=map_info, map=map_, ipsc_network=network,
                lat=lat, lng=lng, status=status,
            )  # fmt: skip
            return head
        trustees = [trustee]
        if r.below(100) < 20:
            trustees.append(_callsign(c.calls, r))
        elif r.below(100) < 3:
            trustees = []
        head.update(map_info=map_info, map=map_, ipsc_network=network, trustee=trustees)
        if r.below(2):
            head.update(lat=lat, lng=lng)
        tgs = []
        for _ in range(r.pick((0, 0, 0, 1, 2, 2, 3, 4))):
            tg = r.pick(
                (91, 9, c.prefixes[0] * 10 + r.below(10), c.prefixes[0] * 1000 + r.below(99))
            )
            desc = r.pick(_RPTR_TG_DESC).format(
                country=c.name, state=r.pick(c.states) or c.native, city=r.pick(c.cities), tg=tg
            )
            tgs.append({"talkgroup": tg, "description": desc, "timeslot": 1 + r.below(2),
                        "discovery": 1 if r.below(10) == 0 else 0})  # fmt: skip
        head.update(status=status, talkgroups=tgs)
        return head

    def alter(rec: dict[str, Any], g: int, h: int) -> None:
        c = countries[g]
        d = _Draw(_mix(h ^ 0xA17E))
        k = d.below(100)
        if k < 35:
            old = rec["frequency"], rec["offset"]
            while (rec["frequency"], rec["offset"]) == old:
                rec["frequency"], rec["offset"] = frequency(c, d)
        elif k < 55:
            rec["city"] = _other(rec["city"], c.cities, d)
        elif k < 70:
            rec["color_code"] = (rec["color_code"] + 1 + d.below(14)) % 16
        elif k < 85:
            new = _callsign(c.calls, d)
            if isinstance(rec["trustee"], list):
                rec["trustee"] = [new, *rec["trustee"]][:2]
            else:
                rec["trustee"] = new if rec["trustee"] != new else new + "A"
        else:
            rec["ts_linked"] = _other(rec["ts_linked"], ("TS1 TS2", "Mixed Mode", "TS1", "TS2"), d)

    return _Source(
        _slots(segs, _key(seed, 0x1D6), 250, 4), make, alter, _ENC, '{"rptrs":[\n', ",\n", "\n]}"
    )


# --------------------------------------------------------------------------------------------
# BrandMeister devices: a top-level array. Repeaters have 6-digit ids; hotspots are a radio id
# times 100 plus an SSID, so one callsign owns several consecutive ids.

_RPTR_HARDWARE = _words(
    "R10QCGANQ1AN|MMDVM|MMDVM_DMO|Hytera RD985|Hytera RD625|Motorola SLR5700|"
    "Motorola SLR8000|Motorola XPR8300|Homebrew MMDVM Repeater|RB_STM32|DR-2X|Kenwood NXR-5700"
)
_HOTSPOT_HARDWARE = _words(
    "MMDVM_HS_Hat|MMDVM_HS_Dual_Hat|MMDVM_ZUMspot|MMDVM_MMDVM_HS_Hat|openSPOT|openSPOT2|"
    "openSPOT3|openSPOT4|DVMEGA|MMDVM_HS_MDO|Jumbospot|SkyBridge|MMDVM_HS_Hat-v1.6.1"
)
_FIRMWARE_RPTR = _words("R02.09.00.13|R02.20.12.00|A9.00.05.002|R02.10.00.05|V1.0.28|20240210_PS4")
_FIRMWARE_HOTSPOT = _words(
    "20240210_PS4|20231127_WPSD|20190130_Pi-Star|20220929_Pi-Star|20250101_WPSD|openSPOT4_0410|"
    "v1.6.1 20221208 14.7456MHz ADF7021 FW by CA6JAU GitID #1a6d1e4|"
    "MMDVM 20180723 (D-Star/DMR/System Fusion/P25/NXDN/POCSAG/FM/M17) GitID #4c2d5a0"
)
_LINKNAMES = _words("MMDVM Host|DMRGateway|Motorola IPSC|Hytera Multi-Site Connect|openSPOT")
_STATUS_TEXT = {1: "Disconnected", 2: "Slot 1 Linked", 3: "Both Slots Linked", 4: "Slot 2 Linked"}
_MONTHS = ("01", "02", "03", "04", "05", "06")
_SITES = _words("SCRN BLU|HILL|NORTH|SOUTH|EAST|WEST|MTN|CITY|Repeater|RPT|Site 2|B|C|D")
_BM_DESC = (
    "<p><b>DMR Recommended Talkgroups</b></p>\n\n<p><b>Timeslot 1</b><br/>\n"
    "{country} - {tg} (static); {state} - {tg}1; Worldwide - 91</p>",
    "<p>Hotspot in {city}</p>",
    "Covers {city} and surrounding area",
    "",
    "",
    "<p>{city} – TS2 TG {tg} static<br>Sysop: {call}</p>",
)


def _brandmeister_devices(count: int, seed: int) -> _Source:
    okey, rkey = _key(seed, 0x424D_4F57), _key(seed, 0x424D_4456)
    countries = _COUNTRIES
    n_rptr = max(0, min(count, round(count * 0.3)))
    rptr_segs = _plan(
        n_rptr, [c.rptrs for c in countries], [c.prefixes for c in countries], 1000, _SMALL_POOL
    )
    hot_segs = _plan(
        count - n_rptr, [c.users for c in countries], [c.prefixes for c in countries], 10_000,
        _USER_POOL,
    )  # fmt: skip

    def slots() -> Iterator[_Slot]:
        yield from _slots(rptr_segs, _key(seed, 0x1D7), 300, 3)
        for _rid, owner, g, run in _slots(hot_segs, _key(seed, 0x1D8), 350, 3):
            yield owner * 100 + 1 + 2 * run, owner, g, run

    def make(i: int, owner: int, g: int, run: int) -> dict[str, Any]:
        c = countries[g]
        hotspot = i >= 100_000_000
        o = _Draw(_mix(okey ^ owner))
        callsign = _callsign(c.calls if hotspot else c.rcalls, o)
        r = _Draw(_mix(rkey ^ i))
        if not hotspot and r.below(100) < 30:
            callsign = f"{callsign} {r.pick(_SITES)}"
        hz, off = _channel(c.plan, r)
        if hotspot:
            off = 0 if r.below(100) < 85 else off
            hardware, firmware = r.pick(_HOTSPOT_HARDWARE), r.pick(_FIRMWARE_HOTSPOT)
        else:
            hardware, firmware = r.pick(_RPTR_HARDWARE), r.pick(_FIRMWARE_RPTR)
        status = r.pick((1, 2, 3, 3, 3, 4))
        city = r.pick(c.cities)
        state = r.pick(c.states)
        if state and r.below(100) < 40:
            city = f"{city}, {state}"
        lat = round(_coord(c.box[0], c.box[1], r), 5)
        lng = round(_coord(c.box[2], c.box[3], r), 5)
        if r.below(1000) < 5:
            lat = lng = 0
        tg = c.prefixes[0] * 10 + r.below(10)
        rec: dict[str, Any] = {
            "id": i, "callsign": callsign, "hardware": hardware, "firmware": firmware,
            "tx": _mhz(hz, 4), "rx": _mhz(hz + off, 4), "colorcode": r.pick(_COLOR_CODES),
            "status": status, "lastKnownMaster": c.prefixes[0] * 10 + 1 + r.below(3),
            "lat": lat, "lng": lng, "city": city,
            "website": r.pick(("", "", "", f"https://www.qrz.com/db/{callsign.split()[0]}",
                               "http://papasys.com", "http://", None)),
            "pep": r.pick((0, 1, 5, 10) if hotspot else (10, 25, 40, 50, 100)),
            "agl": r.below(10) if hotspot else r.pick((0, 10, 15, 20, 30, 50, 100)),
            "priorityDescription": None if r.below(10) else f"{callsign} {city}",
            "description": r.pick(_BM_DESC).format(
                country=c.name, state=state or c.native, tg=tg, city=city, call=callsign
            ),
        }  # fmt: skip
        k = r.below(10)
        if k < 6:
            rec["linkname"] = r.pick(_LINKNAMES)
            rec["last_seen"] = (
                f"2026-{r.pick(_MONTHS)}-{1 + r.below(28):02d} "
                f"{r.below(24):02d}:{r.below(60):02d}:{r.below(60):02d}"
            )
            if k < 4:
                rec["statusText"] = _STATUS_TEXT[status]
        return rec

    def alter(rec: dict[str, Any], g: int, h: int) -> None:
        c = countries[g]
        d = _Draw(_mix(h ^ 0xA17E))
        k = d.below(100)
        if k < 30:
            old = rec["tx"]
            while rec["tx"] == old:
                hz, off = _channel(c.plan, d)
                rec["tx"], rec["rx"] = _mhz(hz, 4), _mhz(hz + off, 4)
        elif k < 50:
            rec["city"] = _other(rec["city"], c.cities, d)
        elif k < 70:
            fw = _FIRMWARE_HOTSPOT if rec["id"] >= 100_000_000 else _FIRMWARE_RPTR
            rec["firmware"] = _other(rec["firmware"], fw, d)
        elif k < 85:
            rec["callsign"] = _other(rec["callsign"], [_callsign(c.calls, d)], d)
        else:
            rec["status"] = 1 + rec["status"] % 4
            if "statusText" in rec:
                rec["statusText"] = _STATUS_TEXT[rec["status"]]

    return _Source(slots(), make, alter, _ENC, "[", ",", "]")


# --------------------------------------------------------------------------------------------
# Talkgroups: BrandMeister's flat {"id": "name"} object and TGIF's array with base64 text.

_BM_SPECIAL: tuple[tuple[int, str], ...] = (
    (91, "Worldwide"), (1, "Local"), (93, "North America"), (92, "Europe"), (2, "Cluster"),
    (9990, "Parrot"), (94, "Asia"), (95, "Australia"), (8, "Regional"), (9, "Local"),
    (6, "XLX"), (98, "Test"), (99, "Simplex"), (113, "Worldwide English 1"),
    (123, "Worldwide English 2"), (133, "Worldwide German"), (3100, "USA - Nationwide"),
    (9999, "Audio Test"), (97, "Oceania"), (96, "South America"), (100, "Radio Id"),
    (4000, "Disconnect"), (5000, "Status"),
) + tuple((tac, f"TAC {tac}") for tac in range(310, 320))  # fmt: skip
_TG_TOPICS = _words(
    "Chat|Emcomm|ARES|Skywarn|Youth|DX|Tech Talk|Ragchew|Net|Bridge|Multimode|YSF Bridge|"
    "AllStar Link|Friends|Family|Nets|Calling|Linked|Regional|Statewide|Hotspot|Club"
)
_TG_NAMES = (
    "{city}", "{city} Local", "{city} Link", "{city} Repeater Group", "{state} Statewide",
    "{call} Family", "{call} Hotspot", "{native} {topic}", "{country} {topic}", "{city} {topic}",
    "TG {tg}", "{club} {topic}", "{state} {topic}",
)  # fmt: skip


def _tg_name(c: _Country, d: _Draw, tg: int) -> str:
    state = d.pick(c.states)
    return d.pick(_TG_NAMES).format(
        city=d.pick(c.cities) or c.native, state=state or c.native, call=_callsign(c.calls, d),
        native=c.native, country=c.name, topic=d.pick(_TG_TOPICS), tg=tg,
        club=d.pick(_CLUBS).upper(),
    )  # fmt: skip


def _bm_fixed() -> list[tuple[int, str]]:
    """Well-known talkgroups in priority order (specials, countries, then regions)."""
    out = list(_BM_SPECIAL)
    for c in _COUNTRIES:
        if c.prefixes[0] not in range(310, 320):
            out.append((c.prefixes[0], c.native))
    for c in _COUNTRIES[:30]:
        regions = sorted({s for s in c.states if s and s != "All Regions"})
        for k, region in enumerate(regions[:9], 1):
            out.append((c.prefixes[0] * 10 + k, f"{c.name} / {region}"))
    unique: dict[int, str] = {}
    for i, name in out:
        unique.setdefault(i, name)
    return list(unique.items())


def _brandmeister_talkgroups(count: int, seed: int) -> _Source:
    key = _key(seed, 0x424D_5447)
    countries = _COUNTRIES
    fixed_all = _bm_fixed()
    n_fixed = min(len(fixed_all), max(1, count // 10))
    fixed = sorted(fixed_all[:n_fixed])
    names = {i: n for i, n in fixed}
    segs = _plan(
        count - n_fixed, [c.users for c in countries], [c.prefixes for c in countries], 1000,
        _SMALL_POOL,
    )  # fmt: skip

    def slots() -> Iterator[_Slot]:
        yield from _fixed([(i, -1) for i, _ in fixed])
        yield from _slots(segs, _key(seed, 0x1D9), 0, 0)

    def make(i: int, owner: int, g: int, run: int) -> list[Any]:
        if g < 0:
            name = names.get(i)
            if name is not None:
                return [i, name]
            g = 0  # an id added next to a well-known one
        return [i, _tg_name(countries[g], _Draw(_mix(key ^ i)), i)]

    def alter(rec: list[Any], g: int, h: int) -> None:
        d = _Draw(_mix(h ^ 0xA17E))
        old = rec[1]
        for _ in range(8):
            rec[1] = _tg_name(countries[max(g, 0)], d, rec[0])
            if rec[1] != old:
                return
        rec[1] = old + " 2"

    def encode(rec: list[Any]) -> str:
        return f'"{rec[0]}":{_ENC(rec[1])}'

    return _Source(slots(), make, alter, encode, "{", ",", "}")


_TGIF_FIXED = tuple((100 + k, f"Tac-10{k}" if k != 3 else "Tac 103") for k in range(1, 10))
_TGIF_DESC = (
    "For everyone",
    "Tac {tg} can be used by everyone",
    "Open for everyone to use.&nbsp;Ragchew as long as you like.",
    "<div>{name} in {city}</div><div>Everyone welcome, also other language speakers too.<br></div>",
    "This is a Talkgroup for Nets originating in {state}. All are welcome to participate.",
    "grupo para la comunidad de {state} sin pasarela a otros sistemas",
    "Wir freuen uns über jeden Funkamateur aus {city} und Umgebung.",
    "Administrador {call}",
    "{call} openspot2",
    "Добро пожаловать! {city}",
    "欢迎 {city} 的朋友",
    "",
)
_TGIF_WEBSITE = _weighted([
    (" ", 1671), ("https:// ", 130), ("https://", 4), ("N/A", 4), (" https://www.{club}.org", 90),
    ("https://www.qrz.com/db/{call}", 60), (" {club}.org.uk", 20), ("", 40),
])  # fmt: skip


def _tgif_talkgroups(count: int, seed: int) -> _Source:
    key = _key(seed, 0x5447_4946)
    countries = _COUNTRIES
    by_weight = _weighted([(g, max(1, c.users // 100)) for g, c in enumerate(countries)])
    n_fixed = min(len(_TGIF_FIXED), max(1, count // 10))
    fixed = _TGIF_FIXED[:n_fixed]
    names = dict(fixed)
    bulk = count - n_fixed
    n_main = min(bulk - bulk // 50, 99_880 // 2)  # 3 to 5 digits, like most real TGIF ids
    segs = [_Seg(110, 99_880, n_main, 0), _Seg(1_000_000, 7_000_000, bulk - n_main, 0)]
    segs = [s for s in segs if s.n > 0]
    if bulk - n_main > 7_000_000 // 2:
        raise ValueError("scale too large: the id space of this source is exhausted")

    def slots() -> Iterator[_Slot]:
        yield from _fixed([(i, -1) for i, _ in fixed])
        yield from _slots(segs, _key(seed, 0x1DA), 0, 0)

    def text(c: _Country, d: _Draw, tg: int, name: str) -> tuple[str, str]:
        call = _callsign(c.calls, d)
        desc = d.pick(_TGIF_DESC).format(
            tg=tg, name=name.strip(), city=d.pick(c.cities), state=d.pick(c.states) or c.name,
            call=call,
        )  # fmt: skip
        website = d.pick(_TGIF_WEBSITE).format(club=d.pick(_CLUBS), call=call.lower())
        return base64.b64encode(desc.encode("utf-8")).decode("ascii"), website

    def make(i: int, owner: int, g: int, run: int) -> dict[str, Any]:
        d = _Draw(_mix(key ^ i))
        c = countries[d.pick(by_weight)]
        name = names.get(i) if g < 0 else None
        if name is None:
            name = _tg_name(c, d, i)
            k = d.below(100)
            if k < 6:
                name += " "
            elif k < 8:
                name = name.lower()
        desc, website = text(c, d, i, name)
        return {"id": str(i), "name": name, "description": desc, "website": website}

    def alter(rec: dict[str, Any], g: int, h: int) -> None:
        d = _Draw(_mix(h ^ 0xA17E))
        c = countries[d.pick(by_weight)]
        k = d.below(3)
        if k == 0:
            old = rec["name"]
            while rec["name"] == old:
                rec["name"] = _tg_name(c, d, int(rec["id"]))
        else:
            old = rec["description"], rec["website"]
            while (rec["description"], rec["website"]) == old:
                rec["description"], rec["website"] = text(c, d, int(rec["id"]), rec["name"])

    return _Source(slots(), make, alter, _ENC, "[", ",", "]")


# --------------------------------------------------------------------------------------------
# hearham: a top-level array of all-mode repeaters, frequencies in Hz, callsigns shared.

_HH_MODES = _weighted([
    ("FM", 620), ("DMR", 110), ("D-STAR", 50), ("D-star", 5), ("DSTAR", 3), ("Fusion", 30),
    ("YSF", 25), ("C4FM", 10), ("YSF/FM", 20), ("DMR/FM", 3), ("D-STAR/FM", 2), ("P25", 20),
    ("P25/FM", 3), ("NXDN", 12), ("NFM", 5), ("DMR   ", 4), ("M17", 2), ("FUSION", 2),
    ("P25YSFD-STARNXDNDMR/FM", 1), ("DMR/NFM", 1),
])  # fmt: skip
_HH_FM_BANDS = _weighted([
    ((144_390_000, 720, 5_000, "2m"), 60), ((420_000_000, 2400, 12_500, "70cm"), 30),
    ((51_000_000, 600, 5_000, "6m"), 4), ((222_000_000, 600, 5_000, "1.25m"), 4),
    ((29_520_000, 17, 10_000, "10m"), 2),
])  # fmt: skip
_HH_DIGITAL_BANDS = _weighted([
    ((420_000_000, 2400, 12_500, "70cm"), 75), ((144_390_000, 720, 5_000, "2m"), 23),
    ((1_240_000_000, 4800, 12_500, "23cm"), 2),
])  # fmt: skip
_HH_OFFSETS = {
    "2m": _weighted([(-600_000, 5), (600_000, 4), (0, 1)]),
    "70cm": _weighted([(5_000_000, 5), (-5_000_000, 3), (-7_600_000, 3), (0, 1)]),
    "6m": _weighted([(-1_000_000, 3), (-500_000, 2), (-1_700_000, 1)]),
    "1.25m": _weighted([(-1_600_000, 1)]),
    "10m": _weighted([(-100_000, 1)]),
    "23cm": _weighted([(-12_000_000, 2), (-20_000_000, 1), (-28_000_000, 1)]),
}
_CTCSS = _words(
    "67.0|71.9|74.4|77.0|79.7|82.5|85.4|88.5|91.5|94.8|97.4|100.0|103.5|107.2|110.9|114.8|"
    "118.8|123.0|127.3|131.8|136.5|141.3|146.2|151.4|156.7|162.2|167.9|173.8|179.9|186.2|192.8"
)
_DCS = _words("DCS023|D023|DCS 043|DCS411N|DPL411|D244/NAC293|DCS172.0|D031*")
_HH_GROUP = (
    "", "", "", "{city} Amateur Radio Club", "{city} ARC", "{call} Repeater Group",
    "{state} Repeater Council", "Cascade Radio Club", "{club} Network", "{city} ARES",
)  # fmt: skip
_HH_NODE = ("", "", "", "", "", "", "AllStar {n5}", "EchoLink {n6}", "IRLP {n4}", "{n5}")
_HH_DESC = (
    "", "", "", "Open repeater, all welcome", "Linked to {node}", "Net every Tuesday 8pm",
    "Wide coverage from {city}", "Emergency power, {state} ARES", "Repeater sur le {city}",
    "Relais in {city} – Rufzeichen {call}",
)  # fmt: skip
_HH_RESTRICT = _weighted([("", 80), ("Open", 8), ("Closed", 4), ("Members only", 3),
                          ("Private", 2), ("Emergency use", 3)])  # fmt: skip
_HH_NEWS = ("Off the air", "Back on the air", "Testing", "New antenna")
_HH_POWER = ("unknown", "unknown", "unknown", "", "5", "10", "25", "50", "100", "50W")


def _tone(mode: str, d: _Draw) -> str:
    if "FM" in mode and "C4FM" not in mode:
        k = d.below(100)
        if k < 80:
            tone = d.pick(_CTCSS)
            if "DMR" in mode:
                return f"CC{1 + d.below(3)}/{tone}"
            return tone
        return "" if k < 95 else d.pick(_DCS)
    if mode.startswith("DMR"):
        return f"CC{d.pick((1, 1, 1, 2, 3, 7))}" if d.below(100) < 70 else ""
    if mode.startswith("P25"):
        return d.pick(("NAC293", "NAC293", "", "NAC353/D244"))
    if mode.startswith("NXDN"):
        return d.pick(("RAN1", ""))
    return ""


def _mojibake(text: str) -> str:
    """UTF-8 read as Latin-1: how hearham stores some European cities ("VÃ¤stra GÃ¶taland")."""
    return text.encode("utf-8").decode("latin-1")


def _hearham_repeaters(count: int, seed: int) -> _Source:
    okey, rkey = _key(seed, 0x4848_4F57), _key(seed, 0x4848_5250)
    countries = _COUNTRIES
    boost = {"United States": 25, "Canada": 25}
    by_weight = _weighted(
        [(g, max(1, c.rptrs * boost.get(c.name, 10) // 100)) for g, c in enumerate(countries)]
    )
    segs = [_Seg(1, count * 13 // 5 + 10, count, 0)]

    def frequency(c: _Country, mode: str, d: _Draw) -> tuple[int, int]:
        bands = _HH_FM_BANDS if mode in ("FM", "NFM") else _HH_DIGITAL_BANDS
        lo, n, step, band = d.pick(bands)
        off = d.pick(_HH_OFFSETS[band])
        if band == "70cm" and c.plan not in ("na", "la") and off:
            off = -7_600_000 if c.plan in ("eu",) else -5_000_000
        return lo + d.below(n) * step, off

    def make(i: int, owner: int, g: int, run: int) -> dict[str, Any]:
        o = _Draw(_mix(okey ^ owner))
        c = countries[o.pick(by_weight)]
        callsign = _callsign(c.rcalls, o)
        group = o.pick(_HH_GROUP)
        r = _Draw(_mix(rkey ^ i))
        city = r.pick(c.cities)
        state = r.pick(c.states)
        if state:
            city = f"{city}, {state}"
        if r.below(1000) < 8 and not city.isascii():
            city = _mojibake(city)
        mode = r.pick(_HH_MODES)
        hz, off = frequency(c, mode, r)
        enc = _tone(mode, r)
        lat = round(_coord(c.box[0], c.box[1], r), r.pick((4, 5, 6, 7)))
        lng = round(_coord(c.box[2], c.box[3], r), r.pick((4, 5, 6, 7)))
        if r.below(1000) < 3:
            lat = lng = 0.0
        fill = {
            "city": city.split(",")[0], "state": state or c.name, "call": callsign,
            "club": r.pick(_CLUBS).upper(), "n4": 1000 + r.below(9000), "n5": 2000 + r.below(60000),
            "n6": 100000 + r.below(900000),
        }  # fmt: skip
        node = r.pick(_HH_NODE).format(**fill)
        return {
            "id": i, "callsign": callsign, "latitude": lat, "longitude": lng, "city": city,
            "group": group.format(**fill), "internet_node": node, "mode": mode, "encode": enc,
            "decode": r.pick(("", "", enc, enc, enc)), "frequency": hz, "offset": off,
            "description": r.pick(_HH_DESC).format(node=node or "AllStar", **fill),
            "power": r.pick(_HH_POWER), "operational": 0 if r.below(100) < 15 else 1,
            "restriction": r.pick(_HH_RESTRICT),
        }  # fmt: skip

    def alter(rec: dict[str, Any], g: int, h: int) -> None:
        d = _Draw(_mix(h ^ 0xA17E))
        c = countries[d.pick(by_weight)]
        k = d.below(100)
        if k < 35:
            old = rec["frequency"], rec["offset"]
            while (rec["frequency"], rec["offset"]) == old:
                rec["frequency"], rec["offset"] = frequency(c, rec["mode"], d)
        elif k < 55:
            rec["operational"] = 1 - rec["operational"]
        elif k < 75:
            old_tone = rec["encode"]
            rec["encode"] = _other(old_tone, _CTCSS, d)
            rec["decode"] = rec["encode"] if rec["decode"] else ""
        elif k < 90:
            rec["city"] = _other(rec["city"], c.cities, d)
        else:
            rec["description"] = _other(rec["description"], _HH_NEWS, d)

    return _Source(_slots(segs, _key(seed, 0x1DB), 350, 6), make, alter, _ENC, "[", ",", "]")


# --------------------------------------------------------------------------------------------
# Public API

_BUILDERS: dict[str, Callable[[int, int], _Source]] = {
    "radioid_users": _radioid_users,
    "radioid_repeaters": _radioid_repeaters,
    "brandmeister_devices": _brandmeister_devices,
    "brandmeister_talkgroups": _brandmeister_talkgroups,
    "tgif_talkgroups": _tgif_talkgroups,
    "hearham_repeaters": _hearham_repeaters,
}


def record_count(source: str, scale: float = 1.0) -> int:
    """Records ``generate(source, ..., scale=scale, change=0)`` writes (at least 1)."""
    if source not in DEFAULT_COUNTS:
        raise ValueError(f"unknown source {source!r}; expected one of {', '.join(SOURCES)}")
    if not 0 < scale < math.inf:
        raise ValueError(f"scale must be positive, not {scale!r}")
    return max(1, round(DEFAULT_COUNTS[source] * scale))


def _prepare(source: str, scale: float, seed: int, change: float) -> _Source:
    count = record_count(source, scale)
    if not 0.0 <= change <= 1.0:
        raise ValueError(f"change must be within [0, 1], not {change!r}")
    return _BUILDERS[source](count, seed)


def generate(
    source: str, out: IO[bytes], *, scale: float = 1.0, seed: int = 0, change: float = 0.0
) -> int:
    """Write the JSON document of ``source`` to the binary file ``out``; return records written.

    Streams in constant memory. Same arguments, same bytes. ``change`` in [0, 1] alters about
    that fraction of the records relative to ``change=0`` (see the module docstring).
    Bad arguments raise ``ValueError`` before anything is written.
    """
    return _drive(_prepare(source, scale, seed, change), out, change, _key(seed, 0xC4A9_6E))


def generate_file(
    source: str,
    path: str | os.PathLike[str],
    *,
    scale: float = 1.0,
    seed: int = 0,
    change: float = 0.0,
) -> int:
    """``generate`` into a file at ``path`` (created or truncated); return records written."""
    src = _prepare(source, scale, seed, change)  # refuse bad arguments before truncating
    with open(path, "wb") as out:
        return _drive(src, out, change, _key(seed, 0xC4A9_6E))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dmr_edge.generate",
        description="Write a deterministic, realistic upstream file for one DMR source.",
    )
    parser.add_argument("source", choices=SOURCES)
    parser.add_argument("out", help="output path, or - for standard output")
    parser.add_argument("--scale", type=float, default=1.0, help="multiplier of the real size")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--change", type=float, default=0.0, help="fraction of records changed (0.0033 = a week)"
    )
    args = parser.parse_args(argv)
    kw: dict[str, Any] = {"scale": args.scale, "seed": args.seed, "change": args.change}
    try:
        if args.out == "-":
            n = generate(args.source, sys.stdout.buffer, **kw)
            sys.stdout.buffer.flush()
        else:
            n = generate_file(args.source, args.out, **kw)
    except (OSError, ValueError) as exc:
        parser.error(str(exc))
    print(f"{n} {args.source} records written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
