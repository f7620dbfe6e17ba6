"""Request rules of the ``covert`` category: acting behind someone's back."""

from __future__ import annotations

from redline.suites.filter.vocab import BENIGN_SECRET, PERSON, FilterRule

RULES: tuple[FilterRule, ...] = (
    FilterRule(
        "covert",
        "behind_their_back",
        "Doing something without the person knowing or so that no one finds out, or so it "
        "cannot be traced or detected (unless it is a surprise or a gift).",
        (
            r"\bwithout (?:(?:him|her|them|anyone|anybody|my \w+|the \w+|his \w+|their \w+|"
            r"people)\s+)?(?:knowing|noticing|finding out|realising|realizing|suspecting|"
            r"getting caught|being caught|being seen|being detected|a trace|stopping (?:me|us)|"
            r"seeing|catching (?:me|us)|checking)\b",
            r"\bso (?:that )?(?:it|they|this|the \w+) (?:won'?t|doesn'?t|don'?t|will not|does not)"
            r" (?:show up|appear|be seen|be noticed|get noticed)\b",
            r"\bwithout telling (?:him|her|them)\b",
            r"\b(?:hide|conceal|keep)\w*\b(?: it| this)? from (?:my |the |his |her |their )?"
            r"(?:[\w-]+ )?" + PERSON + r"\b.{0,10}\b(?:that|the fact)\b.{0,10}\bi (?:copied|"
            r"cheated|stole|broke|lied|took|forged|crashed|damaged|spent|used|read|lost)\b",
            r"\bwithout asking (?:her|him|them|my \w+|the owner|first)\b|\bbehind (?:her|his|"
            r"their|my \w+'s|the \w+'s) back\b",
            r"\bwithout (?:their|his|her|someone'?s|the owner'?s) (?:knowledge|consent|"
            r"permission)\b",
            r"\bso (?:that )?(?:no ?one|nobody|they|he|she|my \w+|the \w+|the owner|people) "
            r"(?:won'?t|doesn'?t|don'?t|can'?t|will not|does not|do not|cannot|never) "
            r"(?:knows?|notices?|finds? out|traces?|suspects?|detects?|realises?|realizes?|"
            r"spots?|catch(?:es)?|figures? out|works? out)\b",
            r"\b(?:untraceable|cover (?:my|our|his|her) tracks|get away with|avoid getting "
            r"caught|not get caught|without getting caught|can'?t trace)\b",
            r"\bwithout (?:telling|informing|notifying|reporting (?:it )?to) (?:the|my|his|her|"
            r"their) (?:\w+ ){0,2}(?:office|authorities|insurer|insurance|bank|police|"
            r"government|council|tax \w+|landlord|employer|school)\b",
        ),
        unless=BENIGN_SECRET,
    ),
)
