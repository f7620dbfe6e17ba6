"""Inspect integration of the sequential threshold test: ``ThresholdEarlyStopping``.

``ThresholdEarlyStopping`` plugs ``SequentialThresholdTest`` into Inspect's ``EarlyStopping``
protocol (``start_task``, ``schedule_sample``, ``complete_sample``, ``complete_task``), feeding
scores in scheduling order. ``score_to_unit`` maps Inspect score values to ``[0, 1]``;
``cluster_schedule`` orders a clustered dataset as whole clusters.
"""

from __future__ import annotations

import hashlib
import numbers
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from redline.measure.assisted import AssistedThresholdTest
from redline.measure.confseq import SequentialMethod, _check_confidence
from redline.measure.threshold import SequentialThresholdTest

if TYPE_CHECKING:
    from inspect_ai.dataset import Sample
    from inspect_ai.log import EvalSpec
    from inspect_ai.scorer import SampleScore, Value
    from inspect_ai.util import EarlyStop

__all__ = ["ThresholdEarlyStopping", "cluster_schedule", "score_to_unit"]

# --------------------------------------------------------------------------------------------
# Inspect integration


def score_to_unit(value: Value) -> float:
    """Map an Inspect ``Score.value`` to ``[0, 1]``, refusing anything ambiguous.

    ``True``/``False`` -> 1/0; numbers in ``[0, 1]`` as they are; Inspect's letter constants
    ``"C"`` (CORRECT) -> 1, ``"I"`` (INCORRECT) -> 0, ``"P"`` (PARTIAL) -> 0.5 and ``"N"``
    (NOANSWER) -> 0, as Inspect's own ``accuracy()`` counts them. Anything else (other strings,
    lists, dicts, numbers outside ``[0, 1]``, NaN) raises: Inspect's ``value_to_float`` would
    warn and count it as 0, which for a threshold decision is a silent bias.
    """
    if isinstance(value, bool | np.bool_):
        return 1.0 if value else 0.0
    if isinstance(value, numbers.Real):  # int, float and their numpy cousins
        if not (0.0 <= float(value) <= 1.0):
            raise ValueError(
                f"score value {value!r} is outside [0, 1]; pass value_to_float= to rescale it"
            )
        return float(value)
    if isinstance(value, str):
        letters = {"C": 1.0, "I": 0.0, "P": 0.5, "N": 0.0}
        if value in letters:
            return letters[value]
    raise ValueError(
        f"cannot read score value {value!r} as a number in [0, 1]: expected a bool, a number "
        "in [0, 1] or one of 'C', 'I', 'P', 'N'; pass value_to_float= for other scorers"
    )


def cluster_schedule(clusters: Sequence[Hashable], seed: int) -> list[int]:
    """Item indices in a seeded random order of *whole clusters*, each cluster's items together.

    Use this to order a clustered dataset before an early-stopped run: the clustered CS needs the
    clusters in uniformly random order. Shuffling items and taking clusters in order of first
    appearance would not do: large clusters would tend to come first.
    """
    order: dict[Hashable, list[int]] = {}
    for index, label in enumerate(clusters):
        order.setdefault(label, []).append(index)
    groups = list(order.values())
    permutation = np.random.default_rng(seed).permutation(len(groups))
    return [index for g in permutation for index in groups[int(g)]]


class ThresholdEarlyStopping:
    """Inspect ``EarlyStopping`` manager: skip the rest of the pool once every threshold is settled.

    Pass it as ``Task(early_stopping=ThresholdEarlyStopping([0.5, 0.65]))`` on a dataset shuffled
    with a recorded seed. The pool is the task's samples (after ``--limit``); the CS is fed
    scores in **scheduling order**: the order Inspect calls ``schedule_sample``, which is the
    dataset order. Samples run concurrently and finish out of order, and how long a sample takes
    can depend on its answer (a refusal is short): feeding scores as they complete would
    over-represent quick answers early on and silently break the CS's guarantee. Early finishers
    are therefore buffered until every sample scheduled before them has completed.

    Once every threshold is settled, later ``schedule_sample`` calls return ``EarlyStop``; samples
    already running finish and are still fed (in order), which can only tighten the interval.
    ``complete_task`` returns the interval, the side of each threshold and the reason for
    stopping; Inspect records it as ``results.early_stopping`` in the log.

    Clusters (``cluster_key``: a sample-metadata field): the unit becomes the cluster, fed once all
    its items are complete, and the pool is the set of clusters, which must be scheduled in a
    random order of whole clusters (see ``cluster_schedule``). ``cluster_estimand="item_mean"``
    (default) tests the item mean, the usual benchmark score, by feeding each cluster's total
    divided by the largest cluster size and rescaling (exact; the interval widens by
    ``largest / average`` cluster size, not at all for equal sizes).
    ``"cluster_mean"`` tests the mean of cluster means instead.

    Predictions (``predictions``: sample id -> prediction in [0, 1] for every item of the pool;
    ``weights`` when the order was drawn by ``redline.measure.assisted.active_order``) switch
    the monitor to ``AssistedThresholdTest``. The dataset order must be drawn independently of
    the predictions: not with the seed of the run that produced them, whose first items are
    exactly the ones it scored (``redline.measure.predictions.assisted_seed`` derives one).

    A scheduled sample that never completes (an error without retry) halts the sequence at that
    point: skipping it would let failures that correlate with the answer bias the order, so no
    later score is used and nothing further is stopped. Only ``epochs=1`` is supported: Inspect
    schedules epoch by epoch, so no item's epoch mean is known before the last pass.
    """

    def __init__(
        self,
        thresholds: Sequence[float],
        confidence: float = 0.95,
        score_name: str | None = None,
        value_to_float: Callable[[Value], float] = score_to_unit,
        *,
        method: SequentialMethod | None = None,
        cluster_key: str | None = None,
        cluster_estimand: Literal["item_mean", "cluster_mean"] = "item_mean",
        pool_size: int | None = None,
        predictions: Mapping[str | int, float] | None = None,
        weights: Mapping[str | int, float] | None = None,
        fallback: float | None = None,
    ) -> None:
        if method is None:
            method = "hypergeometric" if cluster_key is None else "wor-betting"
        if cluster_key is not None and method == "hypergeometric":
            raise ValueError(
                "cluster units are cluster means, not binary scores: "
                "use method='wor-betting' with cluster_key"
            )
        if cluster_estimand not in ("item_mean", "cluster_mean"):
            raise ValueError(f"unknown cluster_estimand {cluster_estimand!r}")
        # Fail at construction, not in the middle of an eval.
        SequentialThresholdTest(
            1 if method != "wr-betting" else None, thresholds, confidence, method
        )
        self.thresholds = [float(t) for t in thresholds]
        self.confidence = _check_confidence(confidence)
        self.score_name = score_name
        self.value_to_float = value_to_float
        self.method: SequentialMethod = method
        self.cluster_key = cluster_key
        self.cluster_estimand = cluster_estimand
        # The pool the samples were drawn from, when the task runs only a prefix of it (a
        # budget or --limit): the CS is then about the whole pool, not the prefix.
        if pool_size is not None and cluster_key is not None:
            raise ValueError("pool_size applies to item-level monitoring only")
        self.pool_size = pool_size
        # Model-assisted monitoring (redline.measure.assisted): a prediction per sample id,
        # and sampling weights when the dataset order was drawn by active_order.
        if predictions is not None and (cluster_key is not None or method == "wr-betting"):
            raise ValueError("predictions apply to item-level without-replacement monitoring")
        if weights is not None and predictions is None:
            raise ValueError("sampling weights need predictions")
        self.predictions = None if predictions is None else dict(predictions)
        self.weights = None if weights is None else dict(weights)
        self.fallback = fallback
        self._running = False
        self._run_key: tuple[object, object] | None = None
        self._reset()

    # ---- state

    def _reset(self) -> None:
        self.monitor: SequentialThresholdTest | AssistedThresholdTest | None = None
        self._index_of: dict[str | int, int] = {}
        self._unit_of: dict[str | int, Hashable] = {}  # sample id -> unit (itself or cluster)
        self._members: dict[Hashable, list[str | int]] = {}
        self._unit_order: list[Hashable] = []  # units in order of first scheduling
        self._unit_seen: set[Hashable] = set()
        self._scheduled: set[str | int] = set()
        self._values: dict[str | int, float] = {}
        self._fed_units = 0
        self._stopped = 0
        self._duplicates = 0
        self._unknown = 0
        self._interleaved = False
        self._last_unit: Hashable | None = None
        self._largest = 1
        self._hash = hashlib.sha256()

    # ---- protocol

    async def start_task(self, task: EvalSpec, samples: list[Sample], epochs: int) -> str:
        # A second start for the same task and model is Inspect retrying a run that crashed
        # (complete_task never came): start afresh. Any other second start would mix two
        # runs' scores in one sequence.
        key = (getattr(task, "task_id", None), getattr(task, "model", None))
        if self._running and key != self._run_key:
            raise RuntimeError(
                "this ThresholdEarlyStopping is already monitoring a task run; create one "
                "instance per run (per model)"
            )
        self._run_key = key
        if epochs != 1:
            raise ValueError(
                f"ThresholdEarlyStopping supports epochs=1, got {epochs}: Inspect schedules "
                "epoch by epoch, so repeated answers should be averaged inside the solver/scorer"
            )
        self._reset()
        self._running = True
        previous: Hashable | None = None
        for index, sample in enumerate(samples):
            sample_id = sample.id if sample.id is not None else index + 1
            if sample_id in self._unit_of:
                raise ValueError(f"sample id {sample_id!r} appears twice in the dataset")
            if self.cluster_key is None:
                unit: Hashable = ("item", sample_id)
            else:
                metadata = sample.metadata or {}
                label = metadata.get(self.cluster_key)
                if label is None:
                    raise ValueError(
                        f"sample {sample_id!r} has no metadata field {self.cluster_key!r} "
                        "(the cluster_key given to ThresholdEarlyStopping)"
                    )
                unit = ("cluster", label)
            if unit in self._members and previous != unit:
                raise ValueError(
                    f"cluster {unit!r} is not contiguous in the dataset order: a clustered "
                    "early stop needs whole clusters in random order (see cluster_schedule)"
                )
            self._unit_of[sample_id] = unit
            self._members.setdefault(unit, []).append(sample_id)
            previous = unit
        pool_units = len(self._members)
        if pool_units == 0:
            raise ValueError("the task has no samples to monitor")
        scale = 1.0
        if self.cluster_key is not None and self.cluster_estimand == "item_mean":
            self._largest = max(len(m) for m in self._members.values())
            scale = pool_units * self._largest / len(self._unit_of)
        pool = None if self.method == "wr-betting" else pool_units
        if pool is not None and self.pool_size is not None:
            if self.pool_size < pool_units:
                raise ValueError(
                    f"pool_size {self.pool_size} is smaller than the {pool_units} samples run"
                )
            pool = self.pool_size
        if self.predictions is not None:
            self.monitor = self._assisted_monitor(list(self._unit_of))
        else:
            self.monitor = SequentialThresholdTest(
                pool, self.thresholds, self.confidence, self.method, scale=scale
            )
        return "redline.ThresholdEarlyStopping"

    async def schedule_sample(self, id: str | int, epoch: int) -> EarlyStop | None:
        monitor = self._require_monitor()
        if id in self._scheduled:
            return None  # a retry of an admitted sample: never cut one off halfway
        unit = self._unit_of.get(id)
        if unit is None:
            self._unknown += 1
            return None  # not in the pool Inspect announced (added dynamically): not counted
        if self._halted() is None and monitor.all_settled:
            self._stopped += 1
            from inspect_ai.util import EarlyStop

            return EarlyStop(
                id=id,
                epoch=epoch,
                reason=(
                    f"all thresholds settled after {monitor.n} of {monitor.pool_size} "
                    f"{self._unit_word()}s at {self.confidence:g} confidence"
                ),
            )
        self._admit(id, unit)
        return None

    async def complete_sample(
        self, id: str | int, epoch: int, scores: dict[str, SampleScore]
    ) -> None:
        self._require_monitor()
        unit = self._unit_of.get(id)
        if unit is None:
            self._unknown += 1
            return
        if id not in self._scheduled:
            # Inspect reports samples reused from a previous attempt (eval-retry) without
            # scheduling them; their position is taken at completion, which is fixed by the
            # prior log, not by the answer.
            self._admit(id, unit)
        if id in self._values:
            self._duplicates += 1  # a requeued sample: the first score was already counted
            return
        self._values[id] = self._read_score(id, scores)
        self._drain()

    async def complete_task(self) -> dict[str, Any]:
        monitor = self._require_monitor()
        self._running = False
        summary = monitor.summary()
        halted = self._halted()
        waiting: list[str | int] = []
        if self._fed_units < len(self._unit_order):
            unit = self._unit_order[self._fed_units]
            waiting = [i for i in self._members[unit] if i not in self._values][:10]
        if self._stopped > 0:
            reason = "settled"
        elif monitor.exhausted:
            reason = "pool exhausted"
        else:
            reason = "incomplete"
        summary.update(
            {
                "reason": reason,
                "unit": self._unit_word(),
                "estimand": self._estimand(),
                "score_name": self.score_name,
                "stopped_samples": self._stopped,
                "scheduled_samples": len(self._scheduled),
                "completed_samples": len(self._values),
                "pool_samples": len(self._unit_of),
                "halted": halted,
                "waiting_on_samples": waiting,
                "duplicate_completions": self._duplicates,
                "unknown_samples": self._unknown,
                "clusters_interleaved": self._interleaved,
                "schedule_order_sha256": self._hash.hexdigest(),
            }
        )
        return summary

    # ---- internals

    def _assisted_monitor(self, ids: list[str | int]) -> AssistedThresholdTest:
        assert self.predictions is not None
        missing = [i for i in ids if i not in self.predictions]
        if missing:
            raise ValueError(f"no prediction for sample(s) {missing[:5]!r}: every item needs one")
        # A budget or --limit runs a prefix of the drawn order: the rest of the pool is the
        # predicted items that are not in the task, and is simply never drawn.
        known = set(ids)
        ids = ids + [i for i in self.predictions if i not in known]
        if self.pool_size is not None and self.pool_size != len(ids):
            raise ValueError(
                f"predictions cover {len(ids)} items but the pool has {self.pool_size}: "
                "give one prediction per item of the whole pool"
            )
        if self.weights is not None and any(i not in self.weights for i in ids):
            raise ValueError("sampling weights must cover every item that has a prediction")
        self._index_of = {sample_id: k for k, sample_id in enumerate(ids)}
        weights = None if self.weights is None else [self.weights[i] for i in ids]
        return AssistedThresholdTest(
            [self.predictions[i] for i in ids],
            self.thresholds,
            self.confidence,
            weights=weights,
            fallback=self.fallback,
            binary=self.method == "hypergeometric",
        )

    def _require_monitor(self) -> SequentialThresholdTest | AssistedThresholdTest:
        if self.monitor is None:
            raise RuntimeError("start_task was not called")
        return self.monitor

    def _unit_word(self) -> str:
        return "sample" if self.cluster_key is None else "cluster"

    def _estimand(self) -> str:
        if self.cluster_key is None:
            return "mean score over the pool's samples"
        if self.cluster_estimand == "item_mean":
            return "mean score over the pool's samples (clusters as sampling units)"
        return "mean over the pool's clusters of each cluster's mean score"

    def _admit(self, id: str | int, unit: Hashable) -> None:
        self._scheduled.add(id)
        self._hash.update(repr(id).encode() + b"\n")
        if unit not in self._unit_seen:
            self._unit_seen.add(unit)
            self._unit_order.append(unit)
        elif unit != self._last_unit:
            # An item of an earlier cluster after a later cluster started: the clusters were
            # not scheduled as whole blocks, so their order of first appearance is size-biased.
            self._interleaved = True
        self._last_unit = unit

    def _halted(self) -> str | None:
        """Why the sequence can no longer be trusted to stop early (None when it can)."""
        if self._interleaved:
            return "clusters interleaved in the schedule"
        return None

    def _read_score(self, id: str | int, scores: dict[str, SampleScore]) -> float:
        if self.score_name is not None:
            if self.score_name not in scores:
                raise ValueError(
                    f"sample {id!r} has no score named {self.score_name!r}; "
                    f"scores present: {sorted(scores)}"
                )
            chosen = scores[self.score_name]
        elif len(scores) == 1:
            chosen = next(iter(scores.values()))
        else:
            raise ValueError(
                f"sample {id!r} has {len(scores)} scores {sorted(scores)}; "
                "pass score_name= to ThresholdEarlyStopping to say which one decides"
            )
        value = float(self.value_to_float(chosen.score.value))
        if not (0.0 <= value <= 1.0):
            raise ValueError(f"value_to_float mapped sample {id!r}'s score to {value}, not [0, 1]")
        return value

    def _drain(self) -> None:
        """Feed every unit whose items have all completed, in order, stopping at the first gap."""
        monitor = self._require_monitor()
        if self._halted() is not None:
            return
        while self._fed_units < len(self._unit_order):
            unit = self._unit_order[self._fed_units]
            members = self._members[unit]
            if not all(i in self._values for i in members):
                return
            values = [self._values[i] for i in members]
            if self.cluster_key is None:
                x = values[0]
            elif self.cluster_estimand == "item_mean":
                x = sum(values) / self._largest
            else:
                x = sum(values) / len(values)
            if isinstance(monitor, AssistedThresholdTest):
                monitor.update(min(1.0, max(0.0, x)), index=self._index_of[members[0]])
            else:
                monitor.update(min(1.0, max(0.0, x)))
            self._fed_units += 1


if TYPE_CHECKING:
    from inspect_ai.util import EarlyStopping

    def _implements_protocol(manager: ThresholdEarlyStopping) -> EarlyStopping:
        return manager  # mypy checks ThresholdEarlyStopping against Inspect's protocol
