"""The fictional demo's data: networks, states with their zones and languages, agencies, name pools, and the
members left imperfect on purpose. Nobody here is real (see liaison.demo)."""

from __future__ import annotations

NETWORKS = (
    (
        "FTF",
        "24/7 Network on Foreign Terrorist Fighters",
        "Europe/Paris",
        "FR",
        "Round-the-clock points of contact for the exchange of information on foreign terrorist fighters.",
    ),
    (
        "VOT",
        "24/7 Network on Victims of Terrorism",
        "Europe/Paris",
        "FR",
        "Points of contact who inform and assist victims of terrorism across borders.",
    ),
    (
        "IACN",
        "Inter-American Counterterrorism Network",
        "America/New_York",
        "US",
        "Counterterrorism points of contact of the American states.",
    ),
)

# code, main IANA zone, languages (ISO 639-1), name pool, networks ("-": in no network)
STATES = """
FR Europe/Paris fr fr FTF,VOT
DE Europe/Berlin de de FTF,VOT
ES Europe/Madrid es es FTF,VOT
IT Europe/Rome it it FTF,VOT
PL Europe/Warsaw pl pl FTF,VOT
UA Europe/Kyiv uk uk FTF,VOT
NL Europe/Amsterdam nl nl FTF,VOT
BE Europe/Brussels nl,fr,de nl FTF,VOT
PT Europe/Lisbon pt pt FTF,VOT
GR Europe/Athens el el FTF,VOT
SE Europe/Stockholm sv nordic FTF,VOT
RO Europe/Bucharest ro ro FTF,VOT
GE Asia/Tbilisi ka ka FTF,VOT
TR Europe/Istanbul tr tr FTF,VOT
MA Africa/Casablanca ar,fr ar FTF,VOT
TN Africa/Tunis ar,fr ar FTF,VOT
JO Asia/Amman ar ar FTF,VOT
KE Africa/Nairobi sw,en ke FTF,VOT
NG Africa/Lagos en,ha,yo ng FTF,VOT
ZA Africa/Johannesburg en,af,zu za FTF,VOT
IN Asia/Kolkata hi,en in FTF,VOT
JP Asia/Tokyo ja ja FTF,VOT
AU Australia/Sydney en en FTF,VOT
NZ Pacific/Auckland en,mi en FTF,VOT
US America/New_York en,es en FTF,VOT,IACN
NO Europe/Oslo no nordic FTF
FI Europe/Helsinki fi,sv fi FTF
SA Asia/Riyadh ar ar FTF
AE Asia/Dubai ar ar FTF
EG Africa/Cairo ar ar FTF
PK Asia/Karachi ur,en pk FTF
ID Asia/Jakarta id id FTF
PH Asia/Manila tl,en ph FTF
SG Asia/Singapore en,ms,zh,ta sg FTF
KZ Asia/Almaty kk,ru kz FTF
CY Asia/Nicosia el,tr el FTF
AT Europe/Vienna de de VOT
IE Europe/Dublin en,ga ie VOT
SN Africa/Dakar fr,wo sn VOT
GH Africa/Accra en gh VOT
KR Asia/Seoul ko ko VOT
CA America/Toronto en,fr en IACN
MX America/Mexico_City es latam IACN
BR America/Sao_Paulo pt br IACN
AR America/Argentina/Buenos_Aires es latam IACN
CL America/Santiago es latam IACN
CO America/Bogota es latam IACN
PE America/Lima es latam IACN
EC America/Guayaquil es latam IACN
UY America/Montevideo es latam IACN
PY America/Asuncion es,gn latam IACN
BO America/La_Paz es,qu latam IACN
PA America/Panama es latam IACN
CR America/Costa_Rica es latam IACN
GT America/Guatemala es latam IACN
DO America/Santo_Domingo es latam IACN
JM America/Jamaica en en IACN
TT America/Port_of_Spain en en IACN
IS Atlantic/Reykjavik is nordic -
"""

# Organisations as members: real organisations, fictional contacts. code, name, zone, languages, pool,
# networks, region whose numbers the contacts use.
ORGANISATION_MEMBERS = (
    (
        "EUROPOL",
        "Europol (European Union Agency for Law Enforcement Cooperation)",
        "Europe/Amsterdam",
        "en,fr,de",
        "en",
        "FTF",
        "NL",
    ),
    ("OSCE", "Organization for Security and Co-operation in Europe", "Europe/Vienna", "en,fr,de,ru", "en", "VOT", "AT"),
)

# (name, short name, agency kind) by network; a state names a different agency on each network.
AGENCIES = {
    "FTF": (
        ("National Counter-Terrorism Police Unit", "CTPU", "police"),
        ("National Screening Centre", "NSC", "screening_centre"),
        ("Counter-Terrorism Prosecution Office", "CTPO", "prosecutor"),
        ("Directorate of Counter-Terrorism Intelligence", "DCTI", "intelligence"),
        ("Travel Screening and Returnees Unit", "TSRU", "police"),
        ("Interior Ministry Counter-Terrorism Coordination Office", "CTCO", "interior_ministry"),
    ),
    "VOT": (
        ("Ministry of Justice, Victims of Terrorism Unit", "VTU", "justice_ministry"),
        ("National Victim Support Service", "NVSS", "victim_support"),
        ("Office for Victims of Crime and Terrorism", "OVCT", "victim_support"),
        ("Prosecution Service, Victim Liaison Office", "VLO", "prosecutor"),
        ("Interior Ministry Crisis and Victim Assistance Centre", "CVAC", "interior_ministry"),
    ),
    "IACN": (
        ("National Police Counter-Terrorism Directorate", "CTD", "police"),
        ("National Intelligence Directorate", "NID", "intelligence"),
        ("Ministry of Foreign Affairs, Counter-Terrorism Desk", "MFA-CT", "foreign_ministry"),
        ("Ministry of Security, Counter-Terrorism Coordination", "MS-CTC", "interior_ministry"),
        ("Financial Intelligence and Counter-Terrorism Unit", "FICTU", "intelligence"),
    ),
}
ORGANISATION_AGENCIES = {
    "EUROPOL": ("Counter-Terrorism Operations Desk", "CTOD", "international_organisation"),
    "OSCE": ("Victims of Terrorism Focal Point", "VTFP", "international_organisation"),
}

# Hand-written name parts per region: female given names, male given names, family names ("male|female" where
# the language inflects them). Combined at random, so they name nobody in particular.
NAMES = {
    "fr": (
        "Claire,Sophie,Camille,Laure,Élodie,Manon,Hélène,Aurélie",
        "Julien,Mathieu,Nicolas,Antoine,Thomas,Guillaume,Olivier,Rémi",
        "Marchand,Lefèvre,Garnier,Rousseau,Fontaine,Chevalier,Girard,Morel,Lambert,Bonnet,Perrin,Roussel",
    ),
    "de": (
        "Katrin,Miriam,Sabine,Anja,Julia,Franziska,Nadine",
        "Jonas,Felix,Tobias,Lukas,Stefan,Matthias,Florian",
        "Hartmann,Keller,Brandt,Vogel,Lehmann,Krüger,Schuster,Winkler,Berger,Lorenz",
    ),
    "es": (
        "Lucía,Marta,Elena,Nuria,Irene,Carmen,Raquel",
        "Javier,Pablo,Sergio,Álvaro,Jorge,Rubén,Iván",
        "Navarro,Ortega,Serrano,Molina,Castillo,Iglesias,Vidal,Herrera,Cabrera,Prieto",
    ),
    "latam": (
        "Valentina,Camila,Daniela,Gabriela,Mariana,Paola,Ximena,Lorena",
        "Mateo,Santiago,Diego,Andrés,Sebastián,Felipe,Emiliano,Rodrigo",
        "Rojas,Vargas,Morales,Castro,Mendoza,Guzmán,Ríos,Aguilar,Paredes,Salazar,Quintero,Benítez",
    ),
    "it": (
        "Giulia,Chiara,Francesca,Silvia,Valeria,Elisa",
        "Marco,Luca,Davide,Matteo,Stefano,Alessandro",
        "Ferraro,Galli,Conti,Mancini,Marino,Greco,Fontana,Caruso,Rinaldi,Testa",
    ),
    "pt": (
        "Inês,Beatriz,Mariana,Carolina,Joana,Rita",
        "João,Tiago,Rui,Pedro,Nuno,Miguel",
        "Carvalho,Fonseca,Pinto,Moreira,Teixeira,Correia,Mendes,Lopes,Sequeira",
    ),
    "br": (
        "Ana Clara,Larissa,Fernanda,Juliana,Patrícia,Renata",
        "Rafael,Gustavo,Thiago,Bruno,Leonardo,Vinícius",
        "Barbosa,Ribeiro,Cardoso,Nascimento,Araújo,Moura,Campos,Freitas,Rocha",
    ),
    "pl": (
        "Agnieszka,Katarzyna,Magdalena,Joanna,Monika",
        "Piotr,Tomasz,Marcin,Paweł,Krzysztof",
        "Nowak,Wójcik,Kaczmarek,Mazur,Krawczyk,Sikora,Zając,Pawlak",
    ),
    "uk": (
        "Olena,Iryna,Oksana,Nataliia,Yuliia",
        "Andrii,Dmytro,Taras,Serhii,Oleh",
        "Kovalenko,Bondarenko,Tkachenko,Shevchuk,Melnyk,Kravchuk,Lysenko,Marchenko",
    ),
    "nl": (
        "Sanne,Femke,Lotte,Anouk,Marieke,Eline",
        "Joost,Bram,Daan,Ruben,Thijs,Wouter",
        "de Vries,Jansen,Bakker,Visser,Smit,Mulder,Dekker,van Dijk,Peeters,Claes",
    ),
    "el": (
        "Eleni,Katerina,Sofia,Dimitra,Georgia,Vasiliki",
        "Giorgos,Nikos,Dimitris,Kostas,Yannis,Christos",
        "Papadakis|Papadaki,Nikolaidis|Nikolaidou,Georgiou,Antoniou,Vlachos|Vlachou,Karagiannis|Karagianni,"
        "Konstantinou,Michailidis|Michailidou",
    ),
    "nordic": (
        "Ingrid,Astrid,Sigrid,Maja,Linnea,Karin",
        "Erik,Lars,Henrik,Johan,Anders,Magnus",
        "Lindqvist,Berg,Dahl,Nyberg,Holm,Sandberg,Lund,Ekström,Haugen,Bakke",
    ),
    "fi": (
        "Aino,Sanna,Laura,Johanna,Tiina",
        "Mikko,Janne,Ville,Antti,Jussi",
        "Virtanen,Mäkinen,Laine,Heikkinen,Koskinen,Järvinen,Lehtonen",
    ),
    "ro": (
        "Ioana,Elena,Raluca,Andreea,Cristina",
        "Andrei,Mihai,Vlad,Bogdan,Radu",
        "Popescu,Ionescu,Dumitru,Stan,Constantin,Georgescu,Marinescu",
    ),
    "en": (
        "Emma,Olivia,Grace,Hannah,Charlotte,Chloe,Rebecca,Natalie",
        "James,Daniel,Samuel,Oliver,Matthew,Nathan,Callum,Ethan",
        "Mitchell,Turner,Harper,Bennett,Hughes,Fraser,Walsh,Reid,Sinclair,Porter,Lawson,Griffin",
    ),
    "ie": (
        "Aoife,Siobhán,Niamh,Orla,Clodagh",
        "Ciarán,Declan,Eoin,Cormac,Darragh",
        "Kavanagh,Byrne,Gallagher,Doyle,McCarthy,Brennan,Lynch",
    ),
    "ka": (
        "Nino,Tamar,Ana,Mariam,Salome",
        "Giorgi,Levan,Davit,Irakli,Nika",
        "Beridze,Kapanadze,Gelashvili,Lomidze,Maisuradze,Tsiklauri,Japaridze",
    ),
    "tr": (
        "Elif,Zeynep,Ayşe,Selin,Deniz,Ebru",
        "Emre,Burak,Mert,Kerem,Murat,Onur",
        "Yılmaz,Demir,Şahin,Aydın,Öztürk,Arslan,Doğan,Kılıç,Çelik",
    ),
    "ar": (
        "Leila,Nour,Salma,Rania,Amal,Yasmin,Hala",
        "Karim,Omar,Youssef,Tarek,Hassan,Samir,Khaled",
        "Haddad,Mansour,Saleh,Nasser,Khalil,Bennani,Amrani,Farouk,Aziz,Rahman,Habib,Jaber",
    ),
    "ke": (
        "Wanjiru,Achieng,Njeri,Atieno,Wambui",
        "Otieno,Kamau,Mutua,Kiprop,Onyango",
        "Odhiambo,Mwangi,Kiprono,Wafula,Chebet,Omondi,Njoroge",
    ),
    "ng": (
        "Chiamaka,Funmilayo,Ngozi,Aisha,Folake",
        "Emeka,Tunde,Ibrahim,Chinedu,Segun",
        "Okafor,Adeyemi,Balogun,Eze,Nwosu,Bello,Okonkwo,Adebayo",
    ),
    "gh": (
        "Akosua,Abena,Efua,Adwoa,Ama",
        "Kwame,Kofi,Yaw,Kwabena,Kojo",
        "Mensah,Owusu,Boateng,Asante,Appiah,Darko,Agyeman",
    ),
    "sn": (
        "Aminata,Fatou,Awa,Khady,Mariama",
        "Moussa,Cheikh,Ousmane,Mamadou,Ibrahima",
        "Diop,Ndiaye,Sarr,Fall,Faye,Gueye,Sow",
    ),
    "za": (
        "Thandiwe,Lerato,Naledi,Anri,Zanele",
        "Sipho,Pieter,Johan,Thabo,Lwazi",
        "Dlamini,Nkosi,van der Merwe,Mokoena,Botha,Khumalo,Ndlovu",
    ),
    "in": (
        "Priya,Ananya,Kavya,Meera,Divya,Shreya",
        "Arjun,Rahul,Vikram,Rohan,Aditya,Karthik",
        "Sharma,Iyer,Reddy,Nair,Gupta,Menon,Kulkarni,Banerjee,Joshi,Pillai",
    ),
    "ja": (
        "Haruka,Aiko,Naoko,Emi,Yui,Mai",
        "Kenji,Takeshi,Daisuke,Shota,Hiroshi,Ryo",
        "Sato,Suzuki,Takahashi,Watanabe,Ito,Yamamoto,Nakamura,Kobayashi,Kato,Yoshida",
    ),
    "pk": (
        "Ayesha,Sana,Hina,Mahnoor,Zainab",
        "Bilal,Imran,Faisal,Usman,Hamza",
        "Qureshi,Malik,Siddiqui,Chaudhry,Butt,Raza,Sheikh",
    ),
    "id": (
        "Dewi,Siti,Rina,Putri,Ayu",
        "Budi,Agus,Hendra,Rizky,Eko",
        "Santoso,Wijaya,Pratama,Saputra,Hidayat,Kurniawan,Setiawan",
    ),
    "ph": (
        "Kristine,Angelica,Maricel,Joanna,Camille",
        "Paolo,Ramon,Carlo,Miguel,Jerome",
        "Dela Cruz,Santos,Reyes,Bautista,Villanueva,Mercado,Navarro",
    ),
    "sg": ("Mei Ling,Hui Min,Xin Yi,Shu Fen", "Wei Jie,Jun Hao,Kai Wen,Zhi Hao", "Tan,Lim,Ng,Goh,Teo,Chua,Koh"),
    "ko": (
        "Ji-woo,Seo-yeon,Ye-jin,Su-bin,Ha-eun",
        "Min-jun,Hyun-woo,Dong-hyun,Ji-hoon,Seung-min",
        "Kim,Park,Choi,Jung,Kang,Yoon,Han",
    ),
    "kz": (
        "Aigerim,Dana,Saule,Madina,Aruzhan",
        "Nurlan,Yerlan,Askar,Daniyar,Timur",
        "Akhmetov|Akhmetova,Sadykov|Sadykova,Omarov|Omarova,Iskakov|Iskakova,Nurpeisov|Nurpeisova",
    ),
}

# The deliberately imperfect members, so readiness warnings show: (network, member).
GAP = ("FTF", "KE")  # rotation restricted to weekdays: nobody on duty at weekends
UNVERIFIED = ("VOT", "NG")  # no duty officer has a verified channel
UNCONFIRMED = ("IACN", "PE")  # roster never confirmed
OVERLAPPING = ("FTF", "FR")  # two overlapping overrides in the coming weeks; the later one wins
RUNNING_OVERRIDE = ("FTF", "DE")  # an override running at ``now``
STALE_CONTACTS = (("FTF", "EG"), ("IACN", "BR"), ("VOT", "ZA"))  # one officer's channels verified long ago

APPROVED_REQUEST = ("FTF", "CY")
PENDING_REQUEST = ("VOT", "IS")  # asked by the outsider's member
DECLINED_REQUEST = ("IACN", "GTN", "Global Threat Notes Ltd")

OVERRIDE_REASONS = ("Illness: cover", "Annual leave: cover", "Training course: cover", "Family leave: cover")
OFFICER_NOTES = ("Duty officer", "Senior duty officer", "Liaison officer", "Analyst on call", "Head of unit")

BENCH_ZONES = """
Pacific/Honolulu US; America/Anchorage US; America/Los_Angeles US; America/Denver US; America/Chicago US;
America/New_York US; America/Mexico_City MX; America/Bogota CO; America/Lima PE; America/Santiago CL;
America/Sao_Paulo BR; America/Argentina/Buenos_Aires AR; America/Halifax CA; America/St_Johns CA;
Atlantic/Azores PT; Atlantic/Reykjavik IS; Europe/London GB; Europe/Lisbon PT; Europe/Paris FR; Europe/Berlin DE;
Europe/Rome IT; Europe/Athens GR; Europe/Kyiv UA; Europe/Istanbul TR; Africa/Cairo EG; Africa/Lagos NG;
Africa/Nairobi KE; Africa/Johannesburg ZA; Asia/Dubai AE; Asia/Karachi PK; Asia/Kolkata IN; Asia/Kathmandu NP;
Asia/Dhaka BD; Asia/Bangkok TH; Asia/Jakarta ID; Asia/Singapore SG; Asia/Tokyo JP; Asia/Seoul KR;
Australia/Adelaide AU; Australia/Sydney AU; Pacific/Auckland NZ; Pacific/Chatham NZ; Pacific/Tongatapu TO;
Pacific/Kiritimati KI
"""
