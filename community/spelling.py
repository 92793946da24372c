"""Letters without a Unicode decomposition that still have an obvious ASCII spelling: for
@handles ("Yılmaz" lost its dotless ı: "@sabine.ylmaz") and for search (folded words)."""

ASCII_SPELLING = str.maketrans({"ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i",
                                "Ø": "O", "Æ": "AE", "Œ": "OE", "Ł": "L", "Đ": "D", "Ð": "D", "Þ": "TH"})
