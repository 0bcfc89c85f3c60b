"""A directory search that forgives: "Moscow", "moskva", "москва", "МОСКВА" and "Москва" find
the same groups, and so does the region ("Татарстан" finds Kazan).

Every text is reduced to a *skeleton*: lower case, ё read as е, Cyrillic written in Latin
letters, and the spellings people mix up made one (y/j/i, kh/h, ts/c, shch/sch/sh, a soft
sign dropped). A group stores the skeleton of its name, city, region and the city's English
name (`Group.search_index`); a query matches when the skeleton of each of its words is part
of it. Plain `LIKE`, so SQLite and PostgreSQL answer alike."""

import re
from functools import lru_cache

CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip
# Latin spellings of the same sound, longest first.
SAME_SOUND = (
    ("shch", "sh"), ("sch", "sh"), ("kh", "h"), ("tz", "c"), ("ts", "c"), ("w", "v"),
    ("yo", "e"), ("y", "i"), ("j", "i"), ("'", ""), ("ii", "i"),
)  # fmt: skip
NOT_A_LETTER = re.compile(r"[^0-9a-z]+")

# Big cities: their region, and the names people type in English (or for short).
PLACES = {
    "Москва": ("Москва", "Moscow", "msk"),
    "Санкт-Петербург": ("Санкт-Петербург", "Saint Petersburg", "St Petersburg", "spb", "Питер"),
    "Новосибирск": ("Новосибирская область",),
    "Екатеринбург": ("Свердловская область", "Yekaterinburg", "Ekb"),
    "Казань": ("Республика Татарстан", "Tatarstan"),
    "Нижний Новгород": ("Нижегородская область", "Nizhny Novgorod"),
    "Челябинск": ("Челябинская область",),
    "Красноярск": ("Красноярский край",),
    "Самара": ("Самарская область",),
    "Уфа": ("Республика Башкортостан", "Bashkortostan", "Bashkiria", "Башкирия"),
    "Ростов-на-Дону": ("Ростовская область", "Rostov-on-Don"),
    "Омск": ("Омская область",),
    "Краснодар": ("Краснодарский край", "Кубань"),
    "Воронеж": ("Воронежская область",),
    "Пермь": ("Пермский край", "Perm"),
    "Волгоград": ("Волгоградская область",),
    "Саратов": ("Саратовская область",),
    "Тюмень": ("Тюменская область",),
    "Тольятти": ("Самарская область",),
    "Ижевск": ("Удмуртская Республика", "Удмуртия"),
    "Барнаул": ("Алтайский край",),
    "Ульяновск": ("Ульяновская область",),
    "Иркутск": ("Иркутская область",),
    "Хабаровск": ("Хабаровский край",),
    "Ярославль": ("Ярославская область",),
    "Владивосток": ("Приморский край", "Приморье"),
    "Махачкала": ("Республика Дагестан", "Дагестан"),
    "Томск": ("Томская область",),
    "Оренбург": ("Оренбургская область",),
    "Кемерово": ("Кемеровская область", "Кузбасс"),
    "Новокузнецк": ("Кемеровская область", "Кузбасс"),
    "Рязань": ("Рязанская область",),
    "Набережные Челны": ("Республика Татарстан", "Tatarstan"),
    "Астрахань": ("Астраханская область",),
    "Пенза": ("Пензенская область",),
    "Киров": ("Кировская область",),
    "Липецк": ("Липецкая область",),
    "Чебоксары": ("Чувашская Республика", "Чувашия"),
    "Калининград": ("Калининградская область",),
    "Тула": ("Тульская область",),
    "Курск": ("Курская область",),
    "Ставрополь": ("Ставропольский край",),
    "Сочи": ("Краснодарский край", "Кубань"),
    "Тверь": ("Тверская область",),
    "Мурманск": ("Мурманская область",),
    "Архангельск": ("Архангельская область",),
    "Петрозаводск": ("Республика Карелия", "Карелия"),
    "Сыктывкар": ("Республика Коми", "Коми"),
    "Якутск": ("Республика Саха (Якутия)", "Якутия"),
    "Подольск": ("Московская область",),
    "Химки": ("Московская область",),
    "Балашиха": ("Московская область",),
    "Мытищи": ("Московская область",),
    "Королёв": ("Московская область",),
    "Зеленоград": ("Московская область",),
}


def normalise(text):
    """Lower case, ё read as е, one space between words."""
    return " ".join((text or "").lower().replace("ё", "е").split())


@lru_cache(maxsize=4096)  # a directory page asks it of every group's city
def skeleton(text):
    """The spelling-free form of `text` (see the module's docstring); ё may be typed yo."""
    latin = "".join(CYRILLIC.get(c, c) for c in normalise(text).replace("-", " "))
    for spelling, same in SAME_SOUND:
        latin = latin.replace(spelling, same)
    latin = re.sub(r"(^|[ |])ie", r"\1e", latin)  # Yekaterinburg = Ekaterinburg
    return " ".join(NOT_A_LETTER.sub(" ", latin).split())


@lru_cache(maxsize=4096)
def _place(city):
    key = normalise(city)
    for name, details in PLACES.items():
        if normalise(name) == key:
            return details[0], details[1:]
    return "", ()


def region_of(city):
    """The region of a city we know, else ""."""
    return _place(city)[0]


def index_for(name, city):
    """What a group is found by: the skeletons of its name, city, region and the city's other
    names, joined with " | " (at most 1000 characters)."""
    region, other_names = _place(city)
    return " | ".join(skeleton(part) for part in (name, city, region, *other_names) if part)[:1000]


def query_words(query, limit=5):
    """The skeletons a query's words must each be part of."""
    words = [skeleton(word) for word in normalise(query).split()[:limit]]
    return [word[:50] for word in words if word]
