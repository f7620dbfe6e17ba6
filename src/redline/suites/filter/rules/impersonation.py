"""Request rules of the ``impersonation`` category: impersonation."""

from __future__ import annotations

from redline.suites.filter.vocab import OTHERS, ROLE, FilterRule

RULES: tuple[FilterRule, ...] = (
    FilterRule(
        "impersonation",
        "pose_as",
        "Pretending to be, posing as, passing as or impersonating someone (a role or a "
        "specific person).",
        (
            r"\b(?:pos(?:e|ing) as|impersonat(?:e|ing)(?! me\b| us\b)|masquerad(?:e|ing) as)\b",
            r"\b(?:pretend(?:ing)? to be|pass(?:ing)? (?:myself |ourselves )?(?:off )?as)\b"
            r".{0,20}\b(?:a |an |the |my |his |her |their )?(?:\w+ )?" + ROLE + r"\b",
            r"\b(?:say|saying|claim|claiming|tell (?:them|him|her))\b (?:that )?(?:you'?re|you are|"
            r"i'?m|i am|it'?s|this is) (?:my|his|her|their|the) (?:\w+ )?" + ROLE + r"\b",
            r"\bas if (?:i'?m|i am|i were|i was|we'?re|we are|it'?s from|it came from|it was "
            r"from) (?:a |an |the |from |my |his |her |their )?(?:\w+ )?" + ROLE + r"\b",
        ),
    ),
    FilterRule(
        "impersonation",
        "spoofed_authorship",
        "A message, account or letter made to look as if it came from, belongs to or was "
        "signed by someone else.",
        (
            r"\b(?:write|draft|send|compose|make)\b.{0,40}\b(?:email|message|text|letter|post|"
            r"note|tweet)\b.{0,40}\b(?:(?:looks|sounds|appears|seems) (?:like )?(?:it'?s |it is )?"
            r"(?:from|to be from|written by)|as if (?:it (?:was|were|is|came) )?from|"
            r"pretending to be|in the name of|signed (?:as|by) (?:my|the|his|her))\b",
            r"\b(?:looks?|sounds?|seems?|appears?|reads?) (?:like|as if|as though) (?:it )?"
            r"(?:was |is |'s |were )?(?:came from|comes from|belongs? to|was sent by|was written "
            r"by|is from|was from)\b",
            r"\b(?:write|draft|compose|send|make|create)\b.{0,20}\b(?:email|message|text|"
            r"letter|notice)\b (?:from|as) '?(?:it support|tech "
            r"support|the it department|the bank|your bank|the irs|hmrc|the police|the "
            r"government|a delivery company|the delivery company)\b",
            r"\b(?:write|draft|sign|send|compose)\b.{0,60}\bas (?:the|my|his|her|their) (?:\w+ )?"
            r"(?:principal|headteacher|teacher|boss|manager|doctor|police|officer|landlord|"
            r"parent|mum|mom|dad|mother|father|sister|brother|friend|wife|husband|girlfriend|"
            r"boyfriend|ex|ceo|president|director|owner|founder|mayor|head|chair)\b",
            r"\b(?:write|send|post|sign|draft|reply|email|text|message)\w*\b.{0,40}\bin "
            + OTHERS
            + r" name\b",
            r"\b(?:in the voice of|as though i were)\b.{0,60}\bso (?:people|they|everyone|fans|"
            r"followers)\b",
        ),
    ),
    FilterRule(
        "impersonation",
        "fake_account",
        "A fake, spoofed or cloned account, profile, number or identity.",
        (
            r"\b(?:fake|spoof|spoofed|spoofing|clone|cloned|impostor|made[- ]up|burner|"
            r"sock ?puppet)\b.{0,20}\b(?:account|profile|email address|caller id|phone number|"
            r"page|website|voice|identity)\b",
        ),
    ),
    FilterRule(
        "impersonation",
        "use_identity",
        "Signing another person's name, using their name or details to sign up, or "
        "stealing an identity.",
        (
            r"\bsign(?:ing)?\b.{0,20}\b" + OTHERS + r"\s+(?:name|signature)\b",
            r"\b(?:profile|account|page)\b.{0,30}\b(?:using|with)\s+" + OTHERS + r"\s+"
            r"(?:\w+\s+)?(?:photos?|pictures?|pics|name|identity|details)\b",
            r"\b(?:sign(?:ing)? (?:up|in)|register|subscribe|apply|order|book|create an account|"
            r"make an account|open an account)\b.{0,40}\b(?:using|with|under|in)\s+"
            + OTHERS
            + r"\s+(?:\w+\s+)?(?:name|email|details|identity|address|phone number|card|id)\b",
            r"\bsteal(?:ing)? (?:\w+ )?identity\b|\b(?:commit|do|pull off)\b.{0,20}"
            r"\bidentity theft\b",
            r"\b(?:from|on|using|use|with) "
            + OTHERS
            + r" (?:phone|account|email)\b.{0,30}\b(?:as (?:her|"
            r"him|them)|acting as|pretending)\b",
        ),
    ),
)
