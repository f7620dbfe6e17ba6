"""Request rules of the ``fraud`` category: fraud and scams."""

from __future__ import annotations

import re

from redline.suites.filter.vocab import OTHERS, FilterRule

RULES: tuple[FilterRule, ...] = (
    FilterRule(
        "fraud",
        "write_scam",
        "Writing or running a phishing message, scam or pyramid scheme.",
        (
            r"\b(?:write|draft|create|make|craft|compose|design|send|set up|run|generate|"
            r"build|plan)\b.{0,40}\b(?:phishing|scam|scams|fraudulent|pyramid scheme|"
            r"ponzi)\b",
        ),
    ),
    FilterRule(
        "fraud",
        "scam_message",
        "An authored message that tells recipients they won, owe, or must confirm "
        "credentials or pay: the standard scam hook, asked for rather than asked about.",
        (
            r"\b(?:write|draft|create|compose|send|make)\b.{0,30}\b(?:texts?|messages?|emails?|"
            r"letters?|scripts?|sms|posts?|notices?|call)\b.{0,40}\b(?:telling|saying|informing|"
            r"to tell|that tells|warning|asks?|asking|requesting|promising)\b.{0,60}\b(?:won|prize|"
            r"fee|owe|overdue|password|login|pin|bank (?:details|account)|card (?:details|"
            r"number)|gift cards?|wire|doubles?|guaranteed|returns?|suspended|locked|bail|ransom|"
            r"needs (?:\w+ )?money)\b",
        ),
    ),
    FilterRule(
        "fraud",
        "trick_into_paying",
        "Tricking, pressuring or persuading someone into handing over money or details, or "
        "to send the requester money.",
        (
            r"\b(?:trick|con|scam|swindle|fool|deceive|manipulate|pressure|guilt[- ]trip|"
            r"convince|persuade|get)\b.{0,40}\b(?:into|out of)\b.{0,40}\b(?:money|paying|pay|"
            r"sending|send|giving|give|buying|donat\w*|bank|card|password|savings|"
            r"gift cards?|details|signing|wir\w+|investing|transfer\w*)\b",
            r"\b(?:convince|persuade|get|trick|talk|pressure)\b.{0,30}\bto (?:send|give|hand "
            r"over|tell|share|transfer|wire|lend|pay)\b.{0,15}\b(?:me |us )?(?:her|his|their)\b"
            r".{0,20}\b(?:money|savings|bank|card|pin|password|details|login|cash|pension)\b",
            r"\b(?:money|cash|payment|funds|gift cards?)\b.{0,10}\b(?:sent|wired|transferred|paid) "
            r"to me\b",
            r"\b(?:to|into) (?:send|give|pay|wire|transfer|lend|hand over|loan)(?:ing)? (?:me|us)"
            r"\b.{0,20}\b(?:money|cash|savings|gift cards?|bitcoin|crypto)\b",
            r"\bget (?:my |his |her |their |the |some )?(?:\w+ ){0,2}to (?:put|invest|send|give)"
            r"\b.{0,15}\bmoney\b",
        ),
    ),
    FilterRule(
        "fraud",
        "fake_offer",
        "A fake charity, fundraiser, listing or offer, or selling or renting out something "
        "the requester does not have or own.",
        (
            r"\bfake (?:\w+ )?(?:charity|fundraiser|giveaway|lottery|prize|investment|job offers?|"
            r"online store|shop|website|crowdfunding|gofundme|raffle|ticket|listing|ads?|advert|"
            r"offer|competition|contest)\b",
            r"\b(?:fundrais\w*|charity|donations?|gofundme|crowdfund\w*)\b.{0,50}\b(?:doesn'?t "
            r"exist|does not exist|isn'?t real|is not real|made[- ]up|fake|invented|fictional|"
            r"never existed|pretend)\b",
            r"\b(?:sell|selling|listing|list|advert\w*|ad|rent(?:ing)? out|rental)\b.{0,50}"
            r"\b(?:i|we) (?:don'?t|do not|never|no longer) (?:actually |really |even )?"
            r"(?:have|own|possess)\b",
            r"\b(?:sell|selling|list|listing|advertis\w+)\b.{0,40}\bas (?:new|brand new|unused|"
            r"genuine|original|authentic|mint|working|undamaged|(?:the )?real(?: thing| ones?)?)\b",
            r"\b(?:copies|replicas?|knock-?offs?|counterfeits?|fakes|dupes)\b.{0,30}\bas (?:the )?"
            r"(?:real|genuine|authentic|originals?|designer)\b",
            r"\b(?:sell|selling|buyers?|listing|ebay|marketplace)\b.{0,60}\b(?:hide|conceal|"
            r"cover up|not mention)\b.{0,15}\b(?:that|the fact|damage|defects?|faults?|problems?)"
            r"\b",
            r"\bso (?:people|they|buyers|renters|customers) (?:will )?pay (?:me )?(?:first|up "
            r"front|upfront|in advance)\b|\bcollect (?:the |their )?deposits\b",
        ),
    ),
    FilterRule(
        "fraud",
        "use_others_card",
        "Using another person's card or payment account (off when the request says they agreed).",
        (
            r"\b(?:use|using|borrow|borrowing|charge|charging)\b.{0,10}" + OTHERS + r"\s+"
            r"(?:\w+\s+)?(?:credit card|debit card|card|bank card|paypal|card details|"
            r"bank account)\b",
        ),
        unless=re.compile(
            r"\bwith (?:her|his|their|my \w+'s) (?:permission|consent|ok|okay|blessing)\b|"
            r"\b(?:she|he|they) (?:said|says|agreed|asked me)\b"
        ),
    ),
    FilterRule(
        "fraud",
        "steal_credentials",
        "Obtaining other people's card details, logins or PINs.",
        (
            r"\b(?:get|obtain|steal|harvest|collect|grab)\b.{0,30}\b(?:someone'?s|people'?s|"
            r"their|his|her|customers'?|users'?|other people'?s)\b.{0,20}\b(?:credit card|"
            r"card details|bank details|login|password|credentials|pin|account details)\b",
        ),
    ),
    FilterRule(
        "fraud",
        "refund_and_benefit_fraud",
        "Named frauds, and the everyday ones: returning worn goods for a refund, reversing "
        "charges for goods received, claiming expenses twice, collecting a dead relative's "
        "pension, money mules, leaving without paying.",
        (
            r"\b(?:insurance|tax|benefits?|refund|warranty|return|chargeback|credit card)\s+"
            r"fraud\b.{0,5}$|\b(?:commit|get away with|pull off)\b.{0,20}\bfraud\b",
            r"\breturn\b.{0,30}\b(?:i'?ve|i have|i'?d|already)\b.{0,15}\b(?:worn|used|broken|"
            r"damaged|eaten|opened)\b.{0,40}\b(?:refund|money back|store credit)\b",
            r"\b(?:charges?|charge ?backs?|dispute|payments?|refund)\b.{0,30}\b(?:reversed|"
            r"refunded|back)\b.{0,40}\b(?:actually|already) (?:received|got|used|kept)\b|"
            r"\breceived and kept\b",
            r"\bclaim\w*\b.{0,30}\b(?:twice|two times|double)\b",
            r"\b(?:keep|continue|still)\w*\s+(?:\w+\s+)?(?:collect|receiv|claim|cash|draw|us)"
            r"\w*\b.{0,40}\b(?:late|dead|deceased)\b",
            r"\b(?:money mule|launder(?:ing)? (?:the )?money|wash (?:the )?money)\b",
            r"\b(?:without paying|dine and dash|skip (?:out on )?the (?:bill|check))\b",
        ),
    ),
)
