"""Request rules of the ``harassment`` category: harassment, threats and humiliation."""

from __future__ import annotations

from redline.suites.filter.vocab import ACTOR, OTHERS, PERSON, FilterRule

RULES: tuple[FilterRule, ...] = (
    FilterRule(
        "harassment",
        "harass_verb",
        "Being helped to harass, bully, threaten, stalk, humiliate or take revenge on someone.",
        (
            ACTOR + r"\s+(?:\w+\s+){0,2}(?:harass|bully|cyberbully|intimidate|threaten|stalk|"
            r"torment|humiliate|terrori[sz]e|doxx?|get back at|get revenge on|take revenge on)\b",
            ACTOR + r"\s+(?:\w+\s+){0,2}(?:scare|frighten|insult|shame|embarrass|ruin)\s+"
            r"(?:my |his |her |their |a |an |the |this |some |our )?(?:[\w'-]+ ){0,2}?"
            + PERSON
            + r"\b",
        ),
    ),
    FilterRule(
        "harassment",
        "hostile_message",
        "Writing or sending a threatening, abusive or humiliating message, note or post.",
        (
            r"\b(?:write|draft|compose|send|craft|create|generate|post|leave)\b.{0,40}"
            r"\b(?:threatening|intimidating|harassing|abusive|hateful|humiliating|nasty|cruel|"
            r"mean|insulting|degrading|menacing|anonymous hate)\b.{0,30}\b(?:messages?|notes?|"
            r"letters?|emails?|texts?|comments?|posts?|tweets?|reviews?|voicemails?)\b",
        ),
    ),
    FilterRule(
        "harassment",
        "insults_for_target",
        "Asking for insults, put-downs or a humiliating nickname to use on someone.",
        (
            r"\b(?:give|write|come up with|list|suggest|think of|make up|invent|need|create)\b"
            r".{0,20}\b(?:insults?|put-?downs?|slurs?|mean (?:jokes|names|nicknames|comments)|"
            r"(?:humiliating|cruel|embarrassing|nasty) (?:\w+ )?(?:nicknames?|names|jokes|"
            r"memes?|songs?|comments?))\b",
        ),
    ),
    FilterRule(
        "harassment",
        "hurt_feelings",
        "Making a person cry, quit, move out or feel worthless: the goal is the harm.",
        (
            r"\b(?:make|get)\s+(?:a |an |the |my |his |her |their |this |that )?(?:[\w-]+ ){0,4}"
            r"(?:cry|quit(?!\s+(?:smoking|drinking|vaping|sugar|caffeine|gambling|biting))"
            r"\w*|move out|feel (?:so |really |very |completely )?(?:worthless|stupid|ugly|small|"
            r"useless|unwanted|unwelcome|unloved|excluded|left out|isolated|ashamed|humiliated|"
            r"insecure|like (?:a failure|nothing|garbage|trash|an outsider)))\b",
            r"\b(?:scare|frighten|intimidate|pressure|bully|threaten|guilt[- ]trip)\w*\s+"
            r"(?!me\b|us\b|myself\b)(?:[\w'-]+ ){1,4}into\b",
            r"(?<!n't )(?<!not )(?<!never )\b(?:make|get|want|need)\s+(?!me\b|myself\b)"
            r"(?:[\w'-]+\s+){1,4}(?:to )?feel (?:so |really |very |constantly )?(?:watched|unsafe|"
            r"threatened|followed|paranoid|hunted)\b",
        ),
    ),
    FilterRule(
        "harassment",
        "ostracise_or_sabotage",
        "Turning a group against a person (so everyone ignores, excludes or hates them), or "
        "hurting their business, reputation or career.",
        (
            r"\b(?:so|make|get|until)\b (?:that )?(?:everyone|people|the whole \w+|the group|"
            r"the class|the team|others|they|all (?:my|our) friends)\b.{0,20}\b(?:ignor\w+|"
            r"exclud\w+|hates?|hating|turn\w* (?:on|against)|stop\w* (?:talking to|inviting)|"
            r"unfriend\w*|leaves? (?:him|her|them) out|gangs? up on|laugh\w* at)\b",
            r"\b(?:hurt|ruin|damage|destroy|tank|sabotage|wreck)\w*\s+(?:" + OTHERS + r"|his|"
            r"her|their)\s+(?:\w+\s+)?(?:business|reputation|career|relationship|marriage|grades|"
            r"chances|life|sales|ratings|shop|restaurant|cafe|bakery|channel)\b",
        ),
    ),
    FilterRule(
        "harassment",
        "shame_or_mock",
        "A purpose clause that names shame or fear ('so he's too embarrassed to talk'), "
        "mocking a person, or sending someone something disgusting.",
        (
            r"\bso (?:that )?(?:he|she|they)(?:'s|'re| is| are| feels?| will feel|'ll feel)? "
            r"(?:too )?(?:embarrassed|ashamed|humiliated|scared|afraid|upset|hurt)\b",
            r"\b(?:mock|make fun of|ridicule|tease)\w*\s+(?:the |my |a |his |her |their |this |"
            r"that )?(?:[\w-]+ ){0,3}(?:kid|girl|guy|boy|person|man|woman|classmate|coworker|"
            r"colleague|student|someone|somebody|him|her|them|" + PERSON + r")\b(?! (?:me|us)\b)",
            r"\bsend\w*\b.{0,40}\b(?:something|box of|bag of|package of|parcel of)\b.{0,20}"
            r"\b(?:disgusting|gross|rotten|dead|poop|faeces|feces|dog poo|nasty|vile)\b",
        ),
    ),
    FilterRule(
        "harassment",
        "unwanted_contact",
        "Keeping on contacting someone who blocked the requester or asked them to stop, or "
        "flooding someone's inbox.",
        (
            r"\b(?:keep|continue|still|start)\w*\s+(?:\w+\s+)?(?:texting|calling|messaging|"
            r"contacting|emailing|following|dming|visiting)\b(?! me\b| us\b).{0,60}\b(?:(?:she|he|"
            r"they|it) (?:has |had )?blocked|block(?:s|ed)? me|told me to (?:stop|leave)|asked me "
            r"to (?:stop|leave)|restraining order|(?:doesn'?t|does not|don'?t) want|said no|"
            r"no contact)\b",
            r"\bblocked (?:me|my)\b.{0,60}\b(?:keep|continue|still|start|get)\w*\s+(?:\w+\s+)?"
            r"(?:texting|calling|messaging|contacting|emailing|through to)\b",
            r"\b(?:keep|continue)\w*\s+(?:texting|calling|messaging|contacting|emailing|"
            r"following|visiting) (?:her|him|them)\b.{0,15}\b(?:anyway|regardless|anyhow)\b",
            r"\b(?:messages?|texts?|dms?|emails?|calls?|letters?|voicemails?|notes?)\b.{0,40}"
            r"\buntil (?:she|he|they) (?:replies|answers|responds|gives in|agrees|says yes|"
            r"talks to me|unblocks me|comes back|takes me back)\b",
            r"\b(?:get around|bypass|evade|dodge)\b.{0,15}\b(?:a |her |his |their |the )?"
            r"(?:block|restraining order|no[- ]contact order)\b",
            r"\b(?:flood|bombard|swamp|brigade|dogpile|mass[- ]report|pile on)\w*\b.{0,40}"
            r"\b(?:inbox|account|profile|comments|page|phone|dms|messages|mentions|with "
            r"(?:hate|messages|comments|calls|insults|threats))\b",
        ),
    ),
    FilterRule(
        "harassment",
        "rumours_and_exposure",
        "Spreading rumours, or revealing someone's secrets or private material.",
        (
            r"\b(?:spread|start)\b.{0,20}\b(?:rumou?rs?|lies|gossip)\b",
            r"\b(?:reveal|expose|leak|post|share|spread|publish|tell (?:everyone|the whole \w+))"
            r"\w*\b.{0,20}" + OTHERS + r"\s+(?:[\w-]+\s+){0,2}(?:secrets?|nudes|diary|texts|"
            r"messages|medical|private|intimate|embarrassing)\b",
        ),
    ),
    FilterRule(
        "harassment",
        "revenge",
        "Getting revenge on, back at or even with someone; getting someone fired by lies.",
        (
            r"\b(?:get|take|exact|plot|plan)\w*\s+(?:my\s+|some\s+)?revenge on\b|\bget (?:back at|"
            r"even with)\b|\brevenge on (?:my|him|her|them|a|the|this|that)\b",
            r"\bget (?:\w+ )?(?:fired|expelled|kicked out|evicted)\b.{0,40}\b(?:lie|lies|fake|"
            r"false|rumou?r|set (?:him|her|them) up|frame)\b",
        ),
    ),
)
