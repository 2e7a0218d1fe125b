"""The category suggester as the site serves it: learning from operators, retraining, and one model for
every process.

- **Corrections are training data.** When a dispatcher or operator accepts a case under another category
  than the one it was reported with (``services.transition(case, "accept", category=…)``), the change is
  on the timeline and a ``CategoryCorrection`` row is written in the same transaction. The row points at
  the case: the description is read from the case when training, not copied (one copy of what residents
  wrote, deleted with the case). An administrator can leave a correction out of training.
- **Retraining** (``retrain``): the shipped training text plus every correction in use, trained in one go;
  both the model served until now and the new one are scored on the shipped held-out split, overall and by
  register. The new model is taken into use only if neither its top-1 nor its top-3 share is lower;
  otherwise the run is recorded as refused, with the reason, and the old model stays. Every run is a
  ``SuggesterTraining`` row (shown in the admin) and an audit record. It runs on a schedule (the huey
  consumer, nightly, when corrections changed since the last run), from the admin page and from
  ``wangge retrain_suggester``.
- **One model for every process.** An accepted model is stored in its row as plain arrays
  (``classifier.Model.dumps``: an npz of about 5 MB, no pickle). Each process checks the newest accepted
  row's id at most every ``SUGGESTER_CHECK_SECONDS`` and loads it when it changed (about 0.1 s), so web
  workers on any machine and the consumer serve the model that was scored, not one trained again. Until
  a first model is stored, every process trains the shipped one itself at start (``wangge/wsgi.py``).
"""

import logging
import threading
import time

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts import audit
from wangge.cases import classifier
from wangge.cases.models import CategoryCorrection, SuggesterTraining

log = logging.getLogger("wangge.cases.suggester")

SHIPPED = 0  # the version of the model trained from the shipped data alone, in this process


# --- corrections ----------------------------------------------------------------------------------------


def record_correction(*, case, from_category, to_category, actor, at) -> CategoryCorrection:
    """Keep a category correction as a training example (called inside the accepting transition)."""
    correction = CategoryCorrection(
        case=case,
        from_category=from_category,
        to_category=to_category,
        corrected_by=actor if actor is not None and actor.is_authenticated else None,
        corrected_at=at,
    )
    correction.full_clean(exclude=["case"])
    correction.save()
    return correction


@transaction.atomic
def set_corrections_in_use(*, actor, corrections, in_use: bool) -> int:
    """Use the corrections for training or leave them out (an administrator's review); returns how many changed."""
    changed = 0
    for correction in corrections:
        if correction.is_active != in_use:
            correction.is_active = in_use
            correction.save(update_fields=["is_active"])
            audit.record(
                actor=actor,
                action="suggester.correction.use" if in_use else "suggester.correction.leave_out",
                obj=correction,
                changes={"is_active": in_use},
            )
            changed += 1
    return changed


def training_corrections() -> list[tuple[int, str, str]]:
    """(id, description, corrected category code) of every correction in use, oldest first."""
    rows = (
        CategoryCorrection.objects.filter(is_active=True)
        .order_by("id")
        .values_list("id", "case__description", "to_category__code")
    )
    return [(pk, text, code) for pk, text, code in rows if (text or "").strip()]


# --- retraining -----------------------------------------------------------------------------------------


def retrain(*, actor=None, trigger: str = SuggesterTraining.Trigger.COMMAND) -> SuggesterTraining:
    """Train on the shipped text plus the corrections in use; take the model into use unless it scores
    lower on the held-out split than the one served now. Training happens outside any transaction."""
    corrections = training_corrections()
    started = time.perf_counter()
    served_version, served = stored_model()
    held_out = classifier.load_held_out()
    before = classifier.evaluate_held_out(served, held_out)
    model = classifier.train(classifier.load_shipped_examples("train") + [(t, c) for _pk, t, c in corrections])
    after = classifier.evaluate_held_out(model, held_out)
    worse = _worse(before["all"], after["all"])
    run = SuggesterTraining(
        created_at=timezone.now(),
        trigger=trigger,
        requested_by=actor if actor is not None and actor.is_authenticated else None,
        status=SuggesterTraining.Status.REFUSED if worse else SuggesterTraining.Status.ACCEPTED,
        reason=worse,
        examples=model.n_examples,
        corrections=len(corrections),
        last_correction_id=corrections[-1][0] if corrections else None,
        before=before,
        after=after,
        seconds=round(time.perf_counter() - started, 1),
        blob=None if worse else model.dumps(),
    )
    run.full_clean(exclude=["blob"])
    with transaction.atomic():
        run.save()
        audit.record(
            actor=actor,
            action="suggester.retrain",
            obj=run,
            summary=worse or _("taken into use"),
            changes={
                "status": run.status,
                "served_before": served_version,
                "top1": [before["all"]["top1"], after["all"]["top1"]],
                "top3": [before["all"]["top3"], after["all"]["top3"]],
                "corrections": len(corrections),
            },
        )
    if not worse:
        _serve(run.pk, model)
    return run


def _worse(before: dict, after: dict) -> str:
    """Why the new scores are worse than the old ones ("" when they are not)."""
    reasons = [
        _("held-out %(measure)s fell from %(before).1f %% to %(after).1f %%")
        % {"measure": name, "before": before[key] * 100, "after": after[key] * 100}
        for key, name in (("top1", "top-1"), ("top3", "top-3"))
        if after[key] < before[key]
    ]
    return "; ".join(reasons)


def retrain_due() -> bool:
    """Whether the corrections in use changed since the last run (or no run yet): the schedule's test."""
    last = SuggesterTraining.objects.order_by("-id").values("corrections", "last_correction_id").first()
    corrections = training_corrections()
    if last is None:
        return bool(corrections)
    return (last["corrections"], last["last_correction_id"]) != (
        len(corrections),
        corrections[-1][0] if corrections else None,
    )


# --- the model every process serves ----------------------------------------------------------------------

_lock = threading.Lock()
_served: tuple[int, classifier.Model] | None = None  # (version, model) of a stored model in use here
_checked_at = float("-inf")


def stored_model() -> tuple[int, classifier.Model]:
    """(version, model) of the newest accepted stored model, or (SHIPPED, the shipped model)."""
    row = (
        SuggesterTraining.objects.filter(status=SuggesterTraining.Status.ACCEPTED)
        .order_by("-id")
        .values_list("pk", "blob")
        .first()
    )
    if row is not None:
        try:
            return row[0], classifier.Model.loads(bytes(row[1]))
        except ValueError:
            log.warning("stored suggester model %s cannot be read by this version; serving the shipped one", row[0])
    return SHIPPED, classifier.get_model()


def current_model() -> classifier.Model:
    """The model to answer with: the newest accepted stored one (checked at most every
    SUGGESTER_CHECK_SECONDS), else the shipped one."""
    global _checked_at
    now = time.monotonic()
    if now - _checked_at >= settings.SUGGESTER_CHECK_SECONDS:
        _checked_at = now
        newest = (
            SuggesterTraining.objects.filter(status=SuggesterTraining.Status.ACCEPTED)
            .order_by("-id")
            .values_list("pk", flat=True)
            .first()
        )
        if newest != (_served[0] if _served else None):
            with _lock:
                version, model = stored_model()
                _serve(version, model)
    served = _served
    return served[1] if served is not None else classifier.get_model()


def _serve(version: int, model: classifier.Model) -> None:
    global _served
    _served = None if version == SHIPPED else (version, model)


def served_version() -> int:
    return _served[0] if _served is not None else SHIPPED


def forget() -> None:
    """Drop this process's stored model and check again on the next call (tests)."""
    global _checked_at
    _serve(SHIPPED, None)
    _checked_at = float("-inf")


def suggest(text: str, k: int = 5) -> list[tuple[str, float]]:
    """The k most likely category codes for ``text`` with scores in 0..1, best first; [] for blank text."""
    if not classifier.normalise(text) or k < 1:
        return []
    return current_model().suggest(text, k)


def warm_in_background() -> threading.Thread:
    """Load the stored model, or train the shipped one, in a daemon thread now (a server worker calls this at
    start-up), so that the first person asking for a suggestion does not wait for it."""

    def warm():
        try:
            current_model()
        except Exception:  # a worker without its database yet: the first request will try again
            log.exception("could not prepare the category suggester")
        finally:
            connection.close()

    thread = threading.Thread(target=warm, name="suggester-warm-up", daemon=True)
    thread.start()
    return thread
