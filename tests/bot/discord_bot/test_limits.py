"""The limit primitives with a fake clock, and the place/admin checks."""

from __future__ import annotations

import asyncio
from pathlib import Path

import discord
import pytest

from bot.discord_bot.access import Place, is_admin, refusal_for_place
from bot.discord_bot.limits import AnswerGate, Cooldown, Limits, QueueTimeout, RateWindow
from tests.support.discord.harness import make_settings


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_cooldown_waits_the_remaining_seconds_per_user() -> None:
    clock = Clock()
    cooldown = Cooldown(10, clock)
    cooldown.hit("a")
    clock.now += 4
    assert cooldown.wait_for("a") == 6
    assert cooldown.wait_for("b") == 0
    clock.now += 6
    assert cooldown.wait_for("a") == 0


def test_rate_window_slides() -> None:
    clock = Clock()
    window = RateWindow(2, 60, clock)
    window.hit("g")
    clock.now += 30
    window.hit("g")
    assert window.wait_for("g") == 30
    clock.now += 30.5
    assert window.wait_for("g") == 0


def test_a_refused_question_counts_against_nothing(tmp_path: Path) -> None:
    clock = Clock()
    limits = Limits(
        make_settings(tmp_path, user_cooldown_seconds=5, guild_questions_per_minute=1), clock
    )
    assert limits.admit(1, 9) is None
    assert limits.admit(2, 9) is not None  # guild full: user 2 is not put on cooldown
    clock.now += 61
    assert limits.admit(2, 9) is None


def test_dms_have_no_guild_rate(tmp_path: Path) -> None:
    limits = Limits(make_settings(tmp_path, guild_questions_per_minute=1))
    assert limits.admit(1, None) is None and limits.admit(2, None) is None


async def test_the_gate_admits_up_to_capacity_and_times_out_the_rest() -> None:
    gate = AnswerGate(1, 0.05)
    async with gate.slot():
        assert gate.active == 1
        with pytest.raises(QueueTimeout):
            async with gate.slot():
                pass
    async with gate.slot():
        assert gate.waiting == 0


async def test_a_waiter_gets_the_slot_when_it_frees() -> None:
    gate = AnswerGate(1, 5)
    order: list[str] = []

    async def hold() -> None:
        async with gate.slot():
            await asyncio.sleep(0.05)
            order.append("first")

    async def wait() -> None:
        async with gate.slot():
            order.append("second")

    await asyncio.gather(hold(), wait())
    assert order == ["first", "second"]


def test_allowlists_accept_threads_of_allowed_channels(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, guild_allowlist="1", channel_allowlist="10")
    assert refusal_for_place(settings, Place(1, 10)) is None
    assert refusal_for_place(settings, Place(1, 77, parent_id=10)) is None
    assert refusal_for_place(settings, Place(1, 11)) is not None
    assert refusal_for_place(settings, Place(2, 10)) is not None


def test_dms_follow_the_setting(tmp_path: Path) -> None:
    assert refusal_for_place(make_settings(tmp_path), Place(None, 5)) is not None
    assert refusal_for_place(make_settings(tmp_path, allow_dms=True), Place(None, 5)) is None


def test_admin_needs_manage_server_and_the_allowlist_when_set(tmp_path: Path) -> None:
    manager = discord.Permissions(manage_guild=True)
    member = discord.Permissions(send_messages=True)
    open_settings = make_settings(tmp_path)
    assert is_admin(open_settings, manager, 1, [])
    assert not is_admin(open_settings, member, 1, [])
    narrowed = make_settings(tmp_path, admin_user_ids="1", admin_role_ids="50")
    assert is_admin(narrowed, manager, 1, [])
    assert is_admin(narrowed, manager, 2, [50])
    assert not is_admin(narrowed, manager, 2, [51])
    assert not is_admin(narrowed, member, 1, [50])
