"""The building blocks of the filter's rules: the rule type, the category labels, and the
shared vocabulary fragments (people, roles, prank framing) that the rules are written in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "ABOUT_NOT_FOR",
    "ACTOR",
    "BENIGN_SECRET",
    "CATEGORY_LABELS",
    "FAKE",
    "HARMLESS",
    "OTHERS",
    "PERSON",
    "PRANK",
    "PRANK_HARM",
    "ROLE",
    "FilterRule",
]

# How the rules are organised. Every rule is a :class:`FilterRule`: the category it belongs
# to, a short name (recorded with every decision), the *why* (what it matches and why that
# signals the harm), one or more regular expressions over the normalised request (lower-case,
# straight quotes, single spaces), and optionally an ``unless`` expression that, when it
# matches anywhere in the request, switches the rule off (a surprise party is not covert
# harm; a "harmless" prank is not a dangerous one). A category fires once at most, on the
# first of its rules that matches.
#
# Development discipline. The rules were written from the category list and tuned only on
# the development set ``data/filter_dev.jsonl`` (173 harmful requests and 173 benign
# look-alikes written for this purpose), never on the held-out ``refusal_probes.jsonl``
# that the ``harmful_requests`` and ``benign_lookalikes`` tasks score. Patterns describe
# intents (a verb of doing aimed at another person, "so they think ...", "without them
# knowing", "pretend to be", "as a prank" with a harm), not dev strings. The rules were
# frozen before the probes were read; docs/suites.md has the development and held-out
# numbers and the known gaps.

ACTOR = (
    r"(?:how (?:can|do|could|would|should|might) i|how to|help me|teach me (?:how )?to|ways to|"
    r"tips (?:for|on|to)|best way to|easiest way to|i want to|i need to|i'm going to|"
    r"can you help me|show me how to)"
)
"""A request to be helped doing something (the verb that follows is the intent)."""

PERSON = (
    r"(?:partner|wife|husband|(?:ex-)?girlfriend|(?:ex-)?boyfriend|spouse|ex|friends?|parents?|"
    r"mom|mum|dad|mother|father|boss|manager|coworkers?|colleagues?|classmates?|teachers?|"
    r"professor|customers?|clients?|employees?|neighbou?rs?|roommates?|flatmates?|housemates?|"
    r"siblings?|brother|sister|kids?|child|children|son|daughter|cousin|aunt|uncle|landlord|"
    r"tenant|grandma|grandmother|grandpa|grandfather|elderly|stranger|someone|somebody|people|"
    r"coach|cashier|crush|student|tutor|streamer|him|her|them)"
)
"""Another person, as a request usually names them."""

OTHERS = (
    r"(?:someone(?: else)?'?s|somebody'?s|another person'?s|other people'?s|people's|"
    r"a stranger'?s|his|her|their|(?:my|a|the|our|his|her|their) (?:[\w-]+ ){0,2}"
    + PERSON
    + r"'?s)"
)
"""A possessive that points at someone other than the requester ("my neighbour's")."""

ROLE = (
    r"(?:police|cop|officer|detective|agent|doctor|nurse|lawyer|bank|banker|irs|hmrc|tax office|"
    r"government|official|boss|manager|ceo|teacher|professor|principal|headteacher|landlord|"
    r"parent|mother|mom|mum|father|dad|relative|grandchild|grandson|granddaughter|"
    r"tech support|it support|support agent|customer service|courier|delivery (?:company|"
    r"driver|service)|inspector|social worker|journalist|reporter|recruiter|celebrity|"
    r"charity|school|university|company|employer|insurer|council|someone else|another person|"
    r"him|her|them|ex|friend|coworker|colleague|sister|brother|employee|representative)"
)
"""Someone (often an authority or an institution) a request might ask to pose as."""

HARMLESS = re.compile(
    r"\b(?:harmless|safe|safely|gentle|friendly|light-?hearted|wholesome|"
    r"won'?t (?:hurt|harm|injure|damage|upset|scare)|will not (?:hurt|harm|injure|damage)|"
    r"without (?:hurting|harming|injuring|damaging|upsetting)|(?:doesn'?t|does not|don'?t|"
    r"do not) (?:hurt|harm|injure|damage)|no(?:body| one) gets? hurt)\b"
    r"|^(?:why|is it|are (?:they|pranks)|what (?:is|are) the (?:risks?|dangers?|consequences|"
    r"penalt\w+|laws?))\b"
)
"""Qualifiers that make a prank benign, or a question *about* pranks rather than for one."""

PRANK = (
    r"\b(?:pranks?|pranking|pranked|as a joke|for a joke|for a laugh|for laughs|as a gag|"
    r"to mess with)\b"
)
"""Words that frame a request as a prank or a joke."""

PRANK_HARM = (
    r"\b(?:scared?|scaring|terrif\w+|freak(?:s|ed|ing)? (?:\w+ )?out|frighten\w*|panic\w*|"
    r"heart attack|hurts?|hurting|injur\w+|bleed\w*|fall\w* (?:hard|down|over|off)|trip\w*|"
    r"burn\w*|chok\w+|faint\w*|pass(?:es)? out|lock\w* (?:\w+ )?(?:in|inside)|trap\w*|"
    r"tie (?:\w+ )?up|kidnap\w*|hostage|fire alarm|911|999|emergency|police|swat\w*|"
    r"allerg\w+|hair removal|laxatives?|bleach|super ?glue|pepper spray|inhaler|epi-?pen|"
    r"medication|broke in|break-?in|breaking in|intruder|drown\w*|electric\w*|shock\w*|"
    r"road|traffic|drivers|stairs|ladder|knife|gun|fake (?:death|suicide|injury|emergency)|"
    r"(?:pretend(?:ing)? to be|play(?:ing)?) dead|cry|scream\w*)\b"
)
"""Fear, injury, false emergencies and hazards: what turns a prank into a dangerous one."""

BENIGN_SECRET = re.compile(
    r"\b(?:surprise|gift|present|party|proposal|propose|birthday|anniversary)\b"
)
"""Secrecy around a surprise or a gift is not covert harm."""


ABOUT_NOT_FOR = re.compile(
    r"^(?:how (?:do|can|could|should|would) (?:i|we|you|people|parents|my \w+) (?:report|spot|"
    r"recogni[sz]e|detect|identify|tell (?:if|whether|when)|know (?:if|whether|when)|check "
    r"(?:if|whether)|verify|protect|guard|defend|prevent|stop (?:someone|somebody|people|them|"
    r"him|her|others|scammers|my \w+) from \w+ (?:me|my|us|our)\b)"
    r"|what happens (?:if|when)|what should i do (?:if|when) (?:someone|somebody|a |an |my )"
    r"|what (?:is|are) the (?:penalt\w+|consequences|punishments?|laws?|risks|signs)"
    r"|is it (?:legal|illegal|against the law|a crime)"
    r"|how (?:do|does|can) (?:scammers|fraudsters|thieves|stalkers|burglars|cheaters|bullies) )"
    r"|\b(?:help|teach|show|warn) (?:my \w+|him|her|them|people|others|kids|students) (?:to )?"
    r"(?:spot|recogni[sz]e|detect|report|identify)\b"
)
"""Requests *about* a harm rather than *for* it: how to spot, report or stop it, what the
penalty is, whether it is legal, or helping someone else recognise it. A request that matches
is not screened by any request rule (a known gap: "How do I spot X? Now write one" passes)."""


@dataclass(frozen=True)
class FilterRule:
    """One documented rule of the filter.

    ``category`` groups rules (one match per category is reported), ``name`` identifies the
    rule in the decision record, ``why`` says what it matches and why that signals the harm,
    ``patterns`` are regular expressions over the normalised text (any may match), and
    ``unless`` (when set) exempts a text it matches anywhere.
    """

    category: str
    name: str
    why: str
    patterns: tuple[str, ...]
    unless: re.Pattern[str] | None = None


CATEGORY_LABELS: dict[str, str] = {
    "forgery": "forged or falsified documents",
    "deception": "deceiving or manipulating people",
    "harassment": "harassing, threatening or humiliating someone",
    "privacy": "exposing or tracking a private person",
    "fraud": "fraud or scams",
    "cheating": "cheating or academic dishonesty",
    "break_in": "break-ins or theft",
    "prank": "dangerous pranks",
    "impersonation": "impersonating someone",
    "covert": "acting behind someone's back",
}
"""Human labels of the categories, used in the refusal message."""

FAKE = (
    r"(?:fake|forge|forged|forging|counterfeit|falsif(?:y|ied|ying)|fabricate|fabricated|"
    r"phony|phoney|bogus|doctored|made[- ]up)"
)
