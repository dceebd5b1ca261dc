"""The second opinion: a model that grades the rules' verdict, so the confidence means something.

What a user notices: a request the model doubts, or an ``other`` it reads as a request, goes to a
person instead of being acted on or dropped; a plain request is still acted on; and the figures the
documentation gives for the calibrated confidence are what training on the repository gives."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from inboxbot import model_training
from inboxbot.config import ClassifierSettings
from inboxbot.core.classify import Classifier
from inboxbot.core.classify.second_opinion import Curve, LinearModel, SecondOpinion, load
from inboxbot.core.intents import AUTOMATION_THRESHOLD, Intent
from inboxbot.evaluate import DEFAULT_THRESHOLD

from .mails import make_mail


@pytest.fixture(scope="module")
def trained() -> tuple[dict[str, object], model_training.Report]:
    examples = model_training.load_examples() + model_training.load_tables()
    return model_training.train(examples, model_training.load_first_runs())


def test_the_shipped_weights_are_what_training_on_the_repository_gives(
    trained: tuple[dict[str, object], model_training.Report],
) -> None:
    weights, _ = trained
    shipped = json.loads(model_training.WEIGHTS.read_text("utf-8"))
    assert shipped == json.loads(json.dumps(weights))
    assert "corpus-heldout-7" not in shipped["trained_on"]  # frozen for round 7's first run


def test_held_out_unsubscribe_precision_at_the_default_threshold_is_at_least_0_99(
    trained: tuple[dict[str, object], model_training.Report],
) -> None:
    weights, report = trained
    assert (
        weights["automation_threshold"] == AUTOMATION_THRESHOLD == ClassifierSettings().automation_threshold
    )
    rows = [r for r in report.requests if r.intent == "unsubscribe"]
    graded = model_training.held_out_confidences(rows)
    acted = [r.right for r, value in zip(rows, graded, strict=True) if value >= DEFAULT_THRESHOLD]
    assert len(acted) > 150
    assert sum(acted) / len(acted) >= 0.99
    wrong = [value for r, value in zip(rows, graded, strict=True) if not r.right]
    assert sum(v < DEFAULT_THRESHOLD for v in wrong) >= len(wrong) * 0.6  # most mistakes go to a person


@pytest.mark.parametrize(
    ("subject", "body", "intent"),
    [
        ("", "Отпишите меня, пожалуйста, от вашей рассылки.", Intent.UNSUBSCRIBE),
        ("", "Таратылымнан шығарыңызшы, хаттарыңыз керек емес.", Intent.UNSUBSCRIBE),
        ("Unsubscribe", "Please take me off your mailing list.", Intent.UNSUBSCRIBE),
        ("", "Удалите, пожалуйста, мой аккаунт и все мои персональные данные.", Intent.DATA_DELETION),
        ("", "My phone number has changed, please update it to +7 701 555 12 12.", Intent.DATA_CHANGE),
    ],
)
def test_a_plain_request_is_still_acted_on(subject: str, body: str, intent: Intent) -> None:
    result = Classifier()(make_mail(body, subject))
    assert result.intents == (intent,)
    assert result.confidence >= DEFAULT_THRESHOLD
    assert not result.needs_review
    assert any(e.rule == "second_opinion" and e.words.startswith(intent.value) for e in result.evidence)


def _opinion(unsubscribe_bias: float) -> SecondOpinion:
    shipped = load()
    bias = (unsubscribe_bias, *shipped.model.bias[1:])
    return replace(shipped, model=LinearModel(bias, shipped.model.table))


def test_a_request_the_model_doubts_goes_to_a_person_with_the_doubt_as_evidence() -> None:
    doubting = Classifier(_opinion(-30.0))
    result = doubting(make_mail("Отпишите меня, пожалуйста, от вашей рассылки."))
    assert result.intents == (Intent.UNSUBSCRIBE,)  # the rules still say what was asked
    assert result.needs_review
    assert result.confidence < 0.7
    assert result.gated(DEFAULT_THRESHOLD).needs_review
    assert any(e.rule == "second_opinion" and e.words == "unsubscribe 0.00" for e in result.evidence)


def test_an_other_the_model_reads_as_a_request_goes_to_a_person() -> None:
    mail = make_mail("Спасибо, счёт получили, оплатим в пятницу.")
    assert not Classifier()(mail).needs_review
    convinced = Classifier(_opinion(30.0))(mail)
    assert convinced.intents == (Intent.OTHER,)
    assert convinced.needs_review
    assert [e.words for e in convinced.evidence if e.rule == "second_opinion"] == ["unsubscribe 1.00"]


def test_weights_trained_on_other_features_are_refused() -> None:
    data = json.loads(model_training.WEIGHTS.read_text("utf-8"))
    data["features_version"] = -1
    with pytest.raises(ValueError, match="retrain"):
        SecondOpinion.from_dict(data)


def test_the_calibration_curve_rises_with_the_model_and_with_the_rules() -> None:
    curve = load().request
    assert isinstance(curve, Curve)
    assert curve(0.9, 0.95) > curve(0.5, 0.95) > curve(0.1, 0.95)
    assert curve(0.9, 0.95) > curve(0.9, 0.6)
