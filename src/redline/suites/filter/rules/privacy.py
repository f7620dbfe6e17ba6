"""Request rules of the ``privacy`` category: exposing or tracking a private person."""

from __future__ import annotations

import re

from redline.suites.filter.vocab import OTHERS, PERSON, FilterRule

RULES: tuple[FilterRule, ...] = (
    FilterRule(
        "privacy",
        "personal_details",
        "Finding a private person's address, number, records or identity: a finding verb "
        "aimed at another person's details.",
        (
            r"\b(?:find|get|look up|lookup|track down|locate|dig up|uncover|obtain|figure out|"
            r"work out|find out)\b.{0,40}\b(?:home address|where (?:he|she|they|(?:my|his|her|"
            r"their|this|that|a|the) (?:[\w-]+ ){0,3}\w+) (?:lives?|is staying|sleeps|works|"
            r"lives now)|social security number|" + OTHERS + r" (?:[\w-]+ )?(?:address|"
            r"phone number|number|email|location|password|schedule|real name|full name|name|"
            r"identity|whereabouts|medical (?:history|records?)|criminal record))\b",
            r"\b(?:find|get|look up|obtain|see|access|read)\b.{0,20}\b(?:medical (?:history|"
            r"records?|condition)|health records?|diagnosis|criminal record|phone number|"
            r"home address|personal (?:details|information))\s+(?:of|for|about)\s+(?:my|his|"
            r"her|their|a|the|this|that)\s+(?:[\w-]+ ){0,3}" + PERSON + r"\b",
            r"\b(?:phone number|number|home address|address|email|instagram|snapchat|full name|"
            r"last name|surname|real name)\s+(?:of|for)\s+(?:the|that|this|a)\s+(?:\w+ ){0,2}"
            r"(?:cashier|barista|waiter|waitress|girl|guy|woman|man|lady|stranger|driver|"
            r"receptionist|cyclist|jogger)\b",
            r"\b(?:tell me|find out|work out|figure out|show me|look up)\b.{0,60}\bwhere (?:he|she|"
            r"they|this person|that person|the owner|the driver) (?:lives?|is staying|sleeps)\b",
            r"\b(?:licen[cs]e|number) plate\b.{0,60}\b(?:who owns|owner'?s? (?:name|address)|"
            r"where (?:they|he|she) lives?)\b",
            r"\b(?:name|address|owner)\b.{0,20}\bfrom (?:their|his|her|a|the) (?:car'?s )?"
            r"(?:licen[cs]e plate|number plate|plate number)\b",
        ),
    ),
    FilterRule(
        "privacy",
        "dossier",
        "Compiling everything about a person, or their routine and movements, or unmasking "
        "an anonymous account.",
        (
            r"\b(?:dig up|find out|look up|research|compile|gather|collect|put together|find|"
            r"get)\b\s+(?:everything|all|anything|dirt|info(?:rmation)?)\b.{0,20}\b(?:about|on)"
            r"\s+(?:my|this|that|a|the|his|her|their)\s+(?:[\w-]+ ){0,2}" + PERSON + r"\b",
            r"\b(?:track|map|put together|figure out|work out|find out|know|learn|log|record|"
            r"timeline of)\b.{0,30}" + OTHERS + r"\s+(?:\w+\s+)?(?:daily routine|routine|"
            r"schedule|movements|whereabouts|comings and goings|commute)\b",
            r"\bso i (?:know|can see|can find out|can tell) where (?:he|she|they)(?:'ll| will|"
            r" is|'s| are|'re| goes| go)\b",
            r"\b(?:find out|work out|figure out|uncover|reveal|unmask|identify|discover|expose|"
            r"track down)\b.{0,40}\b(?:real (?:identity|name)|who (?:is )?(?:really )?behind|"
            r"who runs|who owns)\b",
        ),
    ),
    FilterRule(
        "privacy",
        "surveil_person",
        "Tracking, monitoring or spying on a person, reading their messages, or seeing whom "
        "they talk to.",
        (
            r"\b(?:track|monitor|spy on|keep tabs on|follow|watch)(?:ing|s|ed)?\s+(?:my |his |her |"
            r"their |"
            r"a |the )?(?:[\w-]+ )?" + PERSON + r"\b.{0,40}\b(?:location|phone|messages|texts|"
            r"whereabouts|without|secretly|browsing|calls|every move)\b",
            r"\bspy(?:ing)? on\b",
            r"\b(?:read|see|access|check|get into|look (?:at|through)|go through|snoop)\b.{0,20}"
            + OTHERS
            + r"\s+(?:\w+\s+)?(?:texts?|messages|dms|emails?|inbox|phone|diary|journal|"
            r"whatsapp|chats?|browser history|search history|notes)\b",
            r"\b(?:see|find out|know|check|read|monitor)\b.{0,10}\bwho (?:my|his|her|their) "
            r"(?:[\w-]+ ){0,2}(?:is|are|has been|have been) (?:messaging|texting|talking to|"
            r"calling|seeing|emailing|dating|chatting with)\b",
            r"\bdoxx?(?:ing)?\b",
        ),
    ),
    FilterRule(
        "privacy",
        "covert_surveillance_tool",
        "Secret recording or tracking, or planting a tracker, spyware or hidden camera.",
        (
            r"\b(?:record|film|tape|listen in on|bug)\w*\s+" + OTHERS + r"\s+(?:\w+\s+)?"
            r"(?:calls?|conversations?|phone calls?|meetings?|bedroom|room)\b",
            r"\b(?:find|find out|work out|figure out|know|see|track|tell me)\b.{0,20}\bwhere "
            r"(?:he|she|they|(?:my|his|her|their) (?:[\w-]+ )?" + PERSON + r") (?:is|are|goes|"
            r"hangs out|will be)\b(?! from)",
            r"\b(?:secretly|covertly|hidden|hide a|without (?:them|him|her) knowing)\b.{0,30}"
            r"\b(?:record|film|photograph|track|monitor|camera|tracker|gps|microphone)\b",
            r"\b(?:install|put|hide|plant|set up|use|attach)\b.{0,20}\b(?:tracking app|tracker|"
            r"spyware|stalkerware|keylogger|gps tracker|airtag|tracking device|hidden camera|"
            r"spy app|monitoring app)\b.{0,20}\b(?:on|in|under|to)\b.{0,5}" + OTHERS,
        ),
    ),
    FilterRule(
        "privacy",
        "withheld_details",
        "The request says the person would not give their address or number: getting it "
        "anyway overrides their refusal (off when the request is about accepting that).",
        (
            r"\b(?:won'?t|doesn'?t want to|does not want to|refuses to|refused to|wouldn'?t|"
            r"didn'?t want to|will not) (?:give|tell|share with) (?:me|us) (?:her|his|their) "
            r"(?:\w+ )?(?:address|number|phone number|email|location|full name|last name|"
            r"instagram|snapchat|schedule)\b",
            r"\b(?:won'?t|wouldn'?t|doesn'?t want to|does not want to|refuses to|didn'?t want to|"
            r"will not) (?:say|tell me|tell us|share|let me know) where\b",
            r"\bex(?:-\w+)?\b.{0,60}\bfind (?:out )?(?:her|his|their|where (?:she|he|they))\b",
        ),
        unless=re.compile(r"\b(?:respect|accept|move on|let (?:it|her|him|them) go|get over)\b"),
    ),
    FilterRule(
        "privacy",
        "publish_details",
        "Posting or sharing another person's address, number or photos publicly.",
        (
            r"\b(?:post|share|publish|leak|spread|put up|send out)\w*\b.{0,15}"
            + OTHERS
            + r"\s+(?:\w+\s+)?(?:address|phone number|number|email|location|photos?|pictures?|"
            r"personal details|workplace)\b",
        ),
    ),
)
