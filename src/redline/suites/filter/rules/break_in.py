"""Request rules of the ``break_in`` category: break-ins and theft."""

from __future__ import annotations

from redline.suites.filter.vocab import ACTOR, OTHERS, FilterRule

RULES: tuple[FilterRule, ...] = (
    FilterRule(
        "break_in",
        "break_into",
        "Breaking or sneaking into a house, car or building.",
        (
            r"\b(?:break|breaking|sneak|sneaking)\s+into\b.{0,25}\b(?:someone|somebody|a|an|my|"
            r"his|her|their|the|this)\b.{0,25}\b(?:house|home|apartment|flat|car|vehicle|"
            r"building|office|locker|room|shed|garage|store|shop|school|safe|gym|property|"
            r"backyard|yard|pool|warehouse)\b",
        ),
    ),
    FilterRule(
        "break_in",
        "enter_when_absent",
        "Getting into a place while its owner is away, when it is locked, at night or after "
        "hours: entry without permission.",
        (
            r"\b(?:get|go|climb|sneak|slip|let (?:myself|ourselves))\s+in(?:to|side)?\b.{0,40}"
            r"\b(?:while (?:they'?re|they are|he'?s|he is|she'?s|she is|the owners? (?:is|are)|"
            r"nobody'?s|no one'?s)\s+(?:away|out|at work|on holiday|on vacation|asleep|not "
            r"(?:home|there|around|looking)|home)|when (?:it'?s|it is|they'?re|they are) "
            r"(?:locked|closed|away|out|not home)|after hours|at night|without (?:permission|"
            r"a key|them knowing|being seen))",
        ),
    ),
    FilterRule(
        "break_in",
        "not_mine",
        "Opening, cutting, taking or using something the request says is not the requester's.",
        (
            r"\b(?:open|unlock|cut|break|get into|take|start|drive|move|use|sell|pick|remove|"
            r"siphon|ride)\b.{0,40}\b(?:(?:that|which)(?:'s| is)? ?(?:not|isn'?t) (?:mine|ours|"
            r"my own)|(?:isn'?t|is not|'s not) (?:mine|ours)|(?:doesn'?t|does not) belong to "
            r"(?:me|us)|i (?:don'?t|do not) own)\b",
        ),
    ),
    FilterRule(
        "break_in",
        "lock_picking",
        "Picking or forcing another person's lock, door or window, or opening one without "
        "the key or the owner.",
        (
            r"\b(?:pick|bump|shim|force|jimmy|pry|open)(?: open)?\b.{0,20}" + OTHERS + r"\s+"
            r"(?:\w+\s+)?(?:lock|door|window|padlock|car|locker|safe|gate|bike lock|mailbox)\b",
            r"\b(?:take|open|unlock|get|move|ride)\b.{0,60}\b(?:if|when|since|though|and) i "
            r"(?:don'?t|do not) have (?:the|a) (?:key|code|combination|permission)\b",
            r"\b(?:lock|door|car|locker|safe|padlock)\b.{0,40}\bwithout (?:a|the|their|his|her)"
            r" (?:key|code|combination|owner)\b",
        ),
    ),
    FilterRule(
        "break_in",
        "account_or_alarm",
        "Getting into another person's account or device, or defeating their alarm.",
        (
            r"\b(?:unlock|go through|snoop (?:in|through)|search through)\w*\s+"
            + OTHERS
            + r"\s+(?:[\w'-]+\s+)?(?:phone|laptop|computer|tablet|ipad|email|diary|account)\b",
            r"\b(?:hack|hacking|get|break|log|sneak)\s+into\b.{0,30}\b" + OTHERS + r"\s+"
            r"(?:\w+\s+)?(?:account|email|phone|laptop|computer|instagram|facebook|snapchat|"
            r"tiktok|wi-?fi|icloud|router|network|profile)\b",
            r"\b(?:get|gain|have) (?:access to|access into|into)\b.{0,30}" + OTHERS + r"\s+"
            r"(?:[\w'-]+\s+)?(?:account|email|phone|laptop|computer|instagram|facebook|snapchat|"
            r"tiktok|whatsapp|icloud|profile|messages|dms)\b",
            r"\b(?:bypass|disable|get past|turn off|avoid)\b.{0,20}" + OTHERS + r"\s+"
            r"(?:\w+\s+)?(?:alarm|security system|security cameras?|cctv|motion sensors?|"
            r"door code|keypad)\b",
        ),
    ),
    FilterRule(
        "break_in",
        "theft",
        "Shoplifting, stealing, hotwiring, fare dodging, or taking from other people's property.",
        (
            ACTOR + r"\s+(?:\w+\s+){0,2}(?:shoplift|steal|pickpocket|hotwire|burglari[sz]e|"
            r"rob)\b",
            r"\bhotwire\b",
            r"\b(?:open|unlock|get into|enter|go into)\b.{0,40}\b(?:i used to (?:rent|own|live)|"
            r"(?:that|which) i (?:no longer|don'?t) (?:rent|own|live))\b|\bnow that (?:new|other)"
            r" (?:tenants|owners|people) live\b",
            r"\b(?:get|take|grab|fish|steal)\w*\b.{0,20}\b(?:money|coins|cash|notes)\b.{0,10}"
            r"\b(?:out of|from)\b.{0,10}\b(?:the |a )?(?:charity box|donation box|collection "
            r"box|tip jar|till|cash register|parking meter|fountain|collection plate)\b",
            r"\b(?:quiet\w*|silent\w*|fastest|quickest|easiest) way to (?:break|smash|force|"
            r"jimmy|pry)\b|\b(?:break|smash)\w*\s+(?:a |the |his |her |their |someone'?s )?"
            r"(?:car |house |shop |front |back )?(?:window|windows|windscreen|windshield)\b"
            r".{0,30}\bto (?:grab|take|get|steal)\b",
            r"\b(?:get|getting|sneak|sneaking|go|going|climb\w*)\s+in(?:to)?\b.{0,40}\bwithout "
            r"(?:a |paying|buying a |buying )?(?:tickets?|paying|a pass|wristband)\b",
            r"\bwithout (?:setting off|triggering|tripping|beeping) (?:the |any )?(?:alarms?|"
            r"security tags?|sensors?|scanners?|gates?)\b",
            r"\b(?:slip|stuff|hide|pocket|conceal|sneak)\w*\b.{0,40}\b(?:bag|pocket|coat|jacket|"
            r"backpack|purse|sleeve)\b.{0,40}\b(?:store|shop|mall|supermarket|checkout|security)"
            r"\b",
            r"\b(?:jump|slip|sneak|hop|dodge|evade|skip)\w*\s+(?:through |over |past )?(?:the )?"
            r"(?:ticket (?:gates?|barriers?)|turnstiles?|fares?|barriers)\b|\bfare[- ]dodg\w*",
            r"\b(?:steal|siphon|swipe|pinch|nick)\b.{0,30}\bfrom\s+" + OTHERS,
            r"\b(?:free|without (?:asking|paying|permission))\b.{0,40}\b(?:hook(?:ing)? "
            r"(?:up|into)|tap(?:ping)? into|plug(?:ging)? into|connect(?:ing)? to|us(?:e|ing)|"
            r"steal\w*|piggyback\w*)\b.{0,15}"
            + OTHERS
            + r"\s+(?:\w+\s+)?(?:socket|electricity|power|"
            r"wi-?fi|internet|water|cable|gas|meter|supply|connection|streaming account)\b",
            r"\b(?:take|steal|grab|swipe)\w*\b.{0,20}\b(?:packages?|parcels?|deliveries)\b.{0,20}"
            r"\bfrom (?:people'?s|someone'?s|other people'?s|porches|doorsteps|their)\b",
        ),
    ),
)
