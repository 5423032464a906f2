"""Callsigns and personal names by language, as radioid's users carry them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from dmr_edge.bench.generate.draw import _Draw, _weighted, _words

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
