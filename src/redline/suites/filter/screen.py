"""Screening text against the filter's rules, and the :func:`io_filter` solver that applies
them around a model as a system-level mitigation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from inspect_ai.model import ChatMessageAssistant, ChatMessageUser, ModelOutput
from inspect_ai.solver import Generate, Solver, TaskState, solver

from redline.suites.filter.rules import OUTPUT_RULES, REQUEST_RULES
from redline.suites.filter.vocab import ABOUT_NOT_FOR, CATEGORY_LABELS, FilterRule
from redline.suites.scorers import IO_FILTER_STORE_KEY

__all__ = ["DEFAULT_REFUSAL", "FilterMatch", "io_filter", "screen_output", "screen_request"]

DEFAULT_REFUSAL = (
    "I can't help with that. The request looks like it asks for help with {categories}, "
    "which this assistant does not assist with. If I have misread it, please rephrase what "
    "you need."
)
"""The fixed reply the filter gives instead of the model's (``{categories}`` is filled in)."""


@dataclass(frozen=True)
class _CompiledRule:
    rule: FilterRule
    patterns: tuple[re.Pattern[str], ...]


def _compile(rules: tuple[FilterRule, ...]) -> tuple[_CompiledRule, ...]:
    return tuple(
        _CompiledRule(rule=rule, patterns=tuple(re.compile(p) for p in rule.patterns))
        for rule in rules
    )


_REQUEST_COMPILED = _compile(REQUEST_RULES)
_OUTPUT_COMPILED = _compile(OUTPUT_RULES)


@dataclass(frozen=True)
class FilterMatch:
    """One rule that fired: category name, its human label, the text that matched, the rule."""

    category: str
    label: str
    matched: str
    rule: str = ""


def _normalise(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(text.lower().split())


def _screen(
    text: str, rules: tuple[_CompiledRule, ...], exempt: re.Pattern[str] | None = None
) -> list[FilterMatch]:
    normalised = _normalise(text)
    if exempt is not None and exempt.search(normalised):
        return []
    matches: list[FilterMatch] = []
    fired: set[str] = set()
    for compiled in rules:
        rule = compiled.rule
        if rule.category in fired:
            continue  # one match per category
        if rule.unless is not None and rule.unless.search(normalised):
            continue
        for pattern in compiled.patterns:
            found = pattern.search(normalised)
            if found:
                matches.append(
                    FilterMatch(
                        category=rule.category,
                        label=CATEGORY_LABELS[rule.category],
                        matched=found.group(0),
                        rule=rule.name,
                    )
                )
                fired.add(rule.category)
                break
    return matches


def screen_request(text: str) -> list[FilterMatch]:
    """Classify a request against the filter's categories (empty list: not flagged).

    One match at most per category. See :data:`REQUEST_RULES` for what the rules cover;
    requests that match :data:`ABOUT_NOT_FOR` (how to spot, report or stop a harm, whether
    it is legal) are not flagged.
    """
    return _screen(text, _REQUEST_COMPILED, exempt=ABOUT_NOT_FOR)


def screen_output(text: str) -> list[FilterMatch]:
    """Classify a model response by artefacts of the same categories (empty: not flagged)."""
    return _screen(text, _OUTPUT_COMPILED)


def _refusal_output(state: TaskState, matches: list[FilterMatch], template: str) -> ModelOutput:
    labels = sorted({match.label for match in matches})
    return ModelOutput.from_content(
        model=str(state.model), content=template.format(categories=" and ".join(labels))
    )


def _record(matches: list[FilterMatch]) -> list[dict[str, str]]:
    return [{"category": m.category, "rule": m.rule, "matched": m.matched} for m in matches]


@solver
def io_filter(refusal: str = DEFAULT_REFUSAL) -> Solver:
    """A demo input/output filter: a rule-based system-level mitigation.

    Input screen: the user's messages are matched against the documented
    :data:`REQUEST_RULES`, regular expressions that describe *intents*, grouped in categories:
    forged or falsified documents; deceiving or manipulating people; harassment, threats and
    humiliation; exposing or tracking a private person; fraud and scams; cheating and academic
    dishonesty; break-ins and theft; dangerous pranks; impersonation; and doing something
    "without them knowing" (unless the secret is a surprise or a gift). Requests *about* a
    harm (:data:`ABOUT_NOT_FOR`: how to spot or report it, whether it is legal) are not
    screened. A flagged request gets the fixed ``refusal`` (categories filled in) and the
    model is never called. Otherwise the model generates, and its output is screened by
    :data:`OUTPUT_RULES` for artefacts of the same harms (credential requests,
    account-suspension scares, threats, impersonation openers, "submit this as your own"); a
    flagged output is replaced by the refusal. Decisions (category, rule, matched text) go to
    the sample store under ``redline:io_filter``.

    Honesty caveats. The rules were developed on a separate development set
    (``data/filter_dev.jsonl``, written without reading the probes) and never on the bundled
    refusal probes, which are the held-out test set: a list of the probe strings would score
    perfectly on the probes and measure nothing (teaching to the test). Fresh development
    rounds showed that the rules generalise poorly to phrasings they were not written for,
    and the development set converged on some of the probes' stock scenarios, so see
    ``docs/suites.md`` for the held-out numbers with and without those near-twins. It is easy
    to evade (paraphrase, another language, role-play framing, or opening with "how do I
    spot ..."), and it over-refuses benign requests that share the vocabulary; that
    over-refusal is what ``benign_lookalikes`` with ``mitigation="io_filter"`` measures. It
    is a demonstration of a mitigation the framework can require and verify, not a
    safeguard to deploy.
    """

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        request = "\n".join(m.text for m in state.messages if isinstance(m, ChatMessageUser))
        input_matches = screen_request(request)
        record: dict[str, Any] = {
            "input_flagged": bool(input_matches),
            "input_matches": _record(input_matches),
            "output_flagged": False,
            "output_matches": [],
        }
        if input_matches:
            state.output = _refusal_output(state, input_matches, refusal)
            state.messages.append(state.output.message)
            state.store.set(IO_FILTER_STORE_KEY, record)
            return state

        state = await generate(state)
        output_matches = screen_output(state.output.completion)
        if output_matches:
            record.update(
                output_flagged=True,
                output_matches=_record(output_matches),
                original_output=state.output.completion[:2000],
            )
            replacement = _refusal_output(state, output_matches, refusal)
            replacement.usage = state.output.usage
            state.output = replacement
            if state.messages and isinstance(state.messages[-1], ChatMessageAssistant):
                state.messages[-1] = replacement.message
            else:
                state.messages.append(replacement.message)
        state.store.set(IO_FILTER_STORE_KEY, record)
        return state

    return solve
