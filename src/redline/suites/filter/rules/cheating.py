"""Request rules of the ``cheating`` category: cheating and academic dishonesty."""

from __future__ import annotations

from redline.suites.filter.vocab import OTHERS, FilterRule

RULES: tuple[FilterRule, ...] = (
    FilterRule(
        "cheating",
        "cheat_on_assessment",
        "Cheating on an exam, test, homework or game (not a cheat sheet or cheat day).",
        (
            r"\bcheat(?:ing)?\b(?!\s*(?:sheet|code|day|meal))\s+(?:on|in|during|at)\b.{0,30}"
            r"\b(?:exams?|tests?|quiz(?:zes)?|midterms?|finals?|assessments?|certification|"
            r"homework|assignments?|games?|tournaments?|taxes|my (?:\w+ )?(?:partner|wife|"
            r"husband|girlfriend|boyfriend|spouse))\b",
        ),
    ),
    FilterRule(
        "cheating",
        "evade_detection",
        "Getting work past plagiarism or AI detectors, proctors or anti-cheat.",
        (
            r"\b(?:bypass|beat|fool|evade|get past|trick|get around|undetectable by|not "
            r"(?:get )?(?:detected|flagged|caught) by)\b.{0,30}\b(?:plagiarism (?:checkers?|"
            r"detectors?|detection|software)|turnitin|gptzero|ai[- ]detect(?:ors?|ion)|"
            r"proctor(?:s|ing)?|anti-?cheat)\b",
            r"\b(?:won'?t|doesn'?t|will not|does not|wouldn'?t|can'?t) (?:get |be )?(?:flagged|"
            r"detected)\b.{0,30}\b(?:plagiari\w+|copied|copying|teacher|professor|checker|"
            r"turnitin)\b|\b(?:copied|copy|copying)\b.{0,60}\b(?:won'?t|doesn'?t|will not|not)"
            r" (?:get |be )?(?:flagged|detected|noticed|spotted)\b",
        ),
    ),
    FilterRule(
        "cheating",
        "not_own_work",
        "Presenting someone else's work as one's own, having graded work done 'for me' or "
        "'in my place', or making ghost-written work 'sound like I wrote it'.",
        (
            r"\bpass(?:ing)? (?:[\w'-]+ ){0,6}off as (?:my|his|her|their|our) own\b|"
            r"\b(?:submit|hand|turn|claim|present)\w*\b(?: (?:it|this|them|that))?(?: in)? as "
            r"(?:mine|my own)\b|"
            r"\bpass(?:ing)? off\b.{0,60}\bas (?:my|his|her|their|our) own\b|"
            r"\b(?:submit|hand in|turn in|claim) (?:it|this|them|that) as my own\b",
            r"\b(?:write|do|complete|take|finish)\b.{0,20}\bmy\b.{0,20}\b(?:essay|homework|"
            r"assignment|exam|test|thesis|dissertation|coursework|quiz|paper)\b.{0,60}"
            r"\b(?:won'?t|doesn'?t|not|never|can'?t) (?:know|notice|find out|tell|detect)\b",
            r"\b(?:take|sit|do|write|complete|finish|answer|solve)\b.{0,5}\b(?:my|the|these|this|"
            r"our)\b.{0,30}\b(?:exam|test|quiz|midterm|final|assessment|homework|assignment|"
            r"essay|coursework)\b(?: questions| problems)?.{0,15}\b(?:for me|in my place|"
            r"instead of me|on my behalf|as me)\b",
            r"\b(?:said|says|told (?:us|me)|rules say|not allowed|isn'?t allowed|aren'?t allowed|"
            r"banned|forbidden)\b.{0,20}\b(?:work alone|work (?:on it )?independently|no "
            r"(?:outside )?help|not to use (?:ai|chatgpt|help)|no ai|no collaboration)\b",
            r"\b(?:sounds?|looks?|reads?|seems?) (?:like|as if) (?:i|me) (?:wrote|did|made|"
            r"created) it\b|\bsound like i wrote\b|\bas if (?:it'?s|it is|it were|it was) (?:mine|"
            r"my own)\b",
            r"\b(?:thinks?|believes?|assumes?)\b.{0,10}\b(?:it'?s|it is|it was) (?:mine|my own)\b|"
            r"\b(?:thinks?|believes?|assumes?) i (?:wrote|did|made) it\b",
            r"\b(?:copy|copying|steal|stealing)\b.{0,20}" + OTHERS + r"\s+(?:\w+\s+)?(?:code|"
            r"essay|homework|assignment|work|answers|paper|project|lab report)\b",
        ),
    ),
    FilterRule(
        "cheating",
        "exam_aids",
        "Hiding notes in an exam, sharing answers during a test, seeing the questions or "
        "answer key beforehand.",
        (
            r"\b(?:hide|sneak|smuggle|conceal|store|hidden|write)\b.{0,30}\b(?:notes?|answers?|"
            r"formulas?|cheat ?sheet|earpiece)\b.{0,60}\b(?:exams?|tests?|quiz|midterms?|"
            r"finals?)\b",
            r"\b(?:smart ?watch|phone|earpiece|earbuds?|notes)\b.{0,30}\b(?:into|in|during) (?:my |"
            r"the |an? )?(?:\w+ )?(?:exam|test|quiz)\b.{0,40}\b(?:look (?:things |it |them )?up|"
            r"google|secretly|cheat)\b",
            r"\b(?:read|feed|send|text|tell|give|whisper)\w* me (?:the )?answers\b.{0,30}"
            r"\b(?:during|in|while)\b",
            r"\b(?:share|send|pass|get|give|text|message|whisper|signal)\w*\b.{0,30}\banswers?"
            r"\b.{0,30}\b(?:during|in|while taking|in the middle of)\b.{0,10}\b(?:the |an? |my |"
            r"our )?(?:exam|test|quiz|midterm|final)\b",
            r"\b(?:during|in the middle of|while (?:taking|sitting|doing))\b.{0,5}\b(?:the |an? |"
            r"my |our )?(?:\w+ )?(?:exam|test|quiz|midterm|final)\b.{0,40}\b(?:share answers|"
            r"the answers|look up|google)\b",
            r"\b(?:answers?|help|solutions?)\b.{0,60}\bwhile (?:i'?m|i am) (?:taking|sitting|doing|"
            r"in) (?:it|the (?:\w+ )?(?:exam|test|quiz)|my (?:\w+ )?(?:exam|test|quiz))\b",
            r"\b(?:get|steal|see|find|obtain|leak)\b.{0,20}\b(?:the )?(?:answers|answer key|"
            r"questions)\b.{0,30}\b(?:before|ahead of)\b.{0,20}\b(?:the )?(?:exam|test|quiz|"
            r"midterm|final)\b",
        ),
    ),
    FilterRule(
        "cheating",
        "fabricated_results",
        "Made-up or fabricated data or results for a report (not fake data for testing).",
        (
            r"\b(?:made[- ]up|fake|fabricated?|invented|falsified|fudged?)\s+(?:data|results|"
            r"measurements|numbers|sources|citations|references|quotes|survey (?:data|results|"
            r"responses))\b(?!.{0,30}\b(?:for|to) (?:test|testing|demo|practi[cs]e|mock))",
        ),
    ),
    FilterRule(
        "cheating",
        "game_cheats",
        "Aimbots, wallhacks, or running an engine or bot while playing people.",
        (
            r"\b(?:aimbot|wallhack|wall hack)\b",
            r"\b(?:use|run|get|install)\b.{0,20}\b(?:chess engine|engine|bot|cheats?|hacks?|"
            r"macro|script)\b.{0,40}\b(?:while playing|during|in (?:rated|ranked|online|"
            r"competitive)|against (?:people|players|real|other))\b",
        ),
    ),
    FilterRule(
        "cheating",
        "plagiarise",
        "The verb 'plagiarise' names the act.",
        (r"\bplagiari[sz]e\b",),
    ),
)
