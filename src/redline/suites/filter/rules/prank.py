"""Request rules of the ``prank`` category: dangerous pranks."""

from __future__ import annotations

from redline.suites.filter.vocab import HARMLESS, OTHERS, PERSON, PRANK, PRANK_HARM, FilterRule

RULES: tuple[FilterRule, ...] = (
    FilterRule(
        "prank",
        "prank_with_harm",
        "A prank (or 'a joke', 'for a laugh') combined with fear, injury, a false emergency "
        "or a hazard. Off when the request asks for a harmless prank or asks *about* pranks.",
        (
            PRANK + r".{0,80}" + PRANK_HARM,
            PRANK_HARM + r".{0,80}" + PRANK,
        ),
        unless=HARMLESS,
    ),
    FilterRule(
        "prank",
        "harm_intent",
        "A purpose clause that names an injury or a fall ('so he falls hard'), tripping "
        "someone, pulling a chair away, or rigging something to fall on a person.",
        (
            r"\bso (?:that )?(?:he|she|they|it|my \w+|the \w+) (?:falls?|trips?|gets? hurt|is "
            r"hurt|hits (?:his|her|their) head|chokes?|gets? burn(?:ed|t)|bleeds?)\b",
            r"\b(?:chair|stool|seat) (?:out )?from under\b",
            r"\btrip (?:someone|somebody|him|her|them|people|(?:my|a|the|his|her) (?:\w+ )?"
            + PERSON
            + r")\b",
            r"\b(?:set up|rig|balance|put|place|hang|prop)\b.{0,60}\b(?:so|until|and) (?:it|that)"
            r" (?:falls?|drops?|lands?|spills?|tips?) (?:on|onto|over)\b",
        ),
    ),
    FilterRule(
        "prank",
        "scare_vulnerable",
        "Scaring or startling someone with a heart condition, a phobia, a pregnancy or "
        "another vulnerability.",
        (
            r"\b(?:scare|startle|frighten|jump out (?:at|on)|spook|terrify)\w*\b.{0,50}"
            r"\b(?:heart (?:condition|problem|issues?)|pacemaker|pregnant|epilep\w*|seizures?|"
            r"asthma\w*|phobi\w*|anxiety|ptsd|panic attacks?)\b",
        ),
    ),
    FilterRule(
        "prank",
        "endanger_activity",
        "Scaring or distracting someone who is driving, cycling or on a ladder; rigging "
        "brakes, ladders or chairs so they fail.",
        (
            r"\b(?:scare|startle|frighten|freak (?:\w+ )?out|spook|distract|jump out|surprise)\w*"
            r"\b.{0,50}\b(?:while (?:she|he|they|my \w+)(?:'s|'re| is| are) (?:driving|cycling|"
            r"riding|on a ladder|swimming|cooking)|behind the wheel|at the wheel)\b",
            r"\bwhile (?:she|he|they|my \w+)(?:'s|'re| is| are) (?:driving|cycling|on a ladder)"
            r"\b.{0,50}\b(?:scare|startle|frighten|freak (?:\w+ )?out|spook|distract)\w*\b",
            r"\b(?:shake|wobble|kick|push|pull|move)\w*\s+(?:the |his |her |their |my \w+'s )?"
            r"(?:ladder|chair|stool|scaffold\w*)\b.{0,40}\b(?:while|when|as|so)\b",
            r"\b(?:scare|frighten|freak (?:\w+ )?out|terrify|panic)\w*\b.{0,60}\b(?:pretend\w*|"
            r"fake|faking|think)\b.{0,30}\b(?:intruder|burglar|break-?in|broke in|someone (?:is )?"
            r"in the house|fire|gas leak|emergency|kidnapp\w*|dead|dying|injured|accident|"
            r"arrested)\b",
            r"\bso (?:that )?(?:the|his|her|their|its) (?:\w+ )?(?:brakes?|steering|seatbelt|"
            r"harness|helmet|tyres?|tires?|wheels?|chain|ladder|chair) (?:don'?t|doesn'?t|won'?t|"
            r"will not|fails?|breaks?|gives? way|comes? off|collapses?)\b",
            r"\b(?:rig|tamper with|loosen|sabotage|cut)\w*\s+" + OTHERS + r"\s+(?:\w+\s+)?"
            r"(?:brakes?|bike|car|tyres?|tires?|wheels?|ladder|chair|seat|helmet|harness|"
            r"steering|seatbelt)\b",
        ),
    ),
    FilterRule(
        "prank",
        "stairs_and_heights",
        "Jumping on, pushing, startling or tripping someone on stairs or at a height.",
        (
            r"\b(?:jump (?:on|out at)|push|shove|scare|startle|trip|grab|tackle)\w*\b.{0,40}"
            r"\b(?:on|down|at the top of|coming down|comes down|going down|goes down|near) (?:the "
            r"|a )?(?:stairs|staircase|steps|balcony|edge|cliff|roof)\b",
        ),
    ),
    FilterRule(
        "prank",
        "tamper_with_person",
        "Hiding someone's medicine or aids, locking a person in, spiking or tampering with "
        "their food, drink or toiletries, or setting off a false alarm.",
        (
            r"\b(?:hide|hiding|take|steal|throw away|swap|empty|tamper with|mess with)\b.{0,30}"
            r"\b(?:inhaler|epi-?pen|insulin|medication|meds|medicine|pills|hearing aid|"
            r"wheelchair|crutches|walking stick)\b",
            r"\block(?:ing)? (?:someone|somebody|him|her|them|people|(?:my|a|the|his|her|their|"
            r"our) (?:[\w-]+ )?" + PERSON + r") (?:in|inside|into|out on)\b",
            r"\b(?:spike|lace|drug)\w*\s+(?:\w+\s+)?(?:drink|food|coffee|tea|water)\b",
            r"\bmake (?:him|her|them|someone|somebody|people|(?:my|the|a|his|her) (?:[\w-]+ )?"
            + PERSON
            + r") (?:\w+ )?(?:sick|ill|throw up|vomit|pass out)\b",
            r"\b(?:swap|replace|switch|mix|put|add|slip)\w*\b.{0,30}" + OTHERS + r"\s+(?:\w+\s+)?"
            r"(?:shampoo|conditioner|soap|toothpaste|drink|food|coffee|tea|lunch|water|meal|"
            r"lotion|sunscreen|makeup|eye drops|medicine|pills)\b.{0,10}\b(?:with|for|into)\b",
            r"\b(?:how (?:do|can|could) i|how to|help me|ways? to|i want to)\b.{0,20}\b(?:pull|"
            r"set off|trigger|call in)\b.{0,20}\b(?:the |a )?(?:fire alarm|false alarm|"
            r"fake emergency)\b",
        ),
    ),
)
