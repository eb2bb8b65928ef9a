"""👍 / 👎 under answers: stored in the real answer log, acknowledged ephemerally, restart-proof."""

from __future__ import annotations

from index.answer.records import hash_user_id
from index.log.store import AnswerLog
from tests.support.discord.fake_discord import EPHEMERAL, FakeDiscord, InteractionRecord, Sent
from tests.support.discord.fake_engine import FakeEngine


async def _answered(fake: FakeDiscord) -> Sent:
    record = await fake.slash("ask", question="Who arrested Castillo?")
    return await fake.wait_for(lambda: next((m for m in record.messages if m.components), None))


def _button(message: Sent, rating: str) -> str:
    ids = [c["custom_id"] for row in message.components for c in row["components"]]
    return next(i for i in ids if i.startswith(f"fb:{rating}:"))


def _feedback(log: AnswerLog, answer_id: str):
    return log.get(answer_id).feedback


def _acknowledged_privately(record: InteractionRecord) -> bool:
    return (
        bool(record.callbacks)
        and record.callbacks[0]["type"] == 4
        and bool(int(record.callbacks[0]["data"].get("flags") or 0) & EPHEMERAL)
    )


async def test_thumbs_up_is_stored_with_the_salted_user_hash(
    fake: FakeDiscord, start_bot, answer_log
):
    await start_bot()
    message = await _answered(fake)
    custom_id = _button(message, "up")
    click = await fake.click(message, custom_id, user=fake.other_member)
    await fake.wait_for(lambda: click.callbacks)

    assert _acknowledged_privately(click)
    [row] = _feedback(answer_log, custom_id.split(":")[2])
    assert row.rating == "up" and row.reason is None
    assert row.user_hash == hash_user_id(fake.other_member.id, "test-salt")


async def test_thumbs_down_opens_a_modal_and_stores_the_reason(
    fake: FakeDiscord, start_bot, answer_log
):
    await start_bot()
    message = await _answered(fake)
    custom_id = _button(message, "down")
    answer_id = custom_id.split(":")[2]
    click = await fake.click(message, custom_id)
    await fake.wait_for(lambda: click.callbacks)
    assert click.callback_types == [9]
    await fake.wait_for(lambda: _feedback(answer_log, answer_id))

    submit = await fake.submit_modal(click, {"reason": "The arrest is labelled wrongly."})
    await fake.wait_for(lambda: submit.callbacks)

    assert _acknowledged_privately(submit)
    [row] = _feedback(answer_log, answer_id)
    assert (row.rating, row.reason) == ("down", "The arrest is labelled wrongly.")


async def test_thumbs_down_counts_even_if_the_modal_is_dismissed(
    fake: FakeDiscord, start_bot, answer_log
):
    await start_bot()
    message = await _answered(fake)
    custom_id = _button(message, "down")
    await fake.click(message, custom_id)
    rows = await fake.wait_for(lambda: _feedback(answer_log, custom_id.split(":")[2]))
    assert [(r.rating, r.reason) for r in rows] == [("down", None)]


async def test_buttons_still_work_after_a_restart(fake: FakeDiscord, start_bot, answer_log):
    first = await start_bot()
    message = await _answered(fake)
    assert await first.stop() == 0
    assert first.engine.closed

    reopened = AnswerLog(answer_log.path)
    await start_bot(engine=FakeEngine(reopened))
    custom_id = _button(message, "up")
    click = await fake.click(message, custom_id)
    await fake.wait_for(lambda: click.callbacks)
    assert _acknowledged_privately(click)
    assert [r.rating for r in _feedback(reopened, custom_id.split(":")[2])] == ["up"]
