"""Solvers for the bundled multiple-choice suites.

:func:`mc_answer` asks for the single answer letter in a way that lets the scorer read the
letter probabilities (see :mod:`redline.suites.scorers`). The demo I/O filter, the
system-level mitigation the example framework can require, is :mod:`redline.suites.filter`.
"""

from __future__ import annotations

from typing import Any

from inspect_ai.model import (
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageUser,
    Logprob,
    ModelOutput,
)
from inspect_ai.solver import Generate, Solver, TaskState, solver

from redline.suites.scorers import (
    MC_METHOD_STORE_KEY,
    answer_letters,
    letter_probabilities,
)

__all__ = [
    "MC_TEMPLATE",
    "MC_TEMPLATE_COT",
    "format_mc_prompt",
    "mc_answer",
    "mc_fewshot_messages",
]

# --------------------------------------------------------------------------------------------
# Multiple choice
# --------------------------------------------------------------------------------------------

MC_TEMPLATE = (
    "Answer the following multiple-choice question. Reply with only the letter of the "
    "correct option ({letters}).\n\n{question}\n\n{options}"
)
"""Prompt for a direct answer: the first token of the reply should be the letter."""

MC_TEMPLATE_COT = (
    "Answer the following multiple-choice question. Think it through step by step, then give "
    "your final answer on the last line in the form 'ANSWER: X', where X is one of "
    "{letters}.\n\n{question}\n\n{options}"
)
"""Prompt for a chain-of-thought answer, parsed afterwards with the conclusion preferred."""

LOGPROB_TOP = 20
"""How many alternatives to ask for at the answer position (the most OpenAI-style APIs give)."""


def format_mc_prompt(question: str, choices: list[str], cot: bool = False) -> str:
    """Render a question and its options (``A) ...``) with the direct or CoT template."""
    letters = answer_letters(len(choices))
    options = "\n".join(
        f"{letter}) {choice}" for letter, choice in zip(letters, choices, strict=True)
    )
    template = MC_TEMPLATE_COT if cot else MC_TEMPLATE
    return template.format(letters=", ".join(letters), question=question.strip(), options=options)


def mc_fewshot_messages(
    examples: list[tuple[str, list[str], str]], cot: bool = False
) -> list[ChatMessage]:
    """Few-shot turns: each example as a user question and an assistant answer.

    ``examples`` are ``(question, choices, answer_letter)``. With ``cot`` the answers read
    ``ANSWER: X`` (the bundled data has no worked reasoning to show, so the examples teach
    the final-line format only).
    """
    messages: list[ChatMessage] = []
    for question, choices, answer in examples:
        messages.append(ChatMessageUser(content=format_mc_prompt(question, choices, cot)))
        messages.append(ChatMessageAssistant(content=f"ANSWER: {answer}" if cot else answer))
    return messages


def _first_token(output: ModelOutput) -> Logprob | None:
    if not output.choices:
        return None
    logprobs = output.choices[0].logprobs
    if logprobs is None or not logprobs.content:
        return None
    return logprobs.content[0]


@solver
def mc_answer(
    cot: bool = False, fallback_max_tokens: int = 32, cot_max_tokens: int = 512
) -> Solver:
    """Ask a multiple-choice question so that the answer letter can be read reliably.

    The last user message must hold the bare question and the sample its ``choices``; it is
    rewritten with :data:`MC_TEMPLATE` (or :data:`MC_TEMPLATE_COT`). Earlier messages (few-shot
    turns) are left as they are.

    Direct answers generate one token at temperature 0 with ``logprobs=True`` and
    ``top_logprobs=20`` so that :func:`~redline.suites.scorers.mc_scorer` can compare the
    option letters' probabilities. If the provider returns no logprobs, or no option letter is
    among the alternatives, the one-token reply is discarded and the question is asked again
    with ``fallback_max_tokens`` of normal generation, for the lenient parser. With ``cot``
    the model reasons for up to ``cot_max_tokens`` and the parser reads the conclusion. How
    the answer was obtained is recorded in the sample store under ``redline:mc_method``.
    """

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        choices = [choice.value for choice in state.choices]
        if not choices:
            raise ValueError(f"Sample {state.sample_id!r} has no choices for mc_answer().")
        for message in reversed(state.messages):
            if isinstance(message, ChatMessageUser):
                message.text = format_mc_prompt(message.text, choices, cot)
                break
        else:
            raise ValueError(f"Sample {state.sample_id!r} has no user message for mc_answer().")

        if cot:
            state = await generate(state, max_tokens=cot_max_tokens, temperature=0.0)
            state.store.set(MC_METHOD_STORE_KEY, {"method": "cot", "cot": True})
            return state

        before = list(state.messages)
        state = await generate(
            state, max_tokens=1, temperature=0.0, logprobs=True, top_logprobs=LOGPROB_TOP
        )
        first = _first_token(state.output)
        if first is not None and letter_probabilities(first, answer_letters(len(choices))):
            state.store.set(MC_METHOD_STORE_KEY, {"method": "logprob", "cot": False})
            return state

        record: dict[str, Any] = {
            "method": "generated",
            "cot": False,
            "reason": "no_logprobs" if first is None else "no_letter_in_top_logprobs",
        }
        if first is not None:
            record["first_token_top"] = [
                [top.token, round(top.logprob, 4)] for top in (first.top_logprobs or [])[:5]
            ]
        state.messages = before
        state = await generate(state, max_tokens=fallback_max_tokens, temperature=0.0)
        state.store.set(MC_METHOD_STORE_KEY, record)
        return state

    return solve
