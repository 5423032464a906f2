"""Countries: radioid's names, real record counts, id prefixes, languages, callsigns, places."""

from __future__ import annotations

from dmr_edge.bench.generate.draw import _spec, _words
from dmr_edge.bench.generate.people import _LANGS, _templates

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
