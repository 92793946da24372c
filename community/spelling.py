"""Letters without a Unicode decomposition that still have an obvious ASCII spelling: for
@handles ("Yılmaz" lost its dotless ı: "@sabine.ylmaz") and for search (folded words)."""

ASCII_SPELLING = str.maketrans({"ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i",
                                "Ø": "O", "Æ": "AE", "Œ": "OE", "Ł": "L", "Đ": "D", "Ð": "D", "Þ": "TH"})


# Places with names that differ by language, as folded words (community.profiles.search.fold):
# a person's location in one language is also found by the others ("München" finds "Munich",
# "Vienna" finds "Wien"). One-word names only; the company's own spelling stays what is shown.
PLACE_NAMES: tuple[tuple[str, ...], ...] = (
    ("munich", "munchen", "muenchen"), ("vienna", "wien"), ("cologne", "koln", "koeln"),
    ("nuremberg", "nurnberg", "nuernberg"), ("zurich", "zuerich"), ("hanover", "hannover"),
    ("brunswick", "braunschweig"), ("geneva", "geneve", "genf"), ("lucerne", "luzern"), ("basel", "bale", "basle"),
    ("milan", "milano", "mailand"), ("rome", "roma", "rom"), ("turin", "torino"), ("naples", "napoli", "neapel"),
    ("florence", "firenze", "florenz"), ("venice", "venezia", "venedig"), ("prague", "praha", "prag"),
    ("warsaw", "warszawa", "warschau"), ("cracow", "krakow", "krakau"), ("brussels", "bruxelles", "brussel"),
    ("antwerp", "antwerpen", "anvers"), ("ghent", "gent"), ("bruges", "brugge"),
    ("luxembourg", "luxemburg"), ("strasbourg", "strassburg"), ("copenhagen", "kobenhavn", "kopenhagen"),
    ("gothenburg", "goteborg", "goeteborg"), ("lisbon", "lisboa", "lissabon"), ("seville", "sevilla"),
    ("moscow", "moskva", "moskau"), ("athens", "athina", "athen"), ("bucharest", "bucuresti", "bukarest"),
    ("belgrade", "beograd", "belgrad"), ("hague", "haag"),
)
_PLACE_OF_WORD = {word: group for group in PLACE_NAMES for word in group}


def place_aliases(folded: str) -> list[str]:
    """The other names of the places named in a folded text ("munich" -> munchen, muenchen)."""
    words = folded.split()
    found: list[str] = []
    for word in words:
        for alias in _PLACE_OF_WORD.get(word, ()):
            if alias not in words and alias not in found:
                found.append(alias)
    return found
