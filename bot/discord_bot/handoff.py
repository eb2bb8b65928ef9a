"""A way to a human: "Still need help?" posts an answer to the moderators' channel, once per
answer; answers that failed verification are reported there too.

Configured by `EXPLAINER_MODLOG_CHANNEL_ID` (no channel: no button, no reports), optionally
`EXPLAINER_MODERATOR_ROLE_ID` (tagged in each post) and `EXPLAINER_REVIEW_URL` (a link to the
answer's review page). Posts allow no mention but that role's.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import TYPE_CHECKING

import discord

from bot.discord_bot.rendering.splitter import split_markdown
from bot.discord_bot.texts import texts
from index import Answer

if TYPE_CHECKING:
    from bot.discord_bot.client import ExplainerBot

log = logging.getLogger(__name__)

# Answers already handed to the moderators (deduplication), remembered up to this many.
REMEMBERED = 4096
QUESTION_CHARS = 500
FAILURE_CHARS = 900


class Handoff:
    def __init__(self, bot: ExplainerBot):
        self.bot = bot
        self._sent: OrderedDict[str, bool] = OrderedDict()
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def enabled(self) -> bool:
        return self.bot.settings.modlog_channel_id is not None

    async def help(self, answer_id: str, member_id: int, language: str = "en") -> str:
        """Post the answer for the moderators (once), and say what happened."""
        lines = texts(language)
        if not self.enabled:
            return lines.HELP_FAILED
        async with self._lock:  # two presses at once post once
            if answer_id in self._sent:
                return lines.HELP_ALREADY
            answer = await self.bot.service.recall(answer_id)
            if answer is None:
                return lines.HELP_GONE
            head = texts().MODLOG_HELP.format(
                member=f"<@{member_id}>",
                answer_id=answer_id,
                link=self._link(answer_id),
                question=_one_line(answer.question, QUESTION_CHARS),
            )
            body = f"{texts().MODLOG_ANSWER}\n{answer.rendered}"
            if not await self._post(head, body):
                return lines.HELP_FAILED
            self._remember(answer_id)
        log.info("answer %s handed to the moderators", answer_id)
        return lines.HELP_SENT

    def report_later(self, answer: Answer) -> None:
        """`verification_failed` in the background: the member's answer does not wait on it."""
        if not self.enabled or answer.verification.passed:
            return
        task = asyncio.create_task(self.verification_failed(answer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def verification_failed(self, answer: Answer) -> None:
        """Report an answer whose composition failed verification (the member got the error
        line): once per answer, best effort."""
        if not self.enabled or answer.verification.passed or answer.id in self._sent:
            return
        failures = "; ".join(answer.verification.failures)
        head = texts().MODLOG_VERIFICATION.format(
            answer_id=answer.id,
            link=self._link(answer.id),
            question=_one_line(answer.question, QUESTION_CHARS),
            failures=_one_line(failures, FAILURE_CHARS),
        )
        if await self._post(head, None):
            self._remember(answer.id)

    def _link(self, answer_id: str) -> str:
        url = self.bot.settings.answer_review_link(answer_id)
        return texts().MODLOG_LINK.format(url=url) if url else ""

    def _remember(self, answer_id: str) -> None:
        self._sent[answer_id] = True
        while len(self._sent) > REMEMBERED:
            self._sent.popitem(last=False)

    async def _post(self, head: str, body: str | None) -> bool:
        channel_id = self.bot.settings.modlog_channel_id
        assert channel_id is not None
        role = self.bot.settings.moderator_role_id
        mentions = discord.AllowedMentions(
            everyone=False, users=False, roles=[discord.Object(role)] if role else False
        )
        if role:
            head = f"<@&{role}> {head}"
        channel = self.bot.get_partial_messageable(channel_id)
        try:
            for content in [*split_markdown(head), *split_markdown(body or "")]:
                await channel.send(content, allowed_mentions=mentions)
        except discord.HTTPException:
            log.exception("could not post to the moderators' channel %s", channel_id)
            return False
        return True


def _one_line(text: str, limit: int) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
